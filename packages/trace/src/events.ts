/**
 * The trace: every thing that happens in a cluster, as typed events.
 *
 * A trace is newline-delimited JSON: one header line (`TraceHeader`), then one event per line.
 * Node state events reuse the names of etcd raft's TLA+ trace logger (`InitState`,
 * `BecomeLeader`, `Commit`, ...) and carry a superset of its fields, so etcd's own traces can be
 * read into the same shape with less detail. Everything else (the network, proposals, faults,
 * findings) has names of its own.
 *
 * Ids, terms and indexes are plain numbers here: this is the wire and file format, read by the
 * browser and by other tools, and it must not depend on the core's branded types.
 */

export const TRACE_FORMAT = 'raftlens-trace';
export const TRACE_VERSION = 1;

export interface TraceHeader {
  format: typeof TRACE_FORMAT;
  version: number;
  cluster: string;
  mode: 'live' | 'simulated';
  /** The seed of a simulated run, which replays it exactly. */
  seed?: number;
  createdAtMs: number;
  /** Where the trace came from when it was converted from another format (e.g. 'etcd-raft'). */
  importedFrom?: string;
}

/** Fields every event has. */
export interface EventBase {
  /** Global sequence number: strictly increasing within one trace, starting at 1. */
  seq: number;
  /** Wall-clock time in milliseconds since the epoch (virtual time in simulated mode). */
  wallMs: number;
  /** The node the event happened on; 0 for cluster-wide events. */
  node: number;
  /** The Raft group; 1 is the default group. */
  group: number;
  /** The node's logical tick count when the event happened. */
  tick: number;
}

export type Role = 'StateFollower' | 'StateCandidate' | 'StatePreCandidate' | 'StateLeader';

/** The node state that etcd's trace logger attaches to every state event. */
export interface NodeStateFields {
  term: number;
  vote: number;
  commit: number;
  role: Role;
  /** The last index of the node's log. */
  lastIndex: number;
  /** Voters of the incoming and outgoing configuration (the latter empty unless joint). */
  conf: [number[], number[]];
  learners: number[];
}

/** A message as the trace records it: every header field, entries summarised. */
export interface MessageSummary {
  type: string;
  from: number;
  to: number;
  term: number;
  logTerm: number;
  index: number;
  commit: number;
  vote: number;
  reject: boolean;
  rejectHint: number;
  /**
   * Entries carried, as `[term, index, type, bytes]`: at most the first 16, and none when the
   * source did not say. `entryCount` is always the true count.
   */
  entries: Array<[number, number, string, number]>;
  /** How many entries the message carried (known even when `entries` is not). */
  entryCount: number;
  /** Index and term of an attached snapshot. */
  snapshot?: { index: number; term: number };
  /** The message's size in bytes on the wire. */
  bytes: number;
}

/** The names of state events, as etcd raft's TLA+ trace logger names them. */
export const STATE_EVENT_NAMES = [
  'InitState',
  'BecomeFollower',
  'BecomeCandidate',
  'BecomePreCandidate',
  'BecomeLeader',
  'Commit',
  'ApplyConfChange',
  'Replicate',
  'ReduceNextIndex',
  'SendAppendEntriesRequest',
  'ReceiveAppendEntriesRequest',
  'SendAppendEntriesResponse',
  'ReceiveAppendEntriesResponse',
  'SendRequestVoteRequest',
  'ReceiveRequestVoteRequest',
  'SendRequestVoteResponse',
  'ReceiveRequestVoteResponse',
  'ReceiveSnapshot',
  'Ready',
  'ChangeConf',
] as const;

/**
 * A state event's name. `Ready` is etcd's marker of a Ready handed out; `ChangeConf` marks a
 * configuration change being proposed.
 */
export type StateEventName = (typeof STATE_EVENT_NAMES)[number];

/** A change of a node's Raft state, named as etcd raft's trace logger names it. */
export interface StateEvent extends EventBase, NodeStateFields {
  kind: 'state';
  name: StateEventName;
  msg?: MessageSummary;
  /** For ApplyConfChange: the change, in the `v1 l2 r3` notation. */
  confChange?: string;
  /** For Send/ReceiveAppendEntries: the peer's progress at that moment. */
  progress?: { match: number; next: number };
}

