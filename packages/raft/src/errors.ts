/**
 * Expected failures of the core, as typed values with a stable `code`.
 *
 * etcd raft returns named errors (`ErrProposalDropped`, `ErrStepLocalMsg`, ...); here every such
 * failure is a plain object with a `code` that callers switch on and a `message` that reads like
 * etcd's error string (`raft proposal dropped`), so logs and scripts look the same. Broken
 * invariants are not errors of this kind: they throw.
 */

/**
 * Why a proposal did not enter the log. etcd raft answers all of these with the one
 * `ErrProposalDropped`; the reason is what a dashboard needs to explain it.
 */
export type DropReason =
  /** No leader is known in this term (a follower without a leader, or a candidate). */
  | 'NoLeader'
  /** A follower knows the leader but `disableProposalForwarding` is set. */
  | 'NotLeader'
  /** The leader is handing leadership to another node and accepts nothing new. */
  | 'LeaderTransferring'
  /** The uncommitted tail of the leader's log would exceed `maxUncommittedEntriesSize`. */
  | 'UncommittedSizeExceeded'
  /**
   * A configuration change was proposed while another one is still unapplied. etcd does not
   * drop the proposal: it appends an empty normal entry in its place. The proposal succeeds, and
   * the reason is reported through the trace sink (`ConfChangeReplaced`).
   */
  | 'PendingConfChange'
  /** A change other than "leave joint" was proposed while the configuration is joint. */
  | 'MustLeaveJointFirst'
  /** An empty change ("leave joint") was proposed while the configuration is not joint. */
  | 'NotInJointConfig'
  /** This node leads but is no longer in the configuration it leads. */
  | 'RemovedFromConfig';

/** An expected failure of a RawNode call, discriminated by `code`. */
export type RaftError =
  | { code: 'ProposalDropped'; reason: DropReason; message: string }
  | { code: 'StepLocalMsg'; message: string }
  | { code: 'StepPeerNotFound'; message: string }
  | { code: 'ConfigInvalid'; detail: string; message: string };

/** The error codes, for exhaustive switches. */
export type RaftErrorCode = RaftError['code'];

/** etcd's `ErrProposalDropped`, with the reason it does not spell out. */
export const proposalDropped = (reason: DropReason): RaftError => ({
  code: 'ProposalDropped',
  reason,
  message: 'raft proposal dropped',
});

/** etcd's `ErrStepLocalMsg`: a local-only message arrived as if from the network. */
export const stepLocalMsg = (): RaftError => ({
  code: 'StepLocalMsg',
  message: 'raft: cannot step raft local message',
});

/** etcd's `ErrStepPeerNotFound`: a response from a node that has no progress here. */
export const stepPeerNotFound = (): RaftError => ({
  code: 'StepPeerNotFound',
  message: 'raft: cannot step as peer not found',
});

/**
 * An invalid `Config`. The constructor of `RawNode` throws it; it is an `Error` (so it carries
 * a stack) that is also a `RaftError` value.
 */
export const configInvalid = (detail: string): Error & RaftError => {
  const err = new Error(detail) as Error & { code: 'ConfigInvalid'; detail: string };
  err.name = 'RaftConfigError';
  err.code = 'ConfigInvalid';
  err.detail = detail;
  return err;
};

/** True if `e` is a `RaftError` (for code that catches the constructor's throw). */
export function isRaftError(e: unknown): e is RaftError {
  if (typeof e !== 'object' || e === null) return false;
  const code = (e as { code?: unknown }).code;
  return (
    code === 'ProposalDropped' ||
    code === 'StepLocalMsg' ||
    code === 'StepPeerNotFound' ||
    code === 'ConfigInvalid'
  );
}

/**
 * What a `Storage` answers where etcd returns `ErrCompacted`, `ErrUnavailable`,
 * `ErrSnapshotTemporarilyUnavailable` or `ErrSnapOutOfDate`.
 */
export type StorageErrorCode =
  | 'Compacted'
  | 'Unavailable'
  | 'SnapshotTemporarilyUnavailable'
  | 'SnapOutOfDate';

/** A storage failure with a stable code and etcd's message for it. */
export interface StorageError {
  readonly code: StorageErrorCode;
  readonly message: string;
}

const STORAGE_MESSAGES: Record<StorageErrorCode, string> = {
  Compacted: 'requested index is unavailable due to compaction',
  Unavailable: 'requested entry at index is unavailable',
  SnapshotTemporarilyUnavailable: 'snapshot is temporarily unavailable',
  SnapOutOfDate: 'requested index is older than the existing snapshot',
};

// One frozen value per code: storage errors are compared by identity on hot paths.
const STORAGE_ERRORS: Record<StorageErrorCode, StorageError> = {
  Compacted: Object.freeze({ code: 'Compacted', message: STORAGE_MESSAGES.Compacted }),
  Unavailable: Object.freeze({ code: 'Unavailable', message: STORAGE_MESSAGES.Unavailable }),
  SnapshotTemporarilyUnavailable: Object.freeze({
    code: 'SnapshotTemporarilyUnavailable',
    message: STORAGE_MESSAGES.SnapshotTemporarilyUnavailable,
  }),
  SnapOutOfDate: Object.freeze({ code: 'SnapOutOfDate', message: STORAGE_MESSAGES.SnapOutOfDate }),
};

/** The shared `StorageError` value for `code`. */
export const storageError = (code: StorageErrorCode): StorageError => STORAGE_ERRORS[code];

/** True if `v` is a `StorageError` rather than a result. */
export function isStorageError(v: unknown): v is StorageError {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    'code' in v &&
    typeof (v as { code: unknown }).code === 'string' &&
    (v as { code: string }).code in STORAGE_ERRORS
  );
}
