/**
 * Majority arithmetic over a leader's configuration, joint or not, as etcd raft's
 * `quorum.MajorityConfig` and `JointConfig` define it.
 */

import type { GroupView } from '@raftlens/trace';

/** The number of votes or acknowledgements a configuration of `n` voters needs. */
export function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

/**
 * The highest index acknowledged by a majority of `voters`. An empty configuration agrees to
 * everything, so that the empty outgoing half of a non-joint configuration never holds back.
 */
export function majorityIndex(voters: readonly number[], acked: (id: number) => number): number {
  if (voters.length === 0) return Number.POSITIVE_INFINITY;
  const sorted = voters.map(acked).sort((a, b) => b - a);
  return sorted[majority(voters.length) - 1] ?? 0;
}

/** The voter sets that must each reach a majority: the incoming one, and the outgoing if joint. */
export function voterSets(v: GroupView): number[][] {
  const sets = [v.confState.voters];
  if (v.confState.votersOutgoing.length > 0) sets.push(v.confState.votersOutgoing);
  return sets;
}

export function jointIndex(v: GroupView, acked: (id: number) => number): number {
  return Math.min(...voterSets(v).map((s) => majorityIndex(s, acked)));
}

/** Every voter of either half, each once. */
export function allVoters(v: GroupView): number[] {
  return [...new Set(voterSets(v).flat())].sort((a, b) => a - b);
}
