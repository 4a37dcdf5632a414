/**
 * Stable storage as the core sees it, and an in-memory implementation.
 *
 * The core reads persisted entries, the hard state and the latest snapshot through `Storage`;
 * it never writes to it. The application writes what each `Ready` asks it to persist (or what
 * each `MsgStorageAppend` carries) and only then tells the core, so that everything `Storage`
 * answers is durable.
 */
import { type StorageError, storageError } from './errors.ts';
import type {
  ConfState,
  Entry,
  HardState,
  LogIndex,
  Snapshot,
  SnapshotMetadata,
  Term,
} from './types.ts';
import { emptyConfState, emptyHardState } from './types.ts';
import { cloneConfState, EMPTY_BYTES, limitSize } from './util.ts';

/** What a restarting node reads first: its persisted hard state and configuration. */
export interface InitialState {
  hardState: HardState;
  confState: ConfState;
}

/**
 * Read access to the persisted log. Indexes follow etcd raft: the log holds entries in
 * [firstIndex, lastIndex]; the entry at firstIndex-1 is compacted away but its term is still
 * known (it is the snapshot's last entry).
 */
export interface Storage {
  /** The persisted HardState and ConfState (the ConfState of the latest snapshot or change). */
  initialState(): InitialState;
  /**
   * Entries in [lo, hi), limited to about `maxSize` bytes (at least one entry is returned if
   * any is in range). `Compacted` if lo is before the first index; `Unavailable` if the log is
   * empty.
   */
  entries(lo: LogIndex, hi: LogIndex, maxSize: number): Entry[] | StorageError;
  /**
   * The term of entry `i`, for i in [firstIndex-1, lastIndex]. `Compacted` below that range,
   * `Unavailable` above it.
   */
  term(i: LogIndex): Term | StorageError;
  /** The index of the last persisted entry (the snapshot's index if there is none). */
  lastIndex(): LogIndex;
  /** The index of the first entry still available (the snapshot's index + 1). */
  firstIndex(): LogIndex;
  /**
   * The most recent snapshot. `SnapshotTemporarilyUnavailable` tells the leader to try again
   * later rather than give up on the follower.
   */
  snapshot(): Snapshot | StorageError;
}

const emptySnapshot = (): Snapshot => ({
  data: EMPTY_BYTES,
  metadata: { confState: emptyConfState(), index: 0 as LogIndex, term: 0 as Term },
});

/**
 * An in-memory `Storage`, like etcd's `MemoryStorage` and raft-rs's `MemStorage`. The
 * application calls `setHardState`, `append` and `applySnapshot` while handling each Ready.
 *
 * Internally `ents[0]` is a dummy entry holding the index and term of the latest snapshot, so
 * that `term(firstIndex - 1)` is always answerable.
 */
export class MemoryStorage implements Storage {
  private hardState: HardState = emptyHardState();
  private snap: Snapshot = emptySnapshot();
  // Invariant: ents.length >= 1 and ents[i].index === ents[0].index + i.
  private ents: Entry[] = [dummyEntry(0 as LogIndex, 0 as Term)];

  /**
   * A storage bootstrapped explicitly, as raft-rs's `MemStorage::new_with_conf_state`: every
   * founding member starts from the same ConfState. The initial snapshot defaults to index 0
   * with that ConfState; pass `snapshot` metadata to start the log later (etcd's tests start at
   * an index > 1 so that new nodes must be caught up by snapshot).
   */
  static bootstrap(
    confState: ConfState,
    snapshot?: { index: LogIndex; term: Term; data?: Uint8Array },
  ): MemoryStorage {
    const ms = new MemoryStorage();
    const index = snapshot?.index ?? (0 as LogIndex);
    const term = snapshot?.term ?? (0 as Term);
    ms.snap = {
      data: snapshot?.data ?? EMPTY_BYTES,
      metadata: { confState: cloneConfState(confState), index, term },
    };
    ms.ents = [dummyEntry(index, term)];
    // The hard state stays empty: a fresh node has voted in no term. Its commit index starts at
    // the snapshot's index all the same, because the core derives it from the first index.
    return ms;
  }

  initialState(): InitialState {
    return { hardState: { ...this.hardState }, confState: this.snap.metadata.confState };
  }

