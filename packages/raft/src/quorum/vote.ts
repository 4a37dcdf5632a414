/**
 * The outcome of counting votes in a configuration, named as etcd raft names it.
 *
 * - `VotePending`: the missing votes could still decide either way.
 * - `VoteLost`: even if every missing vote were a yes, there would be no quorum.
 * - `VoteWon`: a quorum has voted yes, whatever the missing votes say.
 */
export type VoteResult = 'VotePending' | 'VoteLost' | 'VoteWon';
