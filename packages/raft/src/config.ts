/**
 * The parameters of one Raft node (etcd raft's `Config`, in camelCase), and their validation.
 */
import { configInvalid } from './errors.ts';
import { discardLogger, type Logger } from './logger.ts';
import type { RandomSource } from './random.ts';
import type { Storage } from './storage.ts';
import type { RaftTraceEvent } from './trace.ts';
import type { LogIndex, NodeId, ReadOnlyOption } from './types.ts';
import { isLocalMsgTarget } from './util.ts';

/**
 * The parameters of a node; see each field. Only `id`, the ticks, `storage` and `random` are
 * required.
 */
export interface Config {
  /** This node's id; not 0 and not a local thread id. */
  id: NodeId;
  /**
   * Ticks a follower waits without hearing from a leader before it campaigns. The actual
   * timeout is drawn from [electionTick, 2 * electionTick) each time it is reset. Must be
   * greater than `heartbeatTick`; about 10 times it avoids needless elections.
   */
  electionTick: number;
  /** Ticks between a leader's heartbeats. */
  heartbeatTick: number;
  /** Where the persisted log, hard state and configuration are read from. */
  storage: Storage;
  /**
   * The last applied index, when restarting: entries up to it are not handed out to apply
   * again. Leave it unset on a fresh node.
   */
  applied?: LogIndex;
  /**
   * Persist and apply through messages to local threads (`MsgStorageAppend` to
   * `LOCAL_APPEND_THREAD`, `MsgStorageApply` to `LOCAL_APPLY_THREAD`) instead of the
   * Ready/advance calls. Their responses must be stepped back in; `advance` must not be called.
   */
  asyncStorageWrites?: boolean;
  /**
   * Byte limit of the entries in one MsgApp. Unset means no limit; 0 means one entry per
   * message, as in etcd raft.
   */
  maxSizePerMsg?: number;
  /**
   * Byte limit of the committed entries handed out for applying and not yet applied (across
   * Readys). Unset or 0 means `maxSizePerMsg`, as in etcd raft.
   */
  maxCommittedSizePerReady?: number;
  /**
   * Byte limit of the payloads in the leader's uncommitted log tail; proposals beyond it are
   * dropped (`UncommittedSizeExceeded`). Unset or 0 means no limit.
   */
  maxUncommittedEntriesSize?: number;
  /** Count limit of in-flight MsgApps per follower in optimistic replication. Default 256. */
  maxInflightMsgs?: number;
  /**
   * Byte limit of in-flight MsgApp payloads per follower. Unset or 0 means no limit; else it
   * must be at least `maxSizePerMsg`.
   */
  maxInflightBytes?: number;
  /** The leader steps down when a quorum has not been active for an election timeout. */
  checkQuorum?: boolean;
  /** Run the PreVote phase before campaigning (Raft thesis, 9.6). */
  preVote?: boolean;
  /** How ReadIndex requests are confirmed. `ReadOnlyLeaseBased` requires `checkQuorum`. */
  readOnlyOption?: ReadOnlyOption;
  /** Followers drop proposals instead of forwarding them to the leader (`NotLeader`). */
  disableProposalForwarding?: boolean;
  /**
   * Skip the propose-time checks of configuration changes against the active configuration.
   * Only safe if something above Raft serialises configuration changes.
   */
  disableConfChangeValidation?: boolean;
  /** A leader steps down when it is removed from the configuration or demoted. */
  stepDownOnRemoval?: boolean;
  /** The source of the randomized election timeout. */
  random: RandomSource;
  /** Receives etcd raft's log prose. */
  logger?: Logger;
  /** Receives the state events named as etcd's TLA+ trace logger names them. */
  traceSink?: (e: RaftTraceEvent) => void;
}

