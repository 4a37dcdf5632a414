/**
 * The unstable part of the log: entries and a snapshot the core holds that are not yet known to
 * be durable in `Storage`.
 *
 * It plays two roles. It keeps new entries (and an incoming snapshot) until a Ready hands them
 * to the application to persist; and it keeps them after that, while the write is in progress,
 * so that the log still answers queries about them until the application reports them stable.
 * `offsetInProgress` separates the two: entries below it have been handed out already.
 */
import type { Logger } from './logger.ts';
import type { Entry, LogIndex, Snapshot, Term } from './types.ts';

/** The unstable tail of the log and an incoming snapshot (see the file comment). */
export class Unstable {
  /** An incoming snapshot not yet known to be durable, if any. */
  snapshot: Snapshot | null = null;
  /** True once `snapshot` has been handed to the application to persist. */
  snapshotInProgress = false;
  /** Entries not yet known to be durable. Invariant: entries[i].index === offset + i. */
  entries: Entry[] = [];
  /** The index of entries[0] (or of the entry that would be there). */
  offset: LogIndex;
  /**
   * Entries with index < offsetInProgress have been handed out in a Ready and are being
   * written. Invariant: offset <= offsetInProgress <= offset + entries.length.
   */
  offsetInProgress: LogIndex;

  constructor(
    offset: LogIndex,
    private readonly logger: Logger,
  ) {
    this.offset = offset;
    this.offsetInProgress = offset;
  }

  /** The first index of the log if the snapshot defines it (snapshot index + 1). */
  maybeFirstIndex(): LogIndex | undefined {
    return this.snapshot === null ? undefined : ((this.snapshot.metadata.index + 1) as LogIndex);
  }

  /** The last index if there is an unstable entry or snapshot. */
  maybeLastIndex(): LogIndex | undefined {
    if (this.entries.length > 0) return (this.offset + this.entries.length - 1) as LogIndex;
    if (this.snapshot !== null) return this.snapshot.metadata.index;
    return undefined;
  }

  /** The term of entry `i` if the unstable part knows it. */
  maybeTerm(i: LogIndex): Term | undefined {
    if (i < this.offset) {
      const s = this.snapshot;
      return s !== null && s.metadata.index === i ? s.metadata.term : undefined;
    }
    const e = this.entries[i - this.offset];
    return e === undefined ? undefined : e.term;
  }

  /** Entries not yet handed out in a Ready (a fresh array the caller may keep). */
  nextEntries(): Entry[] {
    const inProgress = this.offsetInProgress - this.offset;
    if (inProgress >= this.entries.length) return [];
    return this.entries.slice(inProgress);
  }

  /** True if some entries have not been handed out yet. */
  hasNextEntries(): boolean {
    return this.offsetInProgress - this.offset < this.entries.length;
  }

  /** The snapshot if it has not been handed out yet. */
  nextSnapshot(): Snapshot | null {
    return this.snapshot === null || this.snapshotInProgress ? null : this.snapshot;
  }

  /** Marks everything held now as handed out to the application for writing. */
  acceptInProgress(): void {
    if (this.entries.length > 0) {
      this.offsetInProgress = (this.offset + this.entries.length) as LogIndex;
    }
    if (this.snapshot !== null) this.snapshotInProgress = true;
  }

  /**
   * Drops entries up to (index, term) once the application reports them durable. The report is
   * ignored if that entry is no longer in the unstable log with that term: it was replaced by a
   * newer leader's entry while the write was in flight, and the newer write is still pending.
   */
  stableTo(index: LogIndex, term: Term): void {
    const gt = this.maybeTerm(index);
    if (gt === undefined) {
      this.logger.info(`entry at index ${index} missing from unstable log; ignoring`);
      return;
    }
    if (index < this.offset) {
      this.logger.info(`entry at index ${index} matched unstable snapshot; ignoring`);
      return;
    }
    if (gt !== term) {
      this.logger.info(
        `entry at (index,term)=(${index},${term}) mismatched with ` +
          `entry at (${index},${gt}) in unstable log; ignoring`,
      );
      return;
    }
    const num = index + 1 - this.offset;
    this.entries = num >= this.entries.length ? [] : this.entries.slice(num);
    this.offset = (index + 1) as LogIndex;
    if (this.offsetInProgress < this.offset) this.offsetInProgress = this.offset;
  }

  /** Drops the snapshot once it is durable, if it is still the one at index `i`. */
  stableSnapTo(i: LogIndex): void {
    if (this.snapshot !== null && this.snapshot.metadata.index === i) {
      this.snapshot = null;
      this.snapshotInProgress = false;
    }
  }

  /** Replaces everything with an incoming snapshot. */
  restore(s: Snapshot): void {
    this.offset = (s.metadata.index + 1) as LogIndex;
    this.offsetInProgress = this.offset;
    this.entries = [];
    this.snapshot = s;
    this.snapshotInProgress = false;
  }

  /**
   * Appends `ents`, first truncating whatever they overlap. Entries handed out for writing
   * stay in progress only if they come before the truncation point.
   */
  truncateAndAppend(ents: readonly Entry[]): void {
    const fromIndex = (ents[0] as Entry).index;
    const end = this.offset + this.entries.length;
    if (fromIndex === end) {
      for (let i = 0; i < ents.length; i++) this.entries.push(ents[i] as Entry);
    } else if (fromIndex <= this.offset) {
      this.logger.info(`replace the unstable entries from index ${fromIndex}`);
      this.entries = ents.slice();
      this.offset = fromIndex;
      this.offsetInProgress = this.offset;
    } else {
      this.logger.info(`truncate the unstable entries before index ${fromIndex}`);
      this.mustCheckOutOfBounds(this.offset, fromIndex);
      this.entries.length = fromIndex - this.offset;
      for (let i = 0; i < ents.length; i++) this.entries.push(ents[i] as Entry);
      if (this.offsetInProgress > fromIndex) this.offsetInProgress = fromIndex;
    }
  }

  /** Entries in [lo, hi), all of which must be in the unstable log (a fresh array). */
  slice(lo: LogIndex, hi: LogIndex): Entry[] {
    this.mustCheckOutOfBounds(lo, hi);
    return this.entries.slice(lo - this.offset, hi - this.offset);
  }

  private mustCheckOutOfBounds(lo: number, hi: number): void {
    if (lo > hi) throw new Error(`invalid unstable.slice ${lo} > ${hi}`);
    const upper = this.offset + this.entries.length;
    if (lo < this.offset || hi > upper) {
      throw new Error(`unstable.slice[${lo},${hi}) out of bound [${this.offset},${upper}]`);
    }
  }
}
