/**
 * The text the scripts print for an error. The core's errors carry stable codes; etcd raft's
 * scripts show Go's error strings (`raft proposal dropped`), so the harness maps each code to
 * the string etcd would print and falls back to the core's own message.
 */

const ETCD_ERROR_TEXT: Readonly<Record<string, string>> = {
  ProposalDropped: 'raft proposal dropped',
  StepLocalMsg: 'raft: cannot step raft local message',
  StepPeerNotFound: 'raft: cannot step as peer not found',
  Compacted: 'requested index is unavailable due to compaction',
  Unavailable: 'requested entry at index is unavailable',
  SnapOutOfDate: 'requested index is older than the existing snapshot',
  SnapshotTemporarilyUnavailable: 'snapshot is temporarily unavailable',
};

/** A value shaped like the core's typed errors: a stable code and maybe a message. */
export interface CodedError {
  code: string;
  message?: string;
  detail?: string;
}

export function isCodedError(v: unknown): v is CodedError {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'code' in v;
}

export function errorText(err: unknown): string {
  if (isCodedError(err)) {
    const known = ETCD_ERROR_TEXT[err.code];
    if (known !== undefined) return known;
    if (typeof err.message === 'string' && err.message !== '') return err.message;
    if (typeof err.detail === 'string' && err.detail !== '') return err.detail;
    return err.code;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * A fault in the script or the harness (a malformed argument, a node that does not exist),
 * where etcd's harness calls t.Fatal. It aborts the script instead of becoming output.
 */
export class HarnessError extends Error {
  override readonly name = 'HarnessError';
}
