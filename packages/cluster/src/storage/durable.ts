/**
 * Durable node storage on SQLite (better-sqlite3), with the semantics of the core's
 * MemoryStorage.
 *
 * Durability: the database runs in WAL mode. Writes open a transaction lazily and `sync` commits
 * it, so all the writes of one Ready (hard state, entries, snapshot) land atomically: a crash
 * before the commit leaves the store exactly as the previous one left it. SQLite itself runs
 * with `synchronous=NORMAL` (it fsyncs around checkpoints only), and the store fdatasyncs the
 * write-ahead log itself after each commit: with the default `synchronous: 'FULL'` that is
 * exactly what SQLite's FULL does, but the store can also do it off the event loop
 * (`syncAsync`, on libuv's thread pool), so that a process hosting several nodes waits for
 * their disk writes in parallel and keeps stepping messages meanwhile. `writeBack` commits
 * without waiting for the disk, for writes Raft does not need durable (etcd skips the fsync
 * when only the commit index changed). The benchmark in `bench/storage.ts` measures this
 * against a plain append-only file.
 *
 * Speed: reads of recent entries and of terms near the tail, which is what a leader replicating
 * to healthy followers asks for, are served from a bounded in-memory tail of the log; older
 * reads go to SQLite.
 *
 * Disk errors (a full disk, an I/O error) throw from the method that met them. A node cannot
 * go on with a log it could not persist, so the runtime should treat such a throw as a crash of
 * the node, as etcd panics on a failed WAL write.
 */

import { closeSync, fdatasync, fdatasyncSync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ConfState,
  cloneConfState,
  type Entry,
  emptyConfState,
  entrySize,
  type HardState,
  type LogIndex,
  limitSize,
  type NodeId,
  type Snapshot,
  type StorageError,
  storageError,
  type Term,
} from '@raftlens/raft';
import Database from 'better-sqlite3';
import {
  confStateFromText,
  confStateToText,
  entryFromRow,
  entryTypeCode,
  prepareStatements,
  SCHEMA,
  SCHEMA_VERSION,
  type Statements,
} from './durable-schema.ts';
import type { NodeStorage } from './types.ts';

export interface DurableStorageOptions {
  /**
   * Bootstraps a founding member (raft-rs style, like `MemoryStorage.bootstrap`): used only
   * when the directory holds no store yet, ignored when reopening one.
   */
  bootstrap?: {
    confState: ConfState;
    snapshot?: { index: LogIndex; term: Term; data?: Uint8Array };
  };
  /** How many of the most recent entries to keep in memory; default 4096. */
  cacheEntriesMax?: number;
  /**
   * 'FULL' (the default) fdatasyncs the log at every `sync`, as SQLite's `synchronous=FULL`.
   * 'NORMAL' skips that fdatasync: a killed process still loses nothing, but a power loss may
   * lose the last syncs, which breaks Raft's promise; only for demos and for the benchmark.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

/** The database file inside the store's directory. */
export const DB_FILE = 'raft.sqlite';

/**
 * Opens (or creates) the store in `dir`. Throws if the directory holds a store of another
 * schema version or an inconsistent log: a node must not start from storage it cannot trust.
 */
export function createDurableStorage(dir: string, opts: DurableStorageOptions = {}): NodeStorage {
  return new DurableStorage(dir, opts);
}

const EMPTY = new Uint8Array(0);

class DurableStorage implements NodeStorage {
  private readonly db: Database.Database;
  private readonly sql: Statements;
  private readonly cacheEntriesMax: number;
  /** Index and term of the dummy entry: the last compacted entry. */
  private offset: number;
  private offsetTerm: Term;
  /** Invariant: last >= offset; the log holds every index in (offset, last]. */
  private last: number;
  private hardState: HardState;
  private snap: Snapshot;
  /**
   * The newest entries, contiguous and ending at `last`: cache[k] has index
   * last - cache.length + 1 + k. Invariant: every cached index is > offset.
   */
  private cache: Entry[] = [];
  private closed = false;
  private readonly fsyncOnSync: boolean;
  /** A descriptor of the write-ahead log, to fdatasync it; -1 once closed. */
  private walFd = -1;
  /** Commits made since the last fdatasync was started. */
  private dirty = false;
  /** fdatasyncs running on the thread pool; the descriptor is closed only after them. */
  private flushing = 0;
  /** The fdatasync started last, which later callers can join. */
  private lastFlush: Promise<void> | null = null;

