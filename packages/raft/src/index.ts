/**
 * `@raftlens/raft`: a pure, deterministic Raft core with etcd raft's semantics.
 *
 * Start with `RawNode` (constructed from a `Config` with a `Storage`, usually a
 * `MemoryStorage.bootstrap(confState)`), drive it with `tick`, `step` and `propose`, and handle
 * each `Ready`. Everything here is free of I/O, clocks and ambient randomness.
 */

/** Configuration changes: the changer, conversions, the `v1 l2 r3` notation, the codec. */
export * from './confchange/index.ts';
/** A node's parameters, and the default inflight count limit. */
export { type Config, DEFAULT_MAX_INFLIGHT_MSGS } from './config.ts';
/** Expected failures as typed values. */
export {
  configInvalid,
  type DropReason,
  isRaftError,
  isStorageError,
  proposalDropped,
  type RaftError,
  type RaftErrorCode,
  type StorageError,
  type StorageErrorCode,
  stepLocalMsg,
  stepPeerNotFound,
  storageError,
} from './errors.ts';
/** The log under the state machine (for inspection), and entry ids. */
export { type EntryId, RaftLog } from './log.ts';
/** The injected logger, and helpers to discard or record lines. */
export {
  discardLogger,
  fmtId,
  type Logger,
  type LogLevel,
  type LogLine,
  recordingLogger,
} from './logger.ts';
/** Quorum arithmetic for majority and joint configurations. */
export * from './quorum/index.ts';
/** The state machine under RawNode, exposed for inspection and tests. */
export { Raft } from './raft.ts';
/** The injected source of randomness, and a seeded one. */
export { type RandomSource, seededRandom } from './random.ts';
/** The application's handle on one node, and how a sent snapshot ended. */
export { confChangeToMsg, RawNode, type SnapshotStatus } from './rawnode.ts';
/** The work a node hands to the application. */
export type { Ready } from './ready.ts';
/** A configuration change in etcd's protobuf text form, as its logs print it. */
export { confChangeText } from './reconfig.ts';
/** The status of a node, with or without its peers' progress. */
export type { BasicStatus, Status } from './status.ts';
/** Persisted state as the core reads it, and an in-memory implementation. */
export { type InitialState, MemoryStorage, type Storage } from './storage.ts';
/** The typed state events of the core. */
export type { RaftTraceEvent, RaftTraceEventName, RaftTraceState } from './trace.ts';

/** The leader's tracking of followers: progress, inflights windows, configuration. */
export {
  cloneTrackerConfig,
  emptyTrackerConfig,
  Inflights,
  Progress,
  type ProgressInit,
  type ProgressMap,
  type ProgressPlain,
  type ProgressState,
  ProgressTracker,
  progressMapToString,
  type TrackerConfig,
  trackerConfigToString,
  type VoteTally,
} from './tracker/index.ts';
/** The wire and storage vocabulary: messages, entries, states (etcd's raftpb names). */
export * from './types.ts';
/** Message classification, entry sizes and the local storage thread ids. */
export {
  bytesEqual,
  cloneConfState,
  entrySize,
  entsSize,
  hardStatesEqual,
  isEmptyHardState,
  isEmptySnap,
  isLocalMsg,
  isLocalMsgTarget,
  isResponseMsg,
  LOCAL_APPEND_THREAD,
  LOCAL_APPLY_THREAD,
  limitSize,
  messageSize,
  mustSync,
  payloadSize,
  payloadsSize,
  voteRespMsgType,
} from './util.ts';
