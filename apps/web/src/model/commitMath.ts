/**
 * The leader's commit computation, spelled out for display: the voters' match indexes sorted,
 * the quorum position, the index a majority has, and whether Raft's current-term rule holds
 * the commit back (a leader only counts replicas for entries of its own term; older entries
 * commit indirectly, Raft thesis section 3.6.2).
 */

import type { ConfStateView, GroupView } from '@raftlens/trace';

export interface QuorumHalf {
  /** Which half of a joint configuration this is ('incoming' alone when not joint). */
  name: 'incoming' | 'outgoing';
  /** Voters with their match index, highest first. */
  sorted: Array<{ id: number; match: number }>;
  /** Position in `sorted` (0-based) whose match a majority has reached. */
  quorumPos: number;
  /** The highest index a majority of this half has. */
  index: number;
}

export interface CommitComputation {
  halves: QuorumHalf[];
  /** The index a quorum has: the minimum over the halves. */
  quorumIndex: number;
  /** Term of the entry at `quorumIndex` in the leader's log, when the window shows it. */
  quorumTerm: number | undefined;
  leaderTerm: number;
  /** The quorum index is past commit but its entry is from an older term. */
  heldBackByTerm: boolean;
  commit: number;
  /** The entry after commit, when the leader has one: who has it and how many it needs. */
  next: { index: number; have: number[]; need: number } | null;
}

/** Computes one majority: the value at position floor(n/2) of the match indexes sorted down. */
export function majorityHalf(
  name: QuorumHalf['name'],
  voters: readonly number[],
  matchOf: (id: number) => number,
): QuorumHalf {
  const sorted = voters
    .map((id) => ({ id, match: matchOf(id) }))
    .sort((a, b) => b.match - a.match || a.id - b.id);
  const quorumPos = Math.floor(sorted.length / 2);
  return { name, sorted, quorumPos, index: sorted[quorumPos]?.match ?? 0 };
}

/** The commit computation of a leader's group view, or null when it is not a leader. */
export function computeCommit(g: GroupView): CommitComputation | null {
  if (g.role !== 'StateLeader' || !g.progress) return null;
  const progress = g.progress;
  const matchOf = (id: number) => progress[String(id)]?.match ?? 0;
  const halves = [majorityHalf('incoming', g.confState.voters, matchOf)];
  if (g.confState.votersOutgoing.length > 0) {
    halves.push(majorityHalf('outgoing', g.confState.votersOutgoing, matchOf));
  }
  const quorumIndex = Math.min(...halves.map((h) => h.index));
  const quorumTerm = termAt(g, quorumIndex);
  const heldBackByTerm =
    quorumIndex > g.commit && quorumTerm !== undefined && quorumTerm !== g.term;
  const first = halves[0];
  const next =
    g.log.lastIndex > g.commit && first
      ? {
          index: g.commit + 1,
          have: first.sorted.filter((v) => v.match > g.commit).map((v) => v.id),
          need: first.quorumPos + 1,
        }
      : null;
  return {
    halves,
    quorumIndex,
    quorumTerm,
    leaderTerm: g.term,
    heldBackByTerm,
    commit: g.commit,
    next,
  };
}

/** The term of the entry at `index` in a group's log window, if the window holds it. */
export function termAt(g: GroupView, index: number): number | undefined {
  if (index === g.log.snapshotIndex) return g.log.snapshotTerm;
  const first = g.log.entries[0];
  if (!first) return undefined;
  return g.log.entries[index - first.index]?.term;
}

/** A configuration in the `voters (outgoing) learners` shape used to compare nodes. */
export function confKey(c: ConfStateView): string {
  const ids = (xs: readonly number[]) => [...xs].sort((a, b) => a - b).join(',');
  return `${ids(c.voters)}|${ids(c.votersOutgoing)}|${ids(c.learners)}|${ids(c.learnersNext)}`;
}

/**
 * The configuration most nodes have, and which nodes differ from it. A node that differs is
 * usually mid-change or lagging; it may also be the reason a commit is stuck.
 */
export function confOutliers(confs: ReadonlyArray<{ id: number; conf: ConfStateView }>): {
  common: string | null;
  outliers: Set<number>;
} {
  const counts = new Map<string, number>();
  for (const { conf } of confs) counts.set(confKey(conf), (counts.get(confKey(conf)) ?? 0) + 1);
  let common: string | null = null;
  let best = 0;
  for (const [key, n] of counts) {
    if (n > best) {
      common = key;
      best = n;
    }
  }
  const outliers = new Set<number>();
  for (const { id, conf } of confs) if (confKey(conf) !== common) outliers.add(id);
  return { common, outliers };
}
