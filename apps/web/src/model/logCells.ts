/**
 * What each cell of the log view shows: one node's entry at one index, classified against the
 * leader's log and the node's commit and apply points.
 */

import type { GroupView } from '@raftlens/trace';

export type CellKind =
  /** Folded into a snapshot by compaction. */
  | 'compacted'
  /** In the log but outside the window the server sent. */
  | 'unknown'
  | 'entry'
  /** Past the node's last index. */
  | 'empty';

export interface LogCell {
  index: number;
  kind: CellKind;
  term?: number;
  type?: string;
  summary?: string;
  committed: boolean;
  applied: boolean;
  /** The leader has a different term at this index: this entry will be overwritten. */
  conflict: boolean;
}

/** The entry of a group view at `index`, when its window holds it. */
export function entryAt(g: GroupView, index: number) {
  const first = g.log.entries[0];
  if (!first) return undefined;
  const e = g.log.entries[index - first.index];
  return e?.index === index ? e : undefined;
}

export function logCell(g: GroupView, index: number, leader: GroupView | undefined): LogCell {
  const base = {
    index,
    committed: index <= g.commit,
    applied: index <= g.applied,
    conflict: false,
  };
  if (index <= g.log.snapshotIndex || index < g.log.firstIndex) {
    return { ...base, kind: 'compacted' };
  }
  if (index > g.log.lastIndex) return { ...base, kind: 'empty' };
  const e = entryAt(g, index);
  if (!e) return { ...base, kind: 'unknown' };
  const theirs = leader && leader !== g ? entryAt(leader, index) : undefined;
  return {
    ...base,
    kind: 'entry',
    term: e.term,
    type: e.type,
    summary: e.summary,
    conflict: theirs !== undefined && theirs.term !== e.term,
  };
}

/** The index range worth showing across all nodes: from the oldest kept entry to the newest. */
export function indexRange(groups: readonly GroupView[]): { first: number; last: number } {
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const g of groups) {
    first = Math.min(first, g.log.snapshotIndex > 0 ? g.log.snapshotIndex : g.log.firstIndex);
    last = Math.max(last, g.log.lastIndex);
  }
  if (!Number.isFinite(first)) first = 1;
  return { first: Math.max(1, first), last: Math.max(last, first) };
}
