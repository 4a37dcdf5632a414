/**
 * Where a node's storage comes from: memory ("persisted memory" that outlives a crash of the
 * node) or durable files, one store per group replica under the cluster's data folder.
 */

import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfState } from '@raftlens/raft';
import type { ClusterOptions } from '../api.ts';
import { createDurableStorage } from './durable.ts';
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

/**
 * Durable storage: one SQLite store per replica under `dataDir` (default: a `raftlens` folder
 * in the system's temporary directory). A crash closes the store; a restart opens the files
 * again and reads back exactly what was synced.
 */
export function durableStorageFactory(options: ClusterOptions): StorageFactory {
  const dataDir = options.dataDir ?? join(tmpdir(), 'raftlens');
  const dir = (node: number, group: number) => replicaDir(dataDir, options.name, node, group);
  return {
    create: (node, group, confState) => {
      const d = dir(node, group);
      // A new replica starts empty: leftovers of an earlier cluster of the same name go.
      rmSync(d, { recursive: true, force: true });
      return createDurableStorage(d, confState === null ? {} : { bootstrap: { confState } });
    },
    reopen: (node, group) => createDurableStorage(dir(node, group)),
  };
}
