/** Quorum arithmetic: majority and joint committed indexes and vote results. */

export {
  describeJoint,
  type JointConfig,
  jointCommittedIndex,
  jointConfigToString,
  jointIds,
  jointVoteResult,
} from './joint.ts';
export {
  type AckedIndexer,
  describeMajority,
  INFINITE_INDEX,
  indexToString,
  type MajorityConfig,
  majorityCommittedIndex,
  majorityConfigToString,
  majoritySlice,
  majorityVoteResult,
} from './majority.ts';
export type { VoteResult } from './vote.ts';
