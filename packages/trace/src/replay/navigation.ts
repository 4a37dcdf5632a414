/**
 * Where the interesting moments of a trace are, so that "next election" or "previous fault of
 * node 3" is a binary search, not a scan. Each kind of moment keeps the positions of its
 * events in a column, for all nodes and for each node the event concerns.
 */

import type { TraceEvent } from '../events.ts';
import { Int32Column } from './columns.ts';
import { APPLIED_COMMIT, APPLIED_ELECTION } from './machine.ts';

/**
 * What to jump to:
 * - `election`: a node became leader (BecomeLeader);
 * - `commit`: an event that raised some node's commit index;
 * - `finding`: a finding raised or cleared;
 * - `message`: any event in the life of a message (net events);
 * - `fault`: something a person or the fault injector did (control events);
 * - `any`: any event (with a node: any event concerning that node).
 */
export type MomentKind = 'election' | 'commit' | 'finding' | 'message' | 'fault' | 'any';

export const MOMENT_KINDS: readonly MomentKind[] = [
  'election',
  'commit',
  'finding',
  'message',
  'fault',
  'any',
];

class MomentIndex {
  readonly all = new Int32Column(256);
  readonly byNode = new Map<number, Int32Column>();

  add(pos: number, nodes: readonly number[], global: boolean): void {
    if (global) this.all.push(pos);
    for (const n of nodes) {
      let col = this.byNode.get(n);
      if (col === undefined) {
        col = new Int32Column(64);
        this.byNode.set(n, col);
      }
      col.push(pos);
    }
  }

  bytes(): number {
    let n = this.all.bytes();
    for (const c of this.byNode.values()) n += c.bytes();
    return n;
  }
}

export class Navigator {
  private readonly indexes = new Map<MomentKind, MomentIndex>(
    MOMENT_KINDS.map((k) => [k, new MomentIndex()]),
  );

  /** Events recorded; every position below is an `any` moment, so that needs no column. */
  private length = 0;

  /** Records the event at `pos`, given what applying it did (APPLIED_* flags). */
  add(pos: number, e: TraceEvent, did: number): void {
    this.length = pos + 1;
    const nodes = nodesConcerned(e);
    const kinds: MomentKind[] = ['any'];
    if (did & APPLIED_ELECTION) kinds.push('election');
    if (did & APPLIED_COMMIT) kinds.push('commit');
    if (e.kind === 'finding') kinds.push('finding');
    if (e.kind === 'net') kinds.push('message');
    if (e.kind === 'control') kinds.push('fault');
    for (const k of kinds) this.index(k).add(pos, nodes, k !== 'any');
  }

  /** The position of the first such moment at or after position `from`, or -1. */
  firstFrom(kind: MomentKind, from: number, node?: number): number {
    if (kind === 'any' && node === undefined) return from < this.length ? Math.max(0, from) : -1;
    const col = this.column(kind, node);
    if (col === undefined) return -1;
    const i = col.lowerBound(from);
    return i < col.length ? col.at(i) : -1;
  }

  /** The position of the last such moment before position `before`, or -1. */
  lastBefore(kind: MomentKind, before: number, node?: number): number {
    if (kind === 'any' && node === undefined) return Math.min(before, this.length) - 1;
    const col = this.column(kind, node);
    if (col === undefined) return -1;
    const i = col.lowerBound(before) - 1;
    return i >= 0 ? col.at(i) : -1;
  }

  /** How many such moments the trace holds. */
  count(kind: MomentKind, node?: number): number {
    if (kind === 'any' && node === undefined) return this.length;
    return this.column(kind, node)?.length ?? 0;
  }

  bytes(): number {
    let n = 0;
    for (const idx of this.indexes.values()) n += idx.bytes();
    return n;
  }

  private index(kind: MomentKind): MomentIndex {
    return this.indexes.get(kind) as MomentIndex;
  }

  private column(kind: MomentKind, node?: number): Int32Column | undefined {
    const idx = this.index(kind);
    return node === undefined ? idx.all : idx.byNode.get(node);
  }
}

/** The nodes an event concerns: where it happened, a message's ends, a control's target. */
export function nodesConcerned(e: TraceEvent): number[] {
  const out: number[] = [];
  addNode(out, e.node);
  if (e.kind === 'net') {
    addNode(out, e.msg.from);
    addNode(out, e.msg.to);
  } else if (e.kind === 'control' && typeof e.detail.node === 'number') {
    addNode(out, e.detail.node);
  }
  return out;
}

function addNode(out: number[], n: number): void {
  if (n !== 0 && !out.includes(n)) out.push(n);
}
