/**
 * Every finding code, in the order the dashboard lists findings of equal severity: broken
 * invariants, then root causes (configuration, integration mistakes, nodes and links, the
 * leader's view of a follower, elections), then the symptoms they explain. The order is what
 * lets "commit stays at 0" lead with its cause rather than with the stuck entry.
 *
 * docs/diagnostics.md describes each code: what it means, what causes it in a real etcd-raft or
 * raft-rs integration, and how to fix it.
 */
export const FINDING_CODES = [
  // Safety: a Raft invariant is broken.
  'TwoLeadersInTerm',
  'LogMismatch',
  'LeaderMissingCommittedEntry',
  'AppliedEntriesDiffer',
  'CommittedEntryChanged',
  'CommitRegressed',
  'AckedWriteLost',
  // Configuration.
  'NoConfiguration',
  'SelfNotInConfiguration',
  'LeaderConfigLacksFollowers',
  // Integration mistakes in the loop around the core.
  'AckedBeforeApplied',
  'ReadyNotAdvanced',
  'PersistedMessagesNotSent',
  'SnapshotNeverReported',
  'DoubleTick',
  'NotTicking',
  // Nodes and links.
  'NodeDown',
  'Partitioned',
  'LinkHeld',
  'LinkDropping',
  'TransportFailing',
  'LinkDelayed',
  // The leader's progress for one follower.
  'InflightWindowFull',
  'FollowerProbing',
  'FollowerInactive',
  'AwaitingSnapshot',
  'FollowerNotAcking',
  // Elections.
  'QuorumUnreachable',
  'SplitVote',
  'PreVoteRejected',
  'VotesRejected',
  // Symptoms and explanations.
  'NoLeader',
  'StaleLeader',
  'QuorumShort',
  'OlderTermEntry',
  'EntryWillBeReplaced',
  'EntryOverwritten',
  'PendingConfChange',
  'ProposalDropped',
  'ProposalFailed',
  'ProposalNotAppended',
  'CommitNotYetKnown',
  'ClusterPaused',
  'InFlight',
  'AlreadyCommitted',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

/** Codes of the safety monitor: each one means a Raft invariant has been broken. */
export const SAFETY_CODES: readonly FindingCode[] = [
  'TwoLeadersInTerm',
  'LogMismatch',
  'LeaderMissingCommittedEntry',
  'AppliedEntriesDiffer',
  'CommittedEntryChanged',
  'CommitRegressed',
  'AckedWriteLost',
];

export const CODE_RANK: Record<FindingCode, number> = Object.fromEntries(
  FINDING_CODES.map((code, i) => [code, i]),
) as Record<FindingCode, number>;