/** Why the network layer dropped a message. */
export type DropReason =
  | 'link-rule'
  | 'probability'
  | 'partition'
  | 'crashed'
  | 'manual'
  | 'paused-overflow'
  | 'transport'
  | 'fault';

/**
 * The life of one message between nodes. `msgId` links its send, hold, release, delay,
 * duplicate, delivery and drop.
 */
export interface NetEvent extends EventBase {
  kind: 'net';
  name: 'Send' | 'Hold' | 'Release' | 'Delay' | 'Duplicate' | 'Deliver' | 'Drop';
  msgId: string;
  msg: MessageSummary;
  /** For Delay: how long the message waits. */
  delayMs?: number;
  /** For Drop. */
  reason?: DropReason;
  /** For Duplicate: the id of the copy. */
  copyId?: string;
}

/** What a node's Ready contained, as one event. */
export interface ReadyEvent extends EventBase {
  kind: 'ready';
  name: 'Ready';
  mustSync: boolean;
  softState?: { lead: number; role: Role };
  hardState?: { term: number; vote: number; commit: number };
  /** Entries to persist, as [firstIndex, lastIndex], or null. */
  entries: [number, number] | null;
  committed: [number, number] | null;
  snapshot?: { index: number; term: number };
  messages: number;
  readStates: number;
}

export interface ProgressView {
  match: number;
  next: number;
  state: 'StateProbe' | 'StateReplicate' | 'StateSnapshot';
  paused: boolean;
  inflights: number;
  inflightsFull: boolean;
  recentActive: boolean;
  pendingSnapshot: number;
  isLearner: boolean;
  msgAppFlowPaused: boolean;
}

/** The leader's progress tracker, emitted when it changes (coalesced per tick). */
export interface ProgressEvent extends EventBase {
  kind: 'progress';
  name: 'Progress';
  term: number;
  progress: Record<string, ProgressView>;
}

export type ProposalFate =
  | 'Proposed'
  | 'Forwarded'
  | 'Dropped'
  | 'Appended'
  | 'Committed'
  | 'Applied'
  | 'Answered';

/** A client request's fate, from proposal to answer. */
export interface ProposalEvent extends EventBase {
  kind: 'proposal';
  name: ProposalFate;
  proposalId: string;
  op: 'put' | 'read' | 'conf-change';
  key?: string;
  /** Where it landed in the log, once known. */
  index?: number;
  term?: number;
  /** For Dropped: the core's reason; for Answered with an error: its code. */
  reason?: string;
  ok?: boolean;
  latencyMs?: number;
}

/** Something a person or a fault injector did to the cluster. */
export interface ControlEvent extends EventBase {
  kind: 'control';
  name:
    | 'ClusterStarted'
    | 'Paused'
    | 'Resumed'
    | 'Stepped'
    | 'SpeedSet'
    | 'LinkRuleSet'
    | 'LinkRuleCleared'
    | 'PartitionSet'
    | 'PartitionHealed'
    | 'NodeCrashed'
    | 'NodeRestarted'
    | 'NodeAdded'
    | 'NodeRemoved'
    | 'LeaderTransferRequested'
    | 'Campaigned'
    | 'MembershipChangeRequested'
    | 'Compacted'
    | 'TransportError';
  /** Free-form, JSON-safe details of the action. */
  detail: Record<string, unknown>;
}

/** A finding of the diagnostics or the safety monitor was raised or cleared. */
export interface FindingEvent extends EventBase {
  kind: 'finding';
  name: 'FindingRaised' | 'FindingCleared';
  code: string;
  severity: 'info' | 'warning' | 'error' | 'critical';
  summary: string;
  /**
   * The nodes the finding concerns, most relevant first. A finding is identified by its `code`
   * and these nodes: `FindingCleared` repeats the nodes of the `FindingRaised` it ends.
   */
  nodes?: number[];
}

export type TraceEvent =
  | StateEvent
  | NetEvent
  | ReadyEvent
  | ProgressEvent
  | ProposalEvent
  | ControlEvent
  | FindingEvent;

export type TraceEventKind = TraceEvent['kind'];

/** An event before the recorder numbers it. */
export type UnsequencedEvent = TraceEvent extends infer E
  ? E extends TraceEvent
    ? Omit<E, 'seq'>
    : never
  : never;