  /** Persists the HardState of a Ready. */
  setHardState(hs: HardState): void {
    this.hardState = { term: hs.term, vote: hs.vote, commit: hs.commit };
  }

  entries(lo: LogIndex, hi: LogIndex, maxSize: number): Entry[] | StorageError {
    const offset = this.offset();
    if (lo <= offset) return storageError('Compacted');
    if (hi > this.lastIndex() + 1) {
      throw new Error(`entries' hi(${hi}) is out of bound lastindex(${this.lastIndex()})`);
    }
    // Only the dummy entry: nothing is stored.
    if (this.ents.length === 1) return storageError('Unavailable');
    // A copy, so that later appends and compactions cannot change what the caller holds.
    const ents = this.ents.slice(lo - offset, hi - offset);
    return limitSize(ents, maxSize);
  }

  term(i: LogIndex): Term | StorageError {
    const offset = this.offset();
    if (i < offset) return storageError('Compacted');
    const e = this.ents[i - offset];
    if (e === undefined) return storageError('Unavailable');
    return e.term;
  }

  lastIndex(): LogIndex {
    return (this.offset() + this.ents.length - 1) as LogIndex;
  }

  firstIndex(): LogIndex {
    return (this.offset() + 1) as LogIndex;
  }

  snapshot(): Snapshot | StorageError {
    return this.snap;
  }

  /**
   * Replaces the log with a snapshot received from the leader (the Snapshot of a Ready).
   * `SnapOutOfDate` if it is not newer than the one held.
   */
  applySnapshot(snap: Snapshot): StorageError | null {
    if (this.snap.metadata.index >= snap.metadata.index) return storageError('SnapOutOfDate');
    this.snap = snap;
    this.ents = [dummyEntry(snap.metadata.index, snap.metadata.term)];
    return null;
  }

  /**
   * Records a snapshot of the state machine at applied index `i`, with the ConfState in force
   * there, so that the leader can send it to followers that fall behind a compaction.
   */
  createSnapshot(i: LogIndex, cs: ConfState | null, data: Uint8Array): Snapshot | StorageError {
    if (i <= this.snap.metadata.index) return storageError('SnapOutOfDate');
    const offset = this.offset();
    if (i > this.lastIndex()) {
      throw new Error(`snapshot ${i} is out of bound lastindex(${this.lastIndex()})`);
    }
    const metadata: SnapshotMetadata = {
      index: i,
      term: (this.ents[i - offset] as Entry).term,
      confState: cs === null ? this.snap.metadata.confState : cloneConfState(cs),
    };
    this.snap = { data, metadata };
    return this.snap;
  }

  /**
   * Discards entries up to and including `compactIndex`; the caller must not compact past what
   * it has applied. `Compacted` if that prefix is already gone.
   */
  compact(compactIndex: LogIndex): StorageError | null {
    const offset = this.offset();
    if (compactIndex <= offset) return storageError('Compacted');
    if (compactIndex > this.lastIndex()) {
      throw new Error(`compact ${compactIndex} is out of bound lastindex(${this.lastIndex()})`);
    }
    const i = compactIndex - offset;
    const e = this.ents[i] as Entry;
    const rest = this.ents.slice(i + 1);
    rest.unshift(dummyEntry(e.index, e.term));
    this.ents = rest;
    return null;
  }

  /**
   * Appends the entries of a Ready. Entries that overlap the stored log replace it from their
   * first index on (a new leader may overwrite an uncommitted tail); entries already compacted
   * are skipped. The entries must be contiguous with the stored log.
   */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const head = entries[0] as Entry;
    const last = head.index + entries.length - 1;
    // Everything is already compacted.
    if (last < first) return;
    let from = 0;
    if (first > head.index) from = first - head.index;
    const start = (entries[from] as Entry).index;
    const offset = start - this.offset();
    if (offset > this.ents.length) {
      throw new Error(`missing log entry [last: ${this.lastIndex()}, append at: ${start}]`);
    }
    if (offset < this.ents.length) this.ents.length = offset;
    for (let k = from; k < entries.length; k++) this.ents.push(entries[k] as Entry);
  }

  private offset(): number {
    return (this.ents[0] as Entry).index;
  }
}

function dummyEntry(index: LogIndex, term: Term): Entry {
  return { index, term, type: 'EntryNormal', data: EMPTY_BYTES };
}
