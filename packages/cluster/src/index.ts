/**
 * `@raftlens/cluster`: the node runtime that turns the Raft core into running clusters.
 *
 * `createCluster({ name })` starts five nodes on 127.0.0.1 with real WebSocket links; pass
 * `mode: 'simulated'` for virtual time and an in-process network that replays from its seed.
 */

export {
  type ActionLog,
  type ActionLogEntry,
  actionLogOf,
  REPLAYED_METHODS,
  type RunPoint,
} from './action-log.ts';
export * from './api.ts';
export { RaftCluster } from './cluster.ts';
export {
  type CreateClusterInput,
  createCluster,
  type StartNodeInput,
  startNode,
} from './create.ts';
export {
  CANNOT_FORK_LIVE_MESSAGE,
  type Fork,
  ForkError,
  type ForkErrorCode,
  type ForkInput,
  forkCluster,
} from './fork.ts';
export { decodeCommand, encodeCommand, type KvCommand } from './kv/command.ts';
export { type RuntimeLogger, silentLogger } from './node/logger.ts';
export {
  type ClusterDeps,
  type ClusterExtras,
  type ClusterInput,
  defaultClusterOptions,
  defaultCoreOptions,
  type SimulatedClock,
} from './options.ts';
export * from './recording/index.ts';
export { KEY_BYTES_MAX, VALUE_BYTES_MAX } from './requests.ts';
export {
  type SimulatedStart,
  SimulateFromError,
  type SimulateFromErrorCode,
  type SimulateFromInput,
  simulateFrom,
} from './simulate-from.ts';
export {
  type DurableStorageSetup,
  durableStorageFactory,
  hasDurableStore,
  type StorageFactory,
} from './storage/open.ts';
