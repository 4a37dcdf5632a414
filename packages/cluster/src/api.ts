/**
 * The surface of a running cluster, as the server and tests use it. A cluster is a set of nodes,
 * each running the Raft core for one or more groups, connected through the network shaper.
 * Every method that can fail for an expected reason rejects with a `ClusterError` whose `code`
 * is stable; the HTTP layer maps codes to status codes.
 */

import type { ClusterSnapshot, ConfStateView, LinkRule, TraceEvent } from '@raftlens/trace';

/** The mistakes that real integrations make, reproducible on purpose. */
export const INTEGRATION_FAULTS = [
  'no-initial-conf',
  'voters-exclude-self',
  'double-tick',
  'never-advance',
  'drop-persisted-messages',
  'never-report-snapshot',
  'ack-on-append',
] as const;
export type IntegrationFault = (typeof INTEGRATION_FAULTS)[number];

export interface CoreOptions {
  electionTick: number;
  heartbeatTick: number;
  preVote: boolean;
  checkQuorum: boolean;
  readOnly: 'safe' | 'lease-based';
  maxSizePerMsg: number;
  maxInflightMsgs: number;
  maxUncommittedEntriesSize: number;
}

export interface ClusterOptions {
  name: string;
  /** Number of founding voters, 1 to 15. */
  size: number;
  /** Raft groups per node; group 1 always exists. */
  groups: number;
  /** 'live' runs on wall-clock timers over real sockets; 'simulated' on virtual time. */
  mode: 'live' | 'simulated';
  seed: number;
  storage: 'memory' | 'durable';
  /** Where durable storage lives; one folder per node below it. */
  dataDir?: string;
  /** Milliseconds per tick at speed 1. */
  tickMs: number;
  core: CoreOptions;
  /** Integration faults per node id. */
  faults: Record<number, IntegrationFault[]>;
  /** Shared secret that node-to-node connections must present. */
  secret?: string;
}

export type ClusterErrorCode =
  | 'UnknownNode'
  | 'UnknownGroup'
  | 'UnknownMessage'
  | 'InvalidLinkRule'
  | 'InvalidPartition'
  | 'NodeCrashed'
  | 'NodeRunning'
  | 'NoLeader'
  | 'ProposalDropped'
  | 'Timeout'
  | 'NotPaused'
  | 'ClusterClosed'
  | 'InvalidRequest'
  | 'ConfChangeRejected';

export class ClusterError extends Error {
  constructor(
    readonly code: ClusterErrorCode,
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ClusterError';
  }
}

export interface WriteResult {
  key: string;
  value: string;
  /** Where the write was committed. */
  index: number;
  term: number;
  /** The node that proposed it (the leader at the time). */
  leader: number;
  latencyMs: number;
}

export interface ReadResult {
  key: string;
  /** null when the key does not exist. */
  value: string | null;
  /** The read index the answer is linearizable at. */
  readIndex: number;
  node: number;
}

export interface StepResult {
  /** What the step did: delivered one message, or advanced one tick. */
  did: 'message' | 'tick';
  msgId?: string;
}

/** One node's part in a membership change. */
export interface MembershipChange {
  /** `add-voter` also promotes a learner; `add-learner` also demotes a voter. */
  type: 'add-voter' | 'add-learner' | 'remove';
  node: number;
}

/**
 * How a membership change uses joint consensus, as etcd's `ConfChangeTransition`:
 * - `auto`: one change is made directly; several go through a joint configuration that the
 *   leader leaves on its own;
 * - `implicit`: always through a joint configuration, left on its own;
 * - `explicit`: always through a joint configuration, which stays until `leaveJoint`.
 */
export type MembershipTransition = 'auto' | 'implicit' | 'explicit';

export interface MembershipOptions {
  transition?: MembershipTransition;
  group?: number;
}

/** The configuration a membership change ended in, on the node that proposed it. */
export interface MembershipResult {
  confState: ConfStateView;
}

/** A finding to append to a cluster's trace, as a `FindingEvent` (see `recordFinding`). */
export interface FindingRecord {
  name: 'FindingRaised' | 'FindingCleared';
  code: string;
  severity: 'info' | 'warning' | 'error' | 'critical';
  summary: string;
  /** The nodes concerned, most relevant first. */
  nodes?: number[];
  /** The Raft group concerned; cluster-wide when absent. */
  group?: number;
}

export interface Cluster {
  readonly name: string;
  readonly options: ClusterOptions;

  snapshot(): ClusterSnapshot;
  /**
   * Subscribes to every trace event, in sequence order; returns the unsubscribe function.
   * `fromSeq` first replays the retained events from that sequence number on.
   */
  subscribe(listener: (e: TraceEvent) => void, opts?: { fromSeq?: number }): () => void;

  pause(): void;
  resume(): void;
  /** While paused: deliver the next pending message, or advance every node one tick. */
  step(what: 'message' | 'tick'): Promise<StepResult>;
  setSpeed(factor: number): void;

  setLinkRule(from: number, to: number, rule: LinkRule): void;
  clearLinkRule(from: number, to: number): void;
  partition(groups: number[][]): void;
  heal(): void;
  releaseHeld(msgId: string): void;
  dropHeld(msgId: string): void;

  crash(node: number): Promise<void>;
  restart(node: number): Promise<void>;
  addNode(opts: { learner: boolean; group?: number }): Promise<number>;
  removeNode(node: number, group?: number): Promise<void>;
  promoteLearner(node: number, group?: number): Promise<void>;
  transferLeader(to: number, group?: number): Promise<void>;
  /**
   * Makes `node` start an election now, as if its election timeout had fired (a MsgHup, with
   * PreVote first if configured). While paused it waits in the node's inbox like a message
   * (`pending`, type `Campaign`) until a step or the resume runs it; the promise resolves once
   * it has run, or once it is queued.
   */
  campaign(node: number, group?: number): Promise<void>;
  /**
   * Proposes a ConfChangeV2 through the leader, starting new nodes for ids not in the cluster.
   * Resolves once the change is applied there: with `auto` or `implicit` transitions once any
   * joint configuration it entered has been left, with `explicit` once it is entered.
   */
  changeMembership(
    changes: MembershipChange[],
    opts?: MembershipOptions,
  ): Promise<MembershipResult>;
  /** Leaves the joint configuration (the empty ConfChangeV2); resolves once it is left. */
  leaveJoint(group?: number): Promise<MembershipResult>;
  compact(node: number, group?: number): Promise<number>;

  /** Writes through any node (forwarded to the leader); resolves once applied. */
  put(
    key: string,
    value: string,
    opts?: { via?: number; timeoutMs?: number; group?: number },
  ): Promise<WriteResult>;
  /** A linearizable read through ReadIndex. */
  get(
    key: string,
    opts?: { via?: number; timeoutMs?: number; group?: number },
  ): Promise<ReadResult>;

  /**
   * Appends a finding of the diagnostics or the safety monitor to the trace, numbered like any
   * other event, so that recordings and replays carry it. Node 0; the cluster's current time.
   */
  recordFinding(finding: FindingRecord): void;

  close(): Promise<void>;
}