  constructor(dir: string, opts: DurableStorageOptions) {
    this.cacheEntriesMax = opts.cacheEntriesMax ?? 4096;
    this.fsyncOnSync = opts.synchronous !== 'NORMAL';
    mkdirSync(dir, { recursive: true });
    this.db = new Database(join(dir, DB_FILE));
    try {
      this.db.pragma('journal_mode = WAL');
      // SQLite syncs the log before a checkpoint and the database after it; the commits
      // themselves are synced by this store (see the top of the file).
      this.db.pragma('synchronous = NORMAL');
      const version = this.db.pragma('user_version', { simple: true }) as number;
      if (version === 0) this.create(opts.bootstrap);
      else if (version !== SCHEMA_VERSION) {
        throw new Error(`durable storage in ${dir}: schema ${version}, expected ${SCHEMA_VERSION}`);
      }
      this.sql = prepareStatements(this.db);
      const loaded = this.load(dir);
      this.offset = loaded.offset;
      this.offsetTerm = loaded.offsetTerm;
      this.last = loaded.last;
      this.hardState = loaded.hardState;
      this.snap = loaded.snap;
      this.fillCache();
      // The log exists now (WAL mode opens it on the first read). Its directory entry and the
      // database's must be durable too before anything written to them counts.
      this.walFd = openSync(join(dir, `${DB_FILE}-wal`), 'r');
      fsyncDir(dir);
    } catch (e) {
      this.db.close();
      throw e;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Storage: reads

  initialState() {
    this.assertOpen();
    return { hardState: { ...this.hardState }, confState: this.snap.metadata.confState };
  }

  entries(lo: LogIndex, hi: LogIndex, maxSize: number): Entry[] | StorageError {
    this.assertOpen();
    if (lo <= this.offset) return storageError('Compacted');
    if (hi > this.last + 1) {
      throw new Error(`entries' hi(${hi}) is out of bound lastindex(${this.last})`);
    }
    if (this.last === this.offset) return storageError('Unavailable');
    const cacheStart = this.cacheStart();
    if (lo >= cacheStart) {
      return limitSize(this.cache.slice(lo - cacheStart, hi - cacheStart), maxSize);
    }
    return this.readEntries(lo, hi, maxSize);
  }

  term(i: LogIndex): Term | StorageError {
    this.assertOpen();
    if (i < this.offset) return storageError('Compacted');
    if (i > this.last) return storageError('Unavailable');
    return this.termOf(i);
  }

  lastIndex(): LogIndex {
    this.assertOpen();
    return this.last as LogIndex;
  }

  firstIndex(): LogIndex {
    this.assertOpen();
    return (this.offset + 1) as LogIndex;
  }

  snapshot(): Snapshot | StorageError {
    this.assertOpen();
    return this.snap;
  }

  // ------------------------------------------------------------------------------------------
  // NodeStorage: writes

  append(entries: readonly Entry[]): void {
    this.assertOpen();
    if (entries.length === 0) return;
    const first = this.offset + 1;
    const head = (entries[0] as Entry).index;
    const lastNew = head + entries.length - 1;
    if (lastNew < first) return; // all compacted already
    const from = first > head ? first - head : 0;
    const start = head + from;
    if (start > this.last + 1) {
      throw new Error(`missing log entry [last: ${this.last}, append at: ${start}]`);
    }
    for (let k = from; k < entries.length; k++) {
      const index = (entries[k] as Entry).index;
      if (index !== head + k) {
        throw new Error(`append: entries not contiguous at ${index}, expected ${head + k}`);
      }
    }
    this.begin();
    if (start <= this.last) {
      this.sql.deleteFrom.run(start);
      this.truncateCache(start);
    }
    for (let k = from; k < entries.length; k++) {
      const e = entries[k] as Entry;
      this.sql.insertEntry.run(e.index, e.term, entryTypeCode(e.type), e.data);
      this.cache.push(e);
    }
    this.last = lastNew;
    this.trimCache();
  }

  setHardState(hs: HardState): void {
    this.assertOpen();
    this.begin();
    this.sql.upsertHardState.run(hs.term, hs.vote, hs.commit);
    this.hardState = { term: hs.term, vote: hs.vote, commit: hs.commit };
  }

  applySnapshot(snap: Snapshot): StorageError | null {
    this.assertOpen();
    const { index, term } = snap.metadata;
    if (this.snap.metadata.index >= index) return storageError('SnapOutOfDate');
    this.begin();
    this.writeSnapshot(snap);
    this.sql.deleteAll.run();
    this.sql.insertEntry.run(index, term, entryTypeCode('EntryNormal'), EMPTY);
    this.offset = index;
    this.offsetTerm = term;
    this.last = index;
    this.cache = [];
    return null;
  }

  createSnapshot(i: LogIndex, cs: ConfState | null, data: Uint8Array): Snapshot | StorageError {
    this.assertOpen();
    if (i <= this.snap.metadata.index) return storageError('SnapOutOfDate');
    if (i > this.last) throw new Error(`snapshot ${i} is out of bound lastindex(${this.last})`);
    if (i < this.offset)
      throw new Error(`snapshot ${i} is below the compacted index ${this.offset}`);
    const snap: Snapshot = {
      data,
      metadata: {
        index: i,
        term: this.termOf(i),
        confState: cs === null ? this.snap.metadata.confState : cloneConfState(cs),
      },
    };
    this.begin();
    this.writeSnapshot(snap);
    return snap;
  }

  compact(compactIndex: LogIndex): StorageError | null {
    this.assertOpen();
    if (compactIndex <= this.offset) return storageError('Compacted');
    if (compactIndex > this.last) {
      throw new Error(`compact ${compactIndex} is out of bound lastindex(${this.last})`);
    }
    const term = this.termOf(compactIndex);
    this.begin();
    this.sql.deleteBelow.run(compactIndex);
    this.sql.blankEntry.run(compactIndex);
    this.offset = compactIndex;
    this.offsetTerm = term;
    const drop = compactIndex - this.cacheStart() + 1;
    if (drop > 0) this.cache.splice(0, drop);
    return null;
  }

  sync(): void {
    this.writeBack();
    // A commit an fdatasync still running covers is not on disk yet either.
    if (this.fsyncOnSync && (this.dirty || this.flushing > 0)) {
      this.dirty = false;
      fdatasyncSync(this.walFd);
    }
  }

  writeBack(): void {
    this.assertOpen();
    if (!this.db.inTransaction) return;
    this.db.exec('COMMIT');
    this.dirty = true;
  }

  syncAsync(): Promise<void> | null {
    this.writeBack();
    if (!this.fsyncOnSync) return null;
    if (!this.dirty) return this.flushing > 0 ? this.lastFlush : null;
    this.dirty = false;
    this.flushing++;
    const fd = this.walFd;
    const flush = new Promise<void>((resolve, reject) => {
      fdatasync(fd, (err) => {
        this.flushing--;
        if (this.closed && this.flushing === 0) this.closeWal();
        if (err === null) resolve();
        else reject(err);
      });
    });
    this.lastFlush = flush;
    return flush;
  }

  close(opts: { discardUnsynced?: boolean } = {}): void {
    if (this.closed) return;
    if (opts.discardUnsynced === true && this.db.inTransaction) this.db.exec('ROLLBACK');
    this.sync();
    this.closed = true;
    this.db.close();
    // A descriptor an fdatasync still uses is closed when that returns, never under it.
    if (this.flushing === 0) this.closeWal();
  }

  // ------------------------------------------------------------------------------------------

  private closeWal(): void {
    if (this.walFd < 0) return;
    closeSync(this.walFd);
    this.walFd = -1;
  }

  /** Writes go into one open transaction until `sync` commits it. */
  private begin(): void {
    if (!this.db.inTransaction) this.db.exec('BEGIN');
  }

  private writeSnapshot(snap: Snapshot): void {
    const { index, term, confState } = snap.metadata;
    this.sql.upsertSnapshot.run(index, term, confStateToText(confState), snap.data);
    this.snap = snap;
  }

  /** Term of an index known to be in [offset, last]. */
  private termOf(i: number): Term {
    if (i === this.offset) return this.offsetTerm;
    const cacheStart = this.cacheStart();
    if (i >= cacheStart) return (this.cache[i - cacheStart] as Entry).term;
    const row = this.sql.selectTerm.get(i);
    if (row === undefined) throw new Error(`durable storage: entry ${i} missing from the log`);
    return row.term as Term;
  }

  /** Reads [lo, hi) from the database, stopping where etcd's limitSize would cut. */
  private readEntries(lo: number, hi: number, maxSize: number): Entry[] {
    const out: Entry[] = [];
    let size = 0;
    for (const row of this.sql.selectRange.iterate(lo, hi)) {
      const e = entryFromRow(row);
      size += entrySize(e);
      if (out.length > 0 && size > maxSize) break;
      out.push(e);
    }
    if (out.length === 0 && lo < hi) {
      throw new Error(`durable storage: entries [${lo}, ${hi}) missing from the log`);
    }
    return out;
  }

  private cacheStart(): number {
    return this.last - this.cache.length + 1;
  }

  /** Drops cached entries at `index` and after. */
  private truncateCache(index: number): void {
    const keep = index - this.cacheStart();
    this.cache.length = Math.max(0, keep);
  }

  /** Keeps the cache within its bound; trims in halves so that appends stay O(1) amortised. */
  private trimCache(): void {
    if (this.cache.length > 2 * this.cacheEntriesMax) {
      this.cache.splice(0, this.cache.length - this.cacheEntriesMax);
    }
  }

  private fillCache(): void {
    const lo = Math.max(this.offset + 1, this.last - this.cacheEntriesMax + 1);
    this.cache = this.sql.selectRange.all(lo, this.last + 1).map(entryFromRow);
  }

  private create(bootstrap: DurableStorageOptions['bootstrap']): void {
    const index = bootstrap?.snapshot?.index ?? 0;
    const term = bootstrap?.snapshot?.term ?? 0;
    const confState = bootstrap?.confState ?? emptyConfState();
    const data = bootstrap?.snapshot?.data ?? EMPTY;
    // One transaction: a crash while creating leaves version 0, and the next open starts over.
    this.db.transaction(() => {
      this.db.exec(SCHEMA);
      this.db
        .prepare('INSERT INTO entries (idx, term, type, data) VALUES (?, ?, 0, ?)')
        .run(index, term, EMPTY);
      this.db
        .prepare('INSERT INTO hard_state (id, term, vote, commit_index) VALUES (1, 0, 0, 0)')
        .run();
      this.db
        .prepare('INSERT INTO snapshot (id, idx, term, conf_state, data) VALUES (1, ?, ?, ?, ?)')
        .run(index, term, confStateToText(confState), data);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  }

  private load(dir: string) {
    const bounds = this.sql.selectBounds.get();
    const hs = this.sql.selectHardState.get();
    const snap = this.sql.selectSnapshot.get();
    if (bounds?.lo == null || bounds.hi == null || hs === undefined || snap === undefined) {
      throw new Error(`durable storage in ${dir}: missing log, hard state or snapshot`);
    }
    if (bounds.n !== bounds.hi - bounds.lo + 1) {
      throw new Error(
        `durable storage in ${dir}: log has gaps between ${bounds.lo} and ${bounds.hi}`,
      );
    }
    const offsetRow = this.sql.selectTerm.get(bounds.lo);
    return {
      offset: bounds.lo,
      offsetTerm: (offsetRow?.term ?? 0) as Term,
      last: bounds.hi,
      hardState: {
        term: hs.term as Term,
        vote: hs.vote as NodeId,
        commit: hs.commit_index as LogIndex,
      },
      snap: {
        data: new Uint8Array(snap.data.buffer, snap.data.byteOffset, snap.data.byteLength),
        metadata: {
          index: snap.idx as LogIndex,
          term: snap.term as Term,
          confState: confStateFromText(snap.conf_state),
        },
      },
    };
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('durable storage: used after close');
  }
}

/** Makes the directory's entries (newly created files) durable. */
function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
