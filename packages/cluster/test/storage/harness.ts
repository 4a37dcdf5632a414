/**
 * Puts the core's MemoryStorage and the durable store behind one face, so that the same table
 * of cases and the same random operation sequences run against both.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ConfState,
  type Entry,
  type EntryType,
  emptyConfState,
  type LogIndex,
  MemoryStorage,
  type Term,
} from '@raftlens/raft';
import { createDurableStorage } from '../../src/storage/durable.ts';
import type { NodeStorage } from '../../src/storage/types.ts';

export interface Subject {
  /** The store under test; replaced by `reopen`. */
  s: NodeStorage;
  /** Durable stores: sync, close and open again from disk. Memory: nothing to do. */
  reopen(): void;
  dispose(): void;
}

const dirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'raftlens-storage-'));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export type Kind = 'memory' | 'durable' | 'durable, reopened';
export const KINDS: Kind[] = ['memory', 'durable', 'durable, reopened'];

/**
 * A store whose log starts after a snapshot at (index, term) = `at`, like etcd's storage tests
 * start from `ents[0] = {Index: 3, Term: 3}`.
 */
export function subject(
  kind: Kind,
  at = { index: 0, term: 0 },
  cs = emptyConfState(),
  synchronous: 'FULL' | 'NORMAL' = 'FULL',
): Subject {
  const snapshot = { index: at.index as LogIndex, term: at.term as Term };
  if (kind === 'memory') {
    const ms =
      at.index === 0 && cs.voters.length === 0
        ? new MemoryStorage()
        : MemoryStorage.bootstrap(cs, snapshot);
    // The core's store has no durability barrier: it is "on disk" at once.
    const s: NodeStorage = Object.assign(ms, { sync: () => {}, close: () => {} });
    return { s, reopen: () => {}, dispose: () => {} };
  }
  const dir = tempDir();
  const bootstrap =
    at.index === 0 && cs.voters.length === 0 ? undefined : { confState: cs, snapshot };
  const sub: Subject = {
    s: createDurableStorage(dir, { bootstrap, cacheEntriesMax: 2, synchronous }),
    reopen: () => {
      sub.s.close();
      sub.s = createDurableStorage(dir, { cacheEntriesMax: 2, synchronous });
    },
    dispose: () => sub.s.close(),
  };
  return sub;
}

/** An entry with an empty payload, as etcd's storage tests write them. */
export const ent = (index: number, term: number, data: Uint8Array = new Uint8Array(0)): Entry => ({
  index: index as LogIndex,
  term: term as Term,
  type: 'EntryNormal' as EntryType,
  data,
});

/** The whole stored log as etcd's tests see `ms.ents`: the dummy entry, then the entries. */
export function dumpLog(s: NodeStorage): [number, number][] {
  const offset = s.firstIndex() - 1;
  const out: [number, number][] = [[offset, s.term(offset as LogIndex) as number]];
  if (s.lastIndex() > offset) {
    const ents = s.entries(s.firstIndex(), (s.lastIndex() + 1) as LogIndex, Infinity);
    if (!Array.isArray(ents)) throw new Error(`entries failed: ${ents.code}`);
    for (const e of ents) out.push([e.index, e.term]);
  }
  return out;
}

export const confState = (voters: number[]): ConfState => ({
  ...emptyConfState(),
  voters: voters as ConfState['voters'],
});
