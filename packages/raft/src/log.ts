/**
 * The Raft log: the stable entries in `Storage` followed by the unstable ones the core holds,
 * with the commit, applying and applied marks.
 *
 * Invariants: applied <= applying <= committed <= lastIndex. `committed` only grows; it may
 * run ahead of what is durable locally (a follower learns the commit index from the leader),
 * which is why applying entries may be limited to stable ones.
 */
import { isStorageError, type StorageError, storageError } from './errors.ts';
import { Unstable } from './log-unstable.ts';
import type { Logger } from './logger.ts';
import type { Storage } from './storage.ts';
import type { Entry, LogIndex, Snapshot, Term } from './types.ts';
import { entsSize, limitSize } from './util.ts';

/** A position in the log: the index of an entry and the term it was proposed in. */
export interface EntryId {
  /** The term the entry was proposed in. */
  term: Term;
  /** The entry's position in the log. */
  index: LogIndex;
}

/**
 * A run of entries as a leader appends them: `entries` follow the entry `prev`, all sent in
 * term `term` (etcd's `logSlice`).
 */
export interface LogSlice {
  /** The leader's term when it sent the slice. */
  term: Term;
  /** The entry the slice follows. */
  prev: EntryId;
  /** The entries, at indexes prev.index + 1, ... */
  entries: readonly Entry[];
}

/** The log of one node: storage plus unstable tail, with the commit and apply marks. */
export class RaftLog {
  /** Everything persisted since the last snapshot. */
  readonly storage: Storage;
  /** Entries and a snapshot not yet known to be persisted. */
  readonly unstable: Unstable;
  /** The highest index known to be stored on a quorum. */
  committed: LogIndex;
  /** The highest index handed to the application to apply (in a Ready or MsgStorageApply). */
  applying: LogIndex;
  /** The highest index the application reported applied. */
  applied: LogIndex;
  /** Limit on the bytes of entries handed out for applying and not yet reported applied. */
  readonly maxApplyingEntsSize: number;
  /** Bytes handed out for applying and not yet reported applied. */
  applyingEntsSize = 0;
  /** True while application is paused because `maxApplyingEntsSize` is reached. */
  applyingEntsPaused = false;

  constructor(
    storage: Storage,
    private readonly logger: Logger,
    maxApplyingEntsSize: number = Number.POSITIVE_INFINITY,
  ) {
    this.storage = storage;
    this.maxApplyingEntsSize = maxApplyingEntsSize;
    const firstIndex = storage.firstIndex();
    const lastIndex = storage.lastIndex();
    this.unstable = new Unstable((lastIndex + 1) as LogIndex, logger);
    // Everything up to the last compaction was committed and applied.
    this.committed = (firstIndex - 1) as LogIndex;
    this.applying = this.committed;
    this.applied = this.committed;
  }

  /** The marks and unstable bounds, as etcd logs them. */
  toString(): string {
    const u = this.unstable;
    return (
      `committed=${this.committed}, applied=${this.applied}, applying=${this.applying}, ` +
      `unstable.offset=${u.offset}, unstable.offsetInProgress=${u.offsetInProgress}, ` +
      `len(unstable.Entries)=${u.entries.length}`
    );
  }

  /**
   * Appends a leader's slice if it connects to this log (the entry before it matches), and
   * advances the commit index up to `committed`, capped at the slice's end. Returns the last
   * index of the slice, or undefined if it does not connect.
   */
  maybeAppend(a: LogSlice, committed: LogIndex): LogIndex | undefined {
    if (!this.matchTerm(a.prev)) return undefined;
    const lastNew = (a.prev.index + a.entries.length) as LogIndex;
    const ci = this.findConflict(a.entries);
    if (ci !== 0) {
      if (ci <= this.committed) {
        throw new Error(`entry ${ci} conflict with committed entry [committed(${this.committed})]`);
      }
      const start = ci - (a.prev.index + 1);
      if (start > a.entries.length) {
        throw new Error(`index, ${start}, is out of range [${a.entries.length}]`);
      }
      this.append(start === 0 ? a.entries : a.entries.slice(start));
    }
    this.commitTo(Math.min(committed, lastNew) as LogIndex);
    return lastNew;
  }

