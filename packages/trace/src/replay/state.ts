/**
 * What a replayed trace says about one moment: the cluster as the events up to a sequence
 * number describe it.
 *
 * The trace is evidence, not a dump of memory, so every field a trace may not tell is typed
 * `| null`, and `null` means "the trace does not say" (an imported etcd trace has no ticks, no
 * applied index and no entry terms; a native trace has no entry terms for a follower whose
 * MsgApp was not recorded). Nothing here is guessed: a value is either read from an event or
 * follows from one by a rule of Raft (named where it is used).
 */

import type { MessageSummary, ProgressView, Role, TraceHeader } from '../events.ts';
import type { LinkRuleView, NodeStatus } from '../snapshot.ts';

/** A stretch of a log whose entries all have the same term (`null`: not recorded). */
export interface TermRun {
  /** First and last index of the stretch, inclusive; `first <= last`. */
  first: number;
  last: number;
  term: number | null;
}

/**
 * A node's log as far as the trace tells. Terms never decrease along a Raft log, so the whole
 * log is a short list of runs, one per term (plus unknown stretches), whatever its length.
 */
export interface ReplayLog {
  /** The first index still in the log (after compaction or a snapshot, snapshot index + 1). */
  firstIndex: number;
  /** The last index, or null before any event told it. */
  lastIndex: number | null;
  snapshotIndex: number;
  /** Term of the snapshot; null when a compaction was recorded without it. */
  snapshotTerm: number | null;
  /** Runs covering exactly `[firstIndex, lastIndex]`, in index order, neighbours unequal. */
  runs: readonly TermRun[];
}

/**
 * A peer as the leader's progress tracker saw it. `match` and `next` are always known here;
 * the other fields are absent when only an append recorded the peer (etcd traces, or a native
 * trace before the first progress event).
 */
export type ReplayProgress = Pick<ProgressView, 'match' | 'next'> &
  Partial<Omit<ProgressView, 'match' | 'next'>>;

/** One Raft group on one node. */
export interface ReplayGroupState {
  group: number;
  role: Role | null;
  term: number | null;
  vote: number | null;
  /** The leader the node knows of; 0 when it knows none. */
  lead: number | null;
  commit: number | null;
  /** The highest index applied to the state machine (native traces: from each Ready). */
  applied: number | null;
  /** The highest index written to stable storage (native traces: from each Ready). */
  persisted: number | null;
  log: ReplayLog;
  /** Voters of the incoming and outgoing configuration; null before any state event. */
  voters: readonly number[] | null;
  votersOutgoing: readonly number[] | null;
  /** Learners; null where the source does not record them (etcd traces). */
  learners: readonly number[] | null;
  /** The leader's view of every peer, by node id; null unless this node leads the group. */
  progress: Readonly<Record<string, ReplayProgress>> | null;
  /** Sequence number of the last event about this group on this node; 0 if none. */
  lastSeq: number;
}

export interface ReplayNodeState {
  id: number;
  status: NodeStatus;
  /** The node's logical tick at its latest event; null when the source has no ticks. */
  tick: number | null;
  /** Where its peers reach it, from the control events that started it; null if not told. */
  address: string | null;
  /** Integration faults it was started with, from ClusterStarted; null if not told. */
  faults: readonly string[] | null;
  /** Groups in ascending order. */
  groups: readonly ReplayGroupState[];
}

/** A message sent and not yet delivered or dropped. */
export interface InFlightMessage {
  msgId: string;
  from: number;
  to: number;
  group: number;
  msg: MessageSummary;
  /** The event that put it on the network: its Send, or the Duplicate that copied it. */
  sentSeq: number;
  sentAtMs: number;
  /** Set when it is a copy made by a duplicate rule: the id of the original. */
  copyOf: string | null;
  /** Held on its link until a person releases or drops it. */
  held: boolean;
  heldAtMs: number | null;
  /** When a delay rule lets it go on, if one delayed it. */
  delayedUntilMs: number | null;
}

/** A finding of the diagnostics that is raised and not yet cleared. */
export interface ActiveFinding {
  code: string;
  severity: 'info' | 'warning' | 'error' | 'critical';
  summary: string;
  node: number;
  group: number;
  raisedSeq: number;
}

export interface ReplayState {
  header: TraceHeader;
  /** The sequence number of the last event applied; 0 before the first. */
  seq: number;
  /** How many events were applied (the position in the trace). */
  position: number;
  /** Wall time of the last event applied; the header's creation time before the first. */
  wallMs: number;
  /** Nodes in ascending order of id. */
  nodes: readonly ReplayNodeState[];
  paused: boolean;
  /** Speed factor; null until a ClusterStarted or SpeedSet event says it. */
  speed: number | null;
  /** Milliseconds per tick at speed 1; null unless ClusterStarted says it. */
  tickMs: number | null;
  links: readonly LinkRuleView[];
  partitions: readonly (readonly number[])[];
  /** Every message in flight, held ones included, in the order they were sent. */
  inFlight: readonly InFlightMessage[];
  findings: readonly ActiveFinding[];
}
