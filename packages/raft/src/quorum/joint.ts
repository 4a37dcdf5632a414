/**
 * Joint quorums: during a joint configuration change, a decision needs a majority of the
 * incoming voters AND a majority of the outgoing voters. Outside a change the outgoing half is
 * empty, and an empty majority is neutral (it commits everything and wins every vote), so the
 * same code serves both cases.
 */

import type { LogIndex, NodeId } from '../types.ts';
import {
  type AckedIndexer,
  describeMajority,
  type MajorityConfig,
  majorityCommittedIndex,
  majorityConfigToString,
  majorityVoteResult,
} from './majority.ts';
import type { VoteResult } from './vote.ts';

/** `[incoming, outgoing]`: the new voters first, the voters being left behind second. */
export type JointConfig = [MajorityConfig, MajorityConfig];

/** Every voter of either half, once each. */
export function jointIds(c: JointConfig): Set<NodeId> {
  return new Set([...c[0], ...c[1]]);
}

/** `(1 2 3)&&(1 2)` while joint, `(1 2 3)` otherwise, as etcd prints it. */
export function jointConfigToString(c: JointConfig): string {
  if (c[1].size > 0) return `${majorityConfigToString(c[0])}&&${majorityConfigToString(c[1])}`;
  return majorityConfigToString(c[0]);
}

/** The largest index committed by both halves: the smaller of their committed indexes. */
export function jointCommittedIndex(c: JointConfig, l: AckedIndexer): LogIndex {
  const incoming = majorityCommittedIndex(c[0], l);
  const outgoing = majorityCommittedIndex(c[1], l);
  return Math.min(incoming, outgoing) as LogIndex;
}

/**
 * Won only when both halves are won, lost as soon as either half is lost, pending otherwise.
 */
export function jointVoteResult(c: JointConfig, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  const incoming = majorityVoteResult(c[0], votes);
  const outgoing = majorityVoteResult(c[1], votes);
  if (incoming === outgoing) return incoming;
  if (incoming === 'VoteLost' || outgoing === 'VoteLost') return 'VoteLost';
  return 'VotePending';
}

/** The table of `describeMajority` over the union of both halves. */
export function describeJoint(c: JointConfig, l: AckedIndexer): string {
  return describeMajority(jointIds(c), l);
}
