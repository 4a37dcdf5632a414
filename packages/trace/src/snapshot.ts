/**
 * The present state of a cluster, as the server reports it and the dashboard draws it. A
 * snapshot is self-contained: a viewer that connects late, or that missed events, replaces its
 * picture with the latest snapshot and is right again.
 */

import type { ProgressView, Role } from './events.ts';

export interface ConfStateView {
  voters: number[];
  learners: number[];
  votersOutgoing: number[];
  learnersNext: number[];
  autoLeave: boolean;
}

/** A window of a node's log; entries outside the window are summarised by the indexes. */
export interface LogWindowView {
  /** The first index still in the log (after compaction, snapshot index + 1). */
  firstIndex: number;
  lastIndex: number;
  /** Index and term of the last snapshot, 0 when none. */
  snapshotIndex: number;
  snapshotTerm: number;
  /** Entries from `entries[0].index` on, at most a few hundred, newest last. */
  entries: Array<{ index: number; term: number; type: string; bytes: number; summary: string }>;
}

/** One Raft group on one node. */
export interface GroupView {
  group: number;
  role: Role;
  term: number;
  vote: number;
  lead: number;
  commit: number;
  applied: number;
  /** Highest index persisted to stable storage. */
  persisted: number;
  log: LogWindowView;
  confState: ConfStateView;
  /** Present on the leader: every peer's progress, keyed by node id. */
  progress?: Record<string, ProgressView>;
  leadTransferee: number;
  /**
   * Ticks elapsed since the node last heard from a leader (or, on the leader, since its last
   * heartbeat round), and the randomized timeout at which a follower or candidate campaigns.
   */
  electionElapsedTicks: number;
  randomizedElectionTimeoutTicks: number;
  /** False when the node cannot campaign (e.g. it has no configuration that includes it). */
  promotable: boolean;
}

export type NodeStatus = 'running' | 'crashed' | 'stopped';

export interface NodeView {
  id: number;
  status: NodeStatus;
  /** The address its peers connect to (ws://127.0.0.1:port), or 'in-process'. */
  address: string;
  /** Integration faults the node was started with. */
  faults: string[];
  /** The node's logical tick count. */
  tick: number;
  groups: GroupView[];
  /** The key-value state machine of group 1, for small stores. */
  kvSize: number;
}

export interface LinkRule {
  /** Park every message on this link until released or dropped by hand. */
  hold?: boolean;
  /** Probability in [0, 1] of dropping each message; 1 drops all. */
  dropRate?: number;
  /** Fixed delay plus uniform jitter, in milliseconds. */
  delayMs?: number;
  jitterMs?: number;
  /** Probability in [0, 1] of delivering a message twice. */
  duplicateRate?: number;
  /** Probability in [0, 1] of letting a later message overtake this one. */
  reorderRate?: number;
  /** Only apply the rule to these message types (all when absent). */
  types?: string[];
}

export interface LinkRuleView {
  from: number;
  to: number;
  rule: LinkRule;
}

export interface HeldMessageView {
  msgId: string;
  from: number;
  to: number;
  group: number;
  type: string;
  term: number;
  index: number;
  entries: number;
  heldAtMs: number;
}

export interface ClusterSnapshot {
  cluster: string;
  mode: 'live' | 'simulated';
  seed?: number;
  paused: boolean;
  /** Speed factor: 1 is real time, 0.01 a hundredth. */
  speed: number;
  /** Milliseconds per tick at speed 1. */
  tickMs: number;
  groups: number[];
  nodes: NodeView[];
  links: LinkRuleView[];
  /** Partition groups; empty when the network is whole. */
  partitions: number[][];
  held: HeldMessageView[];
  /**
   * While paused: messages that reached a node's inbox and wait to be stepped, oldest first.
   * `step('message')` delivers the first. Empty while running. Absent in older traces.
   */
  pending?: HeldMessageView[];
  /** The trace sequence number this snapshot reflects. */
  seq: number;
  wallMs: number;
}
