/**
 * Where a node's storage comes from: memory ("persisted memory" that outlives a crash of the
 * node) or durable files, one store per group replica under the cluster's data folder.
 */

import { existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfState } from '@raftlens/raft';
import { createDurableStorage, DB_FILE } from './durable.ts';
import { createMemoryStorage } from './memory.ts';
import type { NodeStorage } from './types.ts';

export interface StorageFactory {
  /** A fresh store for a new replica, bootstrapped with `confState` unless it is null. */
  create(node: number, group: number, confState: ConfState | null): NodeStorage;
  /** The store a restart reads, after a crash closed `old`. */
  reopen(node: number, group: number, old: NodeStorage): NodeStorage;
}

export const memoryStorageFactory: StorageFactory = {
  create: (_node, _group, confState) => createMemoryStorage(confState),
  reopen: (_node, _group, old) => old,
};

/** The folder of one replica's durable store. */
export function replicaDir(dataDir: string, cluster: string, node: number, group: number): string {
  return join(dataDir, cluster, `node-${node}`, `group-${group}`);
}

/** Where durable stores live, and whether existing ones are kept. */
export interface DurableStorageSetup {
  /** The cluster's name: the folder under `dataDir` its nodes' stores go in. */
  name: string;
  /** Default: a `raftlens` folder in the system's temporary directory. */
  dataDir?: string;
  /**
   * Open the store a replica's folder already holds, as a node process restarted after a crash
   * or a stop must, instead of wiping it. A replica without one starts fresh either way.
   */
  reuseExisting?: boolean;
}

/** True if `dataDir` holds a durable store of node `node` of `cluster` (any group). */
export function hasDurableStore(dataDir: string, cluster: string, node: number): boolean {
  const dir = join(dataDir, cluster, `node-${node}`);
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((g) => existsSync(join(dir, g, DB_FILE)));
}

/**
 * Durable storage: one SQLite store per replica under `dataDir`. A crash closes the store; a
 * restart opens the files again and reads back exactly what was synced. Unless
 * `reuseExisting`, a new replica's folder is wiped first: leftovers of an earlier cluster of
 * the same name go.
 */
export function durableStorageFactory(setup: DurableStorageSetup): StorageFactory {
  const dataDir = setup.dataDir ?? join(tmpdir(), 'raftlens');
  const dir = (node: number, group: number) => replicaDir(dataDir, setup.name, node, group);
  return {
    create: (node, group, confState) => {
      const d = dir(node, group);
      if (setup.reuseExisting !== true) rmSync(d, { recursive: true, force: true });
      // An existing store is opened as it is: the bootstrap applies to a new one only.
      return createDurableStorage(d, confState === null ? {} : { bootstrap: { confState } });
    },
    reopen: (node, group) => createDurableStorage(dir(node, group)),
  };
}
