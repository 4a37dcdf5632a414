/**
 * In-memory node storage, modelled as "persisted memory": what a Ready asked to persist is kept
 * across a crash of the node (the storage object outlives the node's RawNode), while the
 * unstable tail that lived only in the RawNode is lost with it. That is the contract durable
 * storage keeps, without the disk.
 */

import {
  type ConfState,
  type Entry,
  type HardState,
  type LogIndex,
  MemoryStorage,
  type Snapshot,
} from '@raftlens/raft';
import type { NodeStorage } from './types.ts';

/**
 * A `NodeStorage` over the core's `MemoryStorage`. `sync` is a no-op: a write is "on disk" the
 * moment it is made. Pass a ConfState to bootstrap it as a founding member (raft-rs style);
 * without one the node starts with no configuration.
 */
export function createMemoryStorage(confState: ConfState | null): NodeStorage {
  return new MemoryNodeStorage(
    confState === null ? new MemoryStorage() : MemoryStorage.bootstrap(confState),
  );
}

class MemoryNodeStorage implements NodeStorage {
  constructor(private readonly ms: MemoryStorage) {}

  initialState() {
    return this.ms.initialState();
  }

  entries(lo: LogIndex, hi: LogIndex, maxSize: number) {
    return this.ms.entries(lo, hi, maxSize);
  }

  term(i: LogIndex) {
    return this.ms.term(i);
  }

  lastIndex() {
    return this.ms.lastIndex();
  }

  firstIndex() {
    return this.ms.firstIndex();
  }

  snapshot() {
    return this.ms.snapshot();
  }

  append(entries: readonly Entry[]) {
    return this.ms.append(entries);
  }

  setHardState(hs: HardState) {
    return this.ms.setHardState(hs);
  }

  applySnapshot(snap: Snapshot) {
    return this.ms.applySnapshot(snap);
  }

  createSnapshot(index: LogIndex, cs: ConfState | null, data: Uint8Array) {
    return this.ms.createSnapshot(index, cs, data);
  }

  compact(index: LogIndex) {
    return this.ms.compact(index);
  }

  sync(): void {}

  /** Nothing to release: a crashed node's runtime reopens the same object on restart. */
  close(): void {}
}
