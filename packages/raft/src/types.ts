/**
 * The wire and storage vocabulary of the Raft core, named as etcd raft's `raftpb` names it so
 * that a reader who knows etcd raft or raft-rs recognises every field.
 *
 * Everything here is plain data: it can be cloned, compared, serialised as JSON (byte payloads
 * are `Uint8Array` and need an encoding at the JSON boundary) and sent between processes.
 */

/** A node's id within one Raft group. 0 means "none", exactly as in etcd raft. */
export type NodeId = number & { readonly __brand: 'NodeId' };
/** A Raft term. Terms only grow on any one node. */
export type Term = number & { readonly __brand: 'Term' };
/** A position in the replicated log; the first real entry has index 1. */
export type LogIndex = number & { readonly __brand: 'LogIndex' };

/** The id that means "no node": no leader, no vote. */
export const NONE = 0 as NodeId;

export const nodeId = (n: number): NodeId => n as NodeId;
export const term = (n: number): Term => n as Term;
export const logIndex = (n: number): LogIndex => n as LogIndex;

export type EntryType = 'EntryNormal' | 'EntryConfChange' | 'EntryConfChangeV2';

export interface Entry {
  term: Term;
  index: LogIndex;
  type: EntryType;
  /**
   * The payload. For `EntryConfChange` and `EntryConfChangeV2` it is the encoded change
   * (`encodeConfChange` / `encodeConfChangeV2` in `confchange/codec.ts`).
   */
  data: Uint8Array;
}

/** Every message type etcd raft knows, local ones (MsgHup, MsgBeat, ...) included. */
export const MESSAGE_TYPES = [
  'MsgHup',
  'MsgBeat',
  'MsgProp',
  'MsgApp',
  'MsgAppResp',
  'MsgVote',
  'MsgVoteResp',
  'MsgSnap',
  'MsgHeartbeat',
  'MsgHeartbeatResp',
  'MsgUnreachable',
  'MsgSnapStatus',
  'MsgCheckQuorum',
  'MsgTransferLeader',
  'MsgTimeoutNow',
  'MsgReadIndex',
  'MsgReadIndexResp',
  'MsgPreVote',
  'MsgPreVoteResp',
  'MsgStorageAppend',
  'MsgStorageAppendResp',
  'MsgStorageApply',
  'MsgStorageApplyResp',
  'MsgForgetLeader',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export interface ConfState {
  /** The voters of the incoming (or only) configuration. */
  voters: NodeId[];
  learners: NodeId[];
  /** The voters of the outgoing configuration; non-empty only while joint. */
  votersOutgoing: NodeId[];
  /** Nodes that become learners when the joint configuration is left. */
  learnersNext: NodeId[];
  /** Leave the joint configuration automatically once it is committed. */
  autoLeave: boolean;
}

export interface SnapshotMetadata {
  confState: ConfState;
  index: LogIndex;
  term: Term;
}

export interface Snapshot {
  data: Uint8Array;
  metadata: SnapshotMetadata;
}

export interface HardState {
  term: Term;
  vote: NodeId;
  commit: LogIndex;
}

export interface Message {
  type: MessageType;
  to: NodeId;
  from: NodeId;
  term: Term;
  /**
   * logTerm is generally used for appending Raft logs to followers. For example, (type=MsgApp,
   * index=100, logTerm=5) means the leader appends entries starting at index 101, and the entry
   * at index 100 has term 5. (type=MsgAppResp, reject=true, index=100, logTerm=5) means the
   * follower rejects some entries from its leader as it already has an entry with term 5 at
   * index 100. (type=MsgStorageAppendResp, index=100, logTerm=5) means the local node wrote
   * entries up to index=100 in stable storage, and the entry has term 5.
   */
  logTerm: Term;
  index: LogIndex;
  entries: Entry[];
  commit: LogIndex;
  /**
   * For MsgStorageAppend: the vote to persist (with `term` and `commit` forming the HardState).
   */
  vote: NodeId;
  snapshot: Snapshot | null;
  reject: boolean;
  rejectHint: LogIndex;
  /** Opaque context: the campaign type on votes, the request id on ReadIndex. */
  context: Uint8Array;
  /** For local storage messages: the messages to deliver once the work is done. */
  responses: Message[];
}

export type ConfChangeType =
  | 'ConfChangeAddNode'
  | 'ConfChangeRemoveNode'
  | 'ConfChangeUpdateNode'
  | 'ConfChangeAddLearnerNode';

/** A V1 configuration change: one node at a time, no joint consensus. */
export interface ConfChange {
  type: ConfChangeType;
  nodeId: NodeId;
  context: Uint8Array;
}

export interface ConfChangeSingle {
  type: ConfChangeType;
  nodeId: NodeId;
}

export type ConfChangeTransition =
  | 'ConfChangeTransitionAuto'
  | 'ConfChangeTransitionJointImplicit'
  | 'ConfChangeTransitionJointExplicit';

/** A V2 configuration change: any number of changes, through a joint configuration if needed. */
export interface ConfChangeV2 {
  transition: ConfChangeTransition;
  changes: ConfChangeSingle[];
  context: Uint8Array;
}

export type StateType = 'StateFollower' | 'StateCandidate' | 'StateLeader' | 'StatePreCandidate';

/** Volatile state, not persisted: who leads, and what this node is. */
export interface SoftState {
  lead: NodeId;
  raftState: StateType;
}

export type ReadOnlyOption = 'ReadOnlySafe' | 'ReadOnlyLeaseBased';

/** The answer to a ReadIndex request: reads at `index` are linearizable once applied. */
export interface ReadState {
  index: LogIndex;
  requestCtx: Uint8Array;
}

export const emptyConfState = (): ConfState => ({
  voters: [],
  learners: [],
  votersOutgoing: [],
  learnersNext: [],
  autoLeave: false,
});

export const emptyHardState = (): HardState => ({
  term: 0 as Term,
  vote: NONE,
  commit: 0 as LogIndex,
});

/** A message with every optional field at its zero value, as protobuf would decode it. */
export const newMessage = (fields: Partial<Message> & Pick<Message, 'type'>): Message => ({
  to: NONE,
  from: NONE,
  term: 0 as Term,
  logTerm: 0 as Term,
  index: 0 as LogIndex,
  entries: [],
  commit: 0 as LogIndex,
  vote: NONE,
  snapshot: null,
  reject: false,
  rejectHint: 0 as LogIndex,
  context: new Uint8Array(0),
  responses: [],
  ...fields,
});
