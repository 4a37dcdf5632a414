/**
 * The leader's bookkeeping for a Raft group: the active configuration, every peer's progress
 * and the votes of the current election.
 */

import {
  type JointConfig,
  jointCommittedIndex,
  jointConfigToString,
  jointIds,
  jointVoteResult,
} from '../quorum/joint.ts';
import { majorityConfigToString, majoritySlice } from '../quorum/majority.ts';
import type { VoteResult } from '../quorum/vote.ts';
import type { ConfState, LogIndex, NodeId } from '../types.ts';
import type { Progress, ProgressMap } from './progress.ts';

/**
 * A Raft configuration: who votes, who learns, and whether a joint configuration is left
 * automatically.
 *
 * Invariants, which the changer keeps: learners and voters (of either half) are disjoint;
 * `learnersNext` holds only outgoing voters, which become learners when the joint configuration
 * is left; outside a joint configuration `voters[1]` and `learnersNext` are empty and
 * `autoLeave` is false.
 */
export interface TrackerConfig {
  /** `[incoming, outgoing]`; the outgoing half is non-empty only while joint. */
  voters: JointConfig;
  /**
   * Whether raft leaves the joint configuration on its own (with an empty ConfChangeV2) once
   * it may. Meaningful only while joint.
   */
  autoLeave: boolean;
  /** Nodes that receive the log without voting. Disjoint from both halves of `voters`. */
  learners: Set<NodeId>;
  /**
   * Outgoing voters that were demoted in this joint change. A node cannot be a voter and a
   * learner at once, so it is staged here until the joint configuration is left.
   */
  learnersNext: Set<NodeId>;
}

/** A configuration with no members. */
export function emptyTrackerConfig(): TrackerConfig {
  return {
    voters: [new Set(), new Set()],
    autoLeave: false,
    learners: new Set(),
    learnersNext: new Set(),
  };
}

/** A copy whose sets can be changed without touching the original. */
export function cloneTrackerConfig(c: TrackerConfig): TrackerConfig {
  return {
    voters: [new Set(c.voters[0]), new Set(c.voters[1])],
    autoLeave: c.autoLeave,
    learners: new Set(c.learners),
    learnersNext: new Set(c.learnersNext),
  };
}

/**
 * As etcd prints a configuration: `voters=(1 2 3)&&(1 2) learners=(4) learners_next=(5)
 * autoleave`, leaving out the empty parts.
 */
export function trackerConfigToString(c: TrackerConfig): string {
  let s = `voters=${jointConfigToString(c.voters)}`;
  if (c.learners.size > 0) s += ` learners=${majorityConfigToString(c.learners)}`;
  if (c.learnersNext.size > 0) s += ` learners_next=${majorityConfigToString(c.learnersNext)}`;
  if (c.autoLeave) s += ' autoleave';
  return s;
}

/** The outcome of an election so far. */
export interface VoteTally {
  /** Voters of the configuration that granted their vote. */
  granted: number;
  /** Voters of the configuration that refused it. */
  rejected: number;
  result: VoteResult;
}

/**
 * Tracks the active configuration, the progress of every peer in it and the votes cast in the
 * current election. `progress` has an entry for exactly the voters and learners of `config`.
 */
export class ProgressTracker {
  config: TrackerConfig = emptyTrackerConfig();
  progress: ProgressMap = new Map();
  /** The votes of the current election: true granted, false refused; absent not yet heard. */
  votes: Map<NodeId, boolean> = new Map();

  /**
   * @param maxInflight the inflights window size of each new Progress (etcd's MaxInflightMsgs).
   * @param maxInflightBytes the byte limit of each window; 0 for none.
   */
  constructor(
    readonly maxInflight: number,
    readonly maxInflightBytes: number,
  ) {}

  /** The active configuration as a ConfState, every id list sorted. */
  confState(): ConfState {
    return {
      voters: majoritySlice(this.config.voters[0]),
      votersOutgoing: majoritySlice(this.config.voters[1]),
      learners: majoritySlice(this.config.learners),
      learnersNext: majoritySlice(this.config.learnersNext),
      autoLeave: this.config.autoLeave,
    };
  }

  /** True when there is exactly one voter (normally the leader itself) and no joint change. */
  isSingleton(): boolean {
    return this.config.voters[0].size === 1 && this.config.voters[1].size === 0;
  }

  /** The highest index that a quorum of voters (of both halves, while joint) has matched. */
  committed(): LogIndex {
    return jointCommittedIndex(this.config.voters, this.matchOf);
  }

  /** The acknowledged-index lookup of `committed`, built once rather than on every call. */
  private readonly matchOf = (id: NodeId): LogIndex | undefined => this.progress.get(id)?.match;

  /** Calls `f` for every tracked peer, in ascending id order so that outputs are stable. */
  visit(f: (id: NodeId, pr: Progress) => void): void {
    const ids = [...this.progress.keys()].sort((a, b) => a - b);
    for (const id of ids) {
      const pr = this.progress.get(id);
      if (pr !== undefined) f(id, pr);
    }
  }

  /**
   * Whether a quorum of voters has been recently active, as the leader sees it. Used by
   * CheckQuorum: a leader that has not heard from a quorum steps down.
   */
  quorumActive(): boolean {
    const active = new Map<NodeId, boolean>();
    this.visit((id, pr) => {
      if (!pr.isLearner) active.set(id, pr.recentActive);
    });
    return jointVoteResult(this.config.voters, active) === 'VoteWon';
  }

  /** Every voter of either half, sorted. */
  voterNodes(): NodeId[] {
    return majoritySlice(jointIds(this.config.voters));
  }

  /** Every learner, sorted. Staged learners (`learnersNext`) are still voters, not listed. */
  learnerNodes(): NodeId[] {
    return majoritySlice(this.config.learners);
  }

  /** Starts a new round of vote counting. */
  resetVotes(): void {
    this.votes = new Map();
  }

  /** Records `id`'s vote. Only the first vote of a node in a round counts. */
  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  /**
   * Counts the votes of the current round. The counts cover only tracked voters (votes of
   * nodes that left the configuration are not counted); they are informational, while the
   * result is what decides the election.
   */
  tallyVotes(): VoteTally {
    let granted = 0;
    let rejected = 0;
    for (const [id, pr] of this.progress) {
      if (pr.isLearner) continue;
      const v = this.votes.get(id);
      if (v === true) granted++;
      else if (v === false) rejected++;
    }
    return { granted, rejected, result: jointVoteResult(this.config.voters, this.votes) };
  }
}
