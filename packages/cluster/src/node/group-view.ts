/**
 * The dashboard's view of one group on one node. Built often (every snapshot), so it reads the
 * core's fields directly and shows a window of the log, never the whole log.
 */

import {
  asV2,
  type ConfState,
  confChangesToString,
  decodeConfChange,
  decodeConfChangeV2,
  type Entry,
  type LogIndex,
  type ProgressPlain,
} from '@raftlens/raft';
import type { ConfStateView, GroupView, LogWindowView, ProgressView } from '@raftlens/trace';
import { describeCommand } from '../kv/command.ts';
import type { NodeStorage } from '../storage/types.ts';
import type { GroupRuntime } from './group.ts';

/** Entries shown per log window. */
export const LOG_WINDOW_ENTRIES = 64;

export function confStateView(cs: ConfState): ConfStateView {
  return {
    voters: [...cs.voters].sort((a, b) => a - b),
    learners: [...cs.learners].sort((a, b) => a - b),
    votersOutgoing: [...cs.votersOutgoing].sort((a, b) => a - b),
    learnersNext: [...cs.learnersNext].sort((a, b) => a - b),
    autoLeave: cs.autoLeave,
  };
}

/** Caches entry summaries: decoding JSON for every entry of every snapshot would add up. */
export class EntrySummaries {
  private readonly cache = new Map<string, string>();

  summary(e: Entry): string {
    const key = `${e.index}:${e.term}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const s = describeEntry(e);
    if (this.cache.size >= LOG_WINDOW_ENTRIES * 4) this.cache.clear();
    this.cache.set(key, s);
    return s;
  }
}

export function describeEntry(e: Entry): string {
  try {
    switch (e.type) {
      case 'EntryNormal':
        return describeCommand(e.data);
      case 'EntryConfChange':
        return `conf ${confChangesToString(asV2(decodeConfChange(e.data)).changes)}`;
      case 'EntryConfChangeV2': {
        const changes = decodeConfChangeV2(e.data).changes;
        return changes.length === 0 ? 'conf leave-joint' : `conf ${confChangesToString(changes)}`;
      }
    }
  } catch {
    return '(undecodable)';
  }
}

function windowOf(
  firstIndex: number,
  lastIndex: number,
  snapshotIndex: number,
  snapshotTerm: number,
  read: (lo: number, hi: number) => Entry[],
  summaries: EntrySummaries,
): LogWindowView {
  const lo = Math.max(firstIndex, lastIndex - LOG_WINDOW_ENTRIES + 1);
  const entries = lo <= lastIndex ? read(lo, lastIndex + 1) : [];
  return {
    firstIndex,
    lastIndex,
    snapshotIndex,
    snapshotTerm,
    entries: entries.map((e) => ({
      index: e.index,
      term: e.term,
      type: e.type,
      bytes: e.data.length,
      summary: summaries.summary(e),
    })),
  };
}

function snapshotMeta(storage: NodeStorage): { index: number; term: number } {
  const snap = storage.snapshot();
  if ('metadata' in snap) return { index: snap.metadata.index, term: snap.metadata.term };
  return { index: storage.firstIndex() - 1, term: 0 };
}

/** The live view of a running group. */
export function groupView(g: GroupRuntime, summaries: EntrySummaries): GroupView {
  const r = g.rn.raft;
  const st = g.rn.status();
  const raftLog = r.raftLog;
  const snap = snapshotMeta(g.storage);
  const log = windowOf(
    raftLog.firstIndex(),
    raftLog.lastIndex(),
    snap.index,
    snap.term,
    (lo, hi) => {
      const ents = raftLog.slice(lo as LogIndex, hi as LogIndex, Number.POSITIVE_INFINITY);
      return Array.isArray(ents) ? ents : [];
    },
    summaries,
  );
  const view: GroupView = {
    group: g.group,
    role: st.softState.raftState,
    term: st.hardState.term,
    vote: st.hardState.vote,
    lead: st.softState.lead,
    commit: st.hardState.commit,
    applied: g.applied,
    persisted: g.storage.lastIndex(),
    log,
    confState: confStateView(st.config),
    leadTransferee: st.leadTransferee,
    electionElapsedTicks: r.electionElapsed,
    randomizedElectionTimeoutTicks: r.randomizedElectionTimeout,
    promotable: r.promotable(),
  };
  if (st.softState.raftState === 'StateLeader') view.progress = progressViews(st.progress);
  return view;
}

/** The leader's progress records as the trace shows them, keyed by node id. */
export function progressViews(
  progress: Record<number, ProgressPlain>,
): Record<string, ProgressView> {
  const out: Record<string, ProgressView> = {};
  for (const [id, pr] of Object.entries(progress)) {
    out[id] = {
      match: pr.match,
      next: pr.next,
      state: pr.state,
      paused: pr.paused,
      inflights: pr.inflightCount,
      inflightsFull: pr.inflightFull,
      recentActive: pr.recentActive,
      pendingSnapshot: pr.pendingSnapshot,
      isLearner: pr.isLearner,
      msgAppFlowPaused: pr.msgAppFlowPaused,
    };
  }
  return out;
}

/** The view of a group whose node is down: only what its storage holds. */
export function persistedGroupView(
  group: number,
  storage: NodeStorage,
  summaries: EntrySummaries,
): GroupView {
  const { hardState, confState } = storage.initialState();
  const snap = snapshotMeta(storage);
  const log = windowOf(
    storage.firstIndex(),
    storage.lastIndex(),
    snap.index,
    snap.term,
    (lo, hi) => {
      const ents = storage.entries(lo as LogIndex, hi as LogIndex, Number.POSITIVE_INFINITY);
      return Array.isArray(ents) ? ents : [];
    },
    summaries,
  );
  return {
    group,
    role: 'StateFollower',
    term: hardState.term,
    vote: hardState.vote,
    lead: 0,
    commit: hardState.commit,
    applied: 0,
    persisted: storage.lastIndex(),
    log,
    confState: confStateView(confState),
    leadTransferee: 0,
    electionElapsedTicks: 0,
    randomizedElectionTimeoutTicks: 0,
    promotable: false,
  };
}
