/**
 * `createCluster`: options in, a started cluster out.
 */

import type { ClusterOptions } from './api.ts';
import { RaftCluster } from './cluster.ts';
import {
  type ClusterDeps,
  type ClusterExtras,
  type ClusterInput,
  resolveClusterOptions,
} from './options.ts';
import {
  durableStorageFactory,
  memoryStorageFactory,
  type StorageFactory,
} from './storage/open.ts';

export type CreateClusterInput = ClusterInput & ClusterExtras & ClusterDeps;

/**
 * Creates and starts a cluster. Every option but the name has a default (5 nodes, 1 group,
 * live mode over WebSockets on 127.0.0.1, memory storage, 100 ms ticks, electionTick 10,
 * heartbeatTick 1, PreVote and CheckQuorum on). Rejects with `InvalidRequest` for bad options.
 */
export async function createCluster(input: CreateClusterInput): Promise<RaftCluster> {
  const {
    logger,
    storageFactory,
    clock,
    netLatencyMs,
    requestTimeoutMs,
    host,
    retainedEvents,
    ...rest
  } = input;
  const options = resolveClusterOptions(rest);
  const factory = storageFactory ?? defaultStorageFactory(options);
  const extras: ClusterExtras = {};
  if (clock !== undefined) extras.clock = clock;
  if (netLatencyMs !== undefined) extras.netLatencyMs = netLatencyMs;
  if (requestTimeoutMs !== undefined) extras.requestTimeoutMs = requestTimeoutMs;
  if (host !== undefined) extras.host = host;
  if (retainedEvents !== undefined) extras.retainedEvents = retainedEvents;
  const deps: ClusterDeps = {};
  if (logger !== undefined) deps.logger = logger;
  const cluster = new RaftCluster(options, extras, deps, factory);
  try {
    await cluster.start();
  } catch (err) {
    await cluster.close();
    throw err;
  }
  return cluster;
}

function defaultStorageFactory(options: ClusterOptions): StorageFactory {
  return options.storage === 'memory' ? memoryStorageFactory : durableStorageFactory(options);
}