/** A validated Config with every default filled in. */
export interface ResolvedConfig {
  id: NodeId;
  electionTick: number;
  heartbeatTick: number;
  storage: Storage;
  applied: LogIndex;
  asyncStorageWrites: boolean;
  maxSizePerMsg: number;
  maxCommittedSizePerReady: number;
  maxUncommittedEntriesSize: number;
  maxInflightMsgs: number;
  maxInflightBytes: number;
  checkQuorum: boolean;
  preVote: boolean;
  readOnlyOption: ReadOnlyOption;
  disableProposalForwarding: boolean;
  disableConfChangeValidation: boolean;
  stepDownOnRemoval: boolean;
  random: RandomSource;
  logger: Logger;
  traceSink: ((e: RaftTraceEvent) => void) | undefined;
}

const NO_LIMIT = Number.POSITIVE_INFINITY;

/** The default count limit of in-flight MsgApps per follower. */
export const DEFAULT_MAX_INFLIGHT_MSGS = 256;

/** Validates `c` and fills in defaults; throws a `ConfigInvalid` RaftError. */
export function resolveConfig(c: Config): ResolvedConfig {
  if (c.id === 0) throw configInvalid('cannot use none as id');
  if (isLocalMsgTarget(c.id) || c.id < 0 || !Number.isSafeInteger(c.id)) {
    throw configInvalid('cannot use local target as id');
  }
  if (!(c.heartbeatTick > 0)) throw configInvalid('heartbeat tick must be greater than 0');
  if (!(c.electionTick > c.heartbeatTick)) {
    throw configInvalid('election tick must be greater than heartbeat tick');
  }
  if (c.storage === undefined || c.storage === null) {
    throw configInvalid('storage cannot be nil');
  }
  if (c.random === undefined || c.random === null) {
    throw configInvalid('random source cannot be nil');
  }
  const maxSizePerMsg = c.maxSizePerMsg ?? NO_LIMIT;
  const maxUncommitted = c.maxUncommittedEntriesSize || NO_LIMIT;
  // etcd defaults the applying quota to the message limit; one entry at a time is the least.
  const maxCommitted = Math.max(c.maxCommittedSizePerReady || maxSizePerMsg, 1);
  const maxInflightMsgs = c.maxInflightMsgs ?? DEFAULT_MAX_INFLIGHT_MSGS;
  if (!(maxInflightMsgs > 0)) throw configInvalid('max inflight messages must be greater than 0');
  const maxInflightBytes = c.maxInflightBytes || NO_LIMIT;
  // Checked only against an explicit message limit: the default (no limit) is not etcd's.
  if (c.maxSizePerMsg !== undefined && maxInflightBytes < c.maxSizePerMsg) {
    throw configInvalid('max inflight bytes must be >= max message size');
  }
  const readOnlyOption = c.readOnlyOption ?? 'ReadOnlySafe';
  if (readOnlyOption === 'ReadOnlyLeaseBased' && !c.checkQuorum) {
    throw configInvalid('CheckQuorum must be enabled when ReadOnlyOption is ReadOnlyLeaseBased');
  }
  return {
    id: c.id,
    electionTick: c.electionTick,
    heartbeatTick: c.heartbeatTick,
    storage: c.storage,
    applied: c.applied ?? (0 as LogIndex),
    asyncStorageWrites: c.asyncStorageWrites ?? false,
    maxSizePerMsg,
    maxCommittedSizePerReady: maxCommitted,
    maxUncommittedEntriesSize: maxUncommitted,
    maxInflightMsgs,
    maxInflightBytes,
    checkQuorum: c.checkQuorum ?? false,
    preVote: c.preVote ?? false,
    readOnlyOption,
    disableProposalForwarding: c.disableProposalForwarding ?? false,
    disableConfChangeValidation: c.disableConfChangeValidation ?? false,
    stepDownOnRemoval: c.stepDownOnRemoval ?? false,
    random: c.random,
    logger: c.logger ?? discardLogger,
    traceSink: c.traceSink,
  };
}
