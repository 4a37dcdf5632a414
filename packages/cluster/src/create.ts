/**
 * `createCluster`: options in, a started cluster out.
 */

import { ActionLog } from './action-log.ts';
import type { ClusterOptions } from './api.ts';
import { RaftCluster } from './cluster.ts';
import {
  type ClusterDeps,
  type ClusterExtras,
  type ClusterInput,
  checkExtras,
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
    localNodes,
    peers,
    listenPorts,
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
  if (localNodes !== undefined) extras.localNodes = localNodes;
  if (peers !== undefined) extras.peers = peers;
  if (listenPorts !== undefined) extras.listenPorts = listenPorts;
  checkExtras(options, extras);
  const deps: ClusterDeps = {};
  if (logger !== undefined) deps.logger = logger;
  const cluster = new RaftCluster(options, extras, deps, factory);
  // A simulated run keeps the inputs it receives, so that it can be forked (fork.ts).
  const actions =
    options.mode === 'simulated'
      ? ActionLog.attach(cluster, {
          extras: { ...extras },
          ...(storageFactory !== undefined ? { storageFactory } : {}),
        })
      : null;
  try {
    await cluster.start();
  } catch (err) {
    await cluster.close();
    throw err;
  }
  actions?.arm();
  return cluster;
}

function defaultStorageFactory(options: ClusterOptions): StorageFactory {
  return options.storage === 'memory' ? memoryStorageFactory : durableStorageFactory(options);
}

/** What `startNode` needs: the cluster it belongs to and where everyone else listens. */
export interface StartNodeInput extends Omit<CreateClusterInput, 'localNodes' | 'listenPorts'> {
  /** This node's id, a founding member (1..size). */
  id: number;
  /** The port this node listens on (default any free port). */
  port?: number;
  /** The shared secret every node of the cluster uses. */
  secret: string;
}

/**
 * Starts one founding node of a cluster whose other nodes run in other processes or on other
 * hosts, all started with the same name, size, groups, core options and secret. The result is a
 * `Cluster` that holds this node only: its snapshot shows it, its trace is this node's, its
 * link rules govern what this node sends.
 */
export function startNode(input: StartNodeInput): Promise<RaftCluster> {
  const { id, port, ...rest } = input;
  const cluster: CreateClusterInput = { ...rest, mode: 'live', localNodes: [id] };
  if (port !== undefined) cluster.listenPorts = { [id]: port };
  return createCluster(cluster);
}