  /** Appends entries at their indexes, truncating any unstable tail they overlap. */
  append(ents: readonly Entry[]): LogIndex {
    if (ents.length === 0) return this.lastIndex();
    const after = (ents[0] as Entry).index - 1;
    if (after < this.committed) {
      throw new Error(`after(${after}) is out of range [committed(${this.committed})]`);
    }
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  /**
   * The index of the first entry of `ents` that this log does not hold with the same term:
   * 0 if all are held, the first new index if they extend the log, or the first conflicting
   * index if a held entry has another term.
   */
  findConflict(ents: readonly Entry[]): LogIndex {
    for (let i = 0; i < ents.length; i++) {
      const ne = ents[i] as Entry;
      if (!this.matchTerm(ne)) {
        if (ne.index <= this.lastIndex()) {
          const existing = this.zeroTermOnOutOfBounds(this.term(ne.index));
          this.logger.info(
            `found conflict at index ${ne.index} [existing term: ${existing}, ` +
              `conflicting term: ${ne.term}]`,
          );
        }
        return ne.index;
      }
    }
    return 0 as LogIndex;
  }

  /**
   * A guess of where this log stops matching another log of which only the entry
   * (index, term) is known: the largest i <= index with term(i) <= term, or with an unknown
   * term (compacted or not stored). Returns that index and its term (0 if unknown). Used on
   * both sides of a rejected append to skip whole terms instead of probing entry by entry.
   */
  findConflictByTerm(index: LogIndex, term: Term): EntryId {
    for (let i = index; i > 0; i--) {
      const t = this.term(i as LogIndex);
      if (typeof t !== 'number') return { index: i as LogIndex, term: 0 as Term };
      if (t <= term) return { index: i as LogIndex, term: t };
    }
    return { index: 0 as LogIndex, term: 0 as Term };
  }

  /** Unstable entries not yet handed out in a Ready. */
  nextUnstableEnts(): Entry[] {
    return this.unstable.nextEntries();
  }

  /** True if some unstable entries have not been handed out yet. */
  hasNextUnstableEnts(): boolean {
    return this.unstable.hasNextEntries();
  }

  /** True if some entries are unstable, handed out or not. */
  hasNextOrInProgressUnstableEnts(): boolean {
    return this.unstable.entries.length > 0;
  }

  /**
   * Committed entries ready to apply and not yet handed out. With `allowUnstable` false only
   * entries durable locally qualify. Nothing is returned while a snapshot is pending (the
   * snapshot must be applied first) or while application is paused by the size limit.
   */
  nextCommittedEnts(allowUnstable: boolean): Entry[] {
    if (this.applyingEntsPaused || this.hasNextOrInProgressSnapshot()) return [];
    const lo = this.applying + 1;
    const hi = this.maxAppliableIndex(allowUnstable) + 1;
    if (lo >= hi) return [];
    const maxSize = this.maxApplyingEntsSize - this.applyingEntsSize;
    if (maxSize <= 0) {
      throw new Error(
        `applying entry size (${this.maxApplyingEntsSize}-${this.applyingEntsSize})=${maxSize} ` +
          'not positive',
      );
    }
    const ents = this.slice(lo as LogIndex, hi as LogIndex, maxSize);
    if (isStorageError(ents)) {
      throw new Error(`unexpected error when getting unapplied entries (${ents.message})`);
    }
    return ents;
  }

  /** The cheap form of `nextCommittedEnts().length > 0`. */
  hasNextCommittedEnts(allowUnstable: boolean): boolean {
    if (this.applyingEntsPaused || this.hasNextOrInProgressSnapshot()) return false;
    return this.applying + 1 < this.maxAppliableIndex(allowUnstable) + 1;
  }

  /** The highest committed index that may be applied now. */
  maxAppliableIndex(allowUnstable: boolean): LogIndex {
    if (allowUnstable) return this.committed;
    return Math.min(this.committed, this.unstable.offset - 1) as LogIndex;
  }

  /** The unstable snapshot if it has not been handed out yet. */
  nextUnstableSnapshot(): Snapshot | null {
    return this.unstable.nextSnapshot();
  }

  /** True if an unstable snapshot has not been handed out yet. */
  hasNextUnstableSnapshot(): boolean {
    return this.unstable.nextSnapshot() !== null;
  }

  /** True if a snapshot is waiting to be persisted or being persisted. */
  hasNextOrInProgressSnapshot(): boolean {
    return this.unstable.snapshot !== null;
  }

  /** The latest snapshot: the unstable one if any, else the one in storage. */
  snapshot(): Snapshot | StorageError {
    if (this.unstable.snapshot !== null) return this.unstable.snapshot;
    return this.storage.snapshot();
  }

  /** The first index still in the log (after the latest snapshot). */
  firstIndex(): LogIndex {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  /** The index of the last entry (or of the snapshot, if the log is empty). */
  lastIndex(): LogIndex {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  /** The id of the last entry. */
  lastEntryId(): EntryId {
    const index = this.lastIndex();
    const term = this.term(index);
    if (typeof term !== 'number') {
      throw new Error(`unexpected error when getting the last term (${term.message})`);
    }
    return { term, index };
  }

  /** The term of the last entry. */
  lastTerm(): Term {
    return this.lastEntryId().term;
  }

  /** Raises the commit index to `toCommit`; it never decreases. */
  commitTo(toCommit: LogIndex): void {
    if (this.committed < toCommit) {
      if (this.lastIndex() < toCommit) {
        throw new Error(
          `tocommit(${toCommit}) is out of range [lastIndex(${this.lastIndex()})]. ` +
            'Was the raft log corrupted, truncated, or lost?',
        );
      }
      this.committed = toCommit;
    }
  }

  /** The bytes `ents` count against the applying quota (0 when there is no quota). */
  applyingSize(ents: readonly Entry[]): number {
    return this.maxApplyingEntsSize === Number.POSITIVE_INFINITY ? 0 : entsSize(ents);
  }

  /** Records that entries up to `i` (of `size` bytes, for the apply quota) are applied. */
  appliedTo(i: LogIndex, size: number): void {
    if (this.committed < i || i < this.applied) {
      throw new Error(
        `applied(${i}) is out of range [prevApplied(${this.applied}), ` +
          `committed(${this.committed})]`,
      );
    }
    this.applied = i;
    if (this.applying < i) this.applying = i;
    this.applyingEntsSize = this.applyingEntsSize > size ? this.applyingEntsSize - size : 0;
    this.applyingEntsPaused = this.applyingEntsSize >= this.maxApplyingEntsSize;
  }

  /**
   * Records that entries up to `i` (of `size` bytes) were handed out for applying. Application
   * pauses when the quota is used up, or when the hand-out was cut short by it (the next entry
   * would exceed it).
   */
  acceptApplying(i: LogIndex, size: number, allowUnstable: boolean): void {
    if (this.committed < i) {
      throw new Error(
        `applying(${i}) is out of range [prevApplying(${this.applying}), ` +
          `committed(${this.committed})]`,
      );
    }
    this.applying = i;
    this.applyingEntsSize += size;
    this.applyingEntsPaused =
      this.applyingEntsSize >= this.maxApplyingEntsSize ||
      i < this.maxAppliableIndex(allowUnstable);
  }

  /** Entries up to `id` are durable (see `Unstable.stableTo`). */
  stableTo(id: EntryId): void {
    this.unstable.stableTo(id.index, id.term);
  }

  /** The snapshot at index `i` is durable. */
  stableSnapTo(i: LogIndex): void {
    this.unstable.stableSnapTo(i);
  }

  /** Marks the unstable entries and snapshot as handed out in a Ready. */
  acceptUnstable(): void {
    this.unstable.acceptInProgress();
  }

  /**
   * The term of entry `i`: known for i in [firstIndex-1, lastIndex]. `Compacted` below,
   * `Unavailable` above.
   */
  term(i: LogIndex): Term | StorageError {
    // The unstable log answers first, without touching storage.
    const t = this.unstable.maybeTerm(i);
    if (t !== undefined) return t;
    if (i + 1 < this.firstIndex()) return storageError('Compacted');
    if (i > this.lastIndex()) return storageError('Unavailable');
    const st = this.storage.term(i);
    if (typeof st === 'number') return st;
    if (st.code === 'Compacted' || st.code === 'Unavailable') return st;
    throw new Error(`unexpected storage error: ${st.message}`);
  }

  /** The term, or 0 where `term` answers an error. */
  zeroTermOnOutOfBounds(t: Term | StorageError): Term {
    return typeof t === 'number' ? t : (0 as Term);
  }

  /** Entries from `i` to the end, limited to about `maxSize` bytes. */
  entries(i: LogIndex, maxSize: number): Entry[] | StorageError {
    const last = this.lastIndex();
    if (i > last) return [];
    return this.slice(i, (last + 1) as LogIndex, maxSize);
  }

  /** Every entry in the log (for tests and inspection). */
  allEntries(): Entry[] {
    const ents = this.entries(this.firstIndex(), Number.POSITIVE_INFINITY);
    if (isStorageError(ents)) throw new Error(`cannot read the log: ${ents.message}`);
    return ents;
  }

  /**
   * True if a log ending at `id` is at least as up to date as this one (Raft's election
   * restriction): a later last term wins; with equal last terms, the longer log.
   */
  isUpToDate(id: EntryId): boolean {
    const last = this.lastEntryId();
    return id.term > last.term || (id.term === last.term && id.index >= last.index);
  }

  /** True if this log holds entry `id.index` with term `id.term`. */
  matchTerm(id: EntryId): boolean {
    const t = this.term(id.index);
    return typeof t === 'number' && t === id.term;
  }

  /**
   * Commits up to `at.index` if that entry has term `at.term`. A leader passes its own term:
   * Raft commits only entries of the current term by counting replicas (the older ones follow).
   */
  maybeCommit(at: EntryId): boolean {
    if (
      at.index > this.committed &&
      at.term !== 0 &&
      this.zeroTermOnOutOfBounds(this.term(at.index)) === at.term
    ) {
      this.commitTo(at.index);
      return true;
    }
    return false;
  }

  /** Replaces the log with snapshot `s`. */
  restore(s: Snapshot): void {
    this.logger.info(
      `log [${this.toString()}] starts to restore snapshot ` +
        `[index: ${s.metadata.index}, term: ${s.metadata.term}]`,
    );
    this.committed = s.metadata.index;
    this.unstable.restore(s);
  }

  /**
   * Entries in [lo, hi) from storage and the unstable log, limited to about `maxSize` bytes
   * (at least one entry). `Compacted` if lo is compacted away.
   */
  slice(lo: LogIndex, hi: LogIndex, maxSize: number): Entry[] | StorageError {
    const bad = this.mustCheckOutOfBounds(lo, hi);
    if (bad !== null) return bad;
    if (lo === hi) return [];
    const uOffset = this.unstable.offset;
    if (lo >= uOffset) return limitSize(this.unstable.slice(lo, hi), maxSize);

    const cut = Math.min(hi, uOffset) as LogIndex;
    const stored = this.storage.entries(lo, cut, maxSize);
    if (isStorageError(stored)) {
      if (stored.code === 'Compacted') return stored;
      if (stored.code === 'Unavailable') {
        throw new Error(`entries[${lo}:${cut}) is unavailable from storage`);
      }
      throw new Error(`unexpected storage error: ${stored.message}`);
    }
    if (hi <= uOffset) return stored;
    // Storage cut its answer short: the size limit is already reached.
    if (stored.length < cut - lo) return stored;
    // Sizes matter only under a limit; computing them costs a pass over the entries.
    if (maxSize === Number.POSITIVE_INFINITY)
      return stored.concat(this.unstable.slice(uOffset, hi));
    const size = entsSize(stored);
    if (size >= maxSize) return stored;
    const more = limitSize(this.unstable.slice(uOffset, hi), maxSize - size);
    // A single unstable entry may overshoot the remaining budget; leave it out then.
    if (more.length === 1 && size + entsSize(more) > maxSize) return stored;
    // A new array: a Storage may hand out arrays it keeps.
    return stored.concat(more);
  }

  private mustCheckOutOfBounds(lo: LogIndex, hi: LogIndex): StorageError | null {
    if (lo > hi) throw new Error(`invalid slice ${lo} > ${hi}`);
    const fi = this.firstIndex();
    if (lo < fi) return storageError('Compacted');
    const last = this.lastIndex();
    if (hi > last + 1) throw new Error(`slice[${lo},${hi}) out of bound [${fi},${last}]`);
    return null;
  }
}
