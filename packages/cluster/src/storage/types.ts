/**
 * The storage a node runtime writes to while handling each Ready, and the core reads from.
 */

import type {
  ConfState,
  Entry,
  HardState,
  LogIndex,
  Snapshot,
  Storage,
  StorageError,
} from '@raftlens/raft';

/**
 * `Storage` plus the writes, with the semantics of the core's `MemoryStorage` (etcd's
 * MemoryStorage): the same results, the same typed errors, the same invariant failures.
 *
 * Writes may be buffered until `sync`; reads always see every write made so far. After `sync`
 * returns, everything written before it survives a crash of the process. A runtime must call
 * `sync` before it sends any message or acknowledges any write that depends on what it wrote.
 */
export interface NodeStorage extends Storage {
  /**
   * Appends entries, contiguous with the stored log or overlapping it. Overlapping entries
   * replace the stored suffix from their first index on; entries already compacted are skipped.
   * A gap after the last index is a caller bug and throws.
   */
  append(entries: readonly Entry[]): void;
  setHardState(hs: HardState): void;
  /** Replaces the log with a snapshot from the leader; `SnapOutOfDate` if not newer. */
  applySnapshot(snap: Snapshot): StorageError | null;
  /**
   * Records a snapshot of the state machine at applied index `index` (`cs` null keeps the
   * current ConfState). `SnapOutOfDate` if not newer than the stored one.
   */
  createSnapshot(index: LogIndex, cs: ConfState | null, data: Uint8Array): Snapshot | StorageError;
  /** Discards the log up to and including `index`; `Compacted` if that is already gone. */
  compact(index: LogIndex): StorageError | null;
  /** Durability barrier: when it returns, every write made so far is on stable storage. */
  sync(): void;
  /**
   * Optional: the barrier without blocking the caller. Commits what was written (reads and a
   * crash of the process see it at once) and returns a promise that resolves once it is on
   * stable storage, or null when it already is.
   */
  syncAsync?(): Promise<void> | null;
  /**
   * Optional: commits what was written without waiting for stable storage, for writes Raft
   * may lose to a power failure (a new commit index alone: Ready's `mustSync` false).
   */
  writeBack?(): void;
  /**
   * Releases the store; no method may be called afterwards. By default it syncs first. With
   * `discardUnsynced` it drops every write made since the last `sync` instead, as a killed
   * process would lose them: that is how a runtime simulates a crash faithfully.
   */
  close(opts?: { discardUnsynced?: boolean }): void;
}
