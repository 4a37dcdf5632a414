/**
 * Cluster options: the defaults, and the checks a request must pass before any node starts.
 */

import type { ConfState, NodeId } from '@raftlens/raft';
import {
  ClusterError,
  type ClusterOptions,
  type CoreOptions,
  INTEGRATION_FAULTS,
  type IntegrationFault,
} from './api.ts';
import type { RuntimeLogger } from './node/logger.ts';
import type { StorageFactory } from './storage/open.ts';

export const SIZE_MAX = 15;
export const GROUPS_MAX = 16;

export const defaultCoreOptions: CoreOptions = {
  electionTick: 10,
  heartbeatTick: 1,
  preVote: true,
  checkQuorum: true,
  readOnly: 'safe',
  maxSizePerMsg: 1024 * 1024,
  maxInflightMsgs: 256,
  maxUncommittedEntriesSize: 1024 * 1024,
};

/** Every option but the name, at its default. */
export const defaultClusterOptions: Omit<ClusterOptions, 'name'> = {
  size: 5,
  groups: 1,
  mode: 'live',
  seed: 1,
  storage: 'memory',
  tickMs: 100,
  core: defaultCoreOptions,
  faults: {},
};

/** Options beyond `ClusterOptions` that only a process-local caller can give. */
export interface ClusterDeps {
  /** A pino-compatible logger; lines are bound to the cluster, node and group. */
  logger?: RuntimeLogger;
  /** Overrides where storage comes from (tests). */
  storageFactory?: StorageFactory;
}

/** How a simulated cluster's virtual clock moves. */
export type SimulatedClock = 'paced' | 'manual';

export interface ClusterExtras {
  /**
   * Simulated mode only: 'paced' (default) runs virtual time along with the wall clock times
   * the speed; 'manual' runs it only when `advance` is called, for exact replays in tests.
   */
  clock?: SimulatedClock;
  /** Simulated mode only: one-way latency of every link, in model ms (default 1). */
  netLatencyMs?: number;
  /** Default deadline of client requests, in model ms. */
  requestTimeoutMs?: number;
  /** Interface live nodes listen on (default 127.0.0.1). */
  host?: string;
  /** Trace events kept in memory for `events()` and late subscribers (default 20,000). */
  retainedEvents?: number;
  /**
   * Live mode: the founding nodes that run in this process (default all). The others run in
   * other processes or on other hosts, with the same name, size, groups and secret.
   */
  localNodes?: number[];
  /** Live mode: where nodes of other processes listen, by id (`ws://host:port/raft`). */
  peers?: Record<number, string>;
  /** Live mode: the port each local node listens on, by id (default any free port). */
  listenPorts?: Record<number, number>;
}

/** What `createCluster` accepts: any option may be left out but the name; `core` in part. */
export type ClusterInput = Partial<Omit<ClusterOptions, 'core'>> & {
  name: string;
  core?: Partial<CoreOptions>;
};

const KNOWN_FAULTS: ReadonlySet<string> = new Set(INTEGRATION_FAULTS);

function invalid(message: string, detail: Record<string, unknown> = {}): never {
  throw new ClusterError('InvalidRequest', message, detail);
}

function checkInt(name: string, v: unknown, min: number, max: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    invalid(`${name} must be an integer within [${min}, ${max}]`, { field: name, value: v });
  }
}

/** Fills in defaults and validates; throws `InvalidRequest` naming the bad field. */
export function resolveClusterOptions(input: ClusterInput): ClusterOptions {
  const opts: ClusterOptions = {
    ...defaultClusterOptions,
    ...stripUndefined(input),
    name: input.name,
    core: { ...defaultCoreOptions, ...stripUndefined(input.core ?? {}) },
    faults: { ...(input.faults ?? {}) },
  };
  if (typeof opts.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(opts.name)) {
    invalid('name must be 1-64 letters, digits, dots, dashes or underscores', { field: 'name' });
  }
  checkInt('size', opts.size, 1, SIZE_MAX);
  checkInt('groups', opts.groups, 1, GROUPS_MAX);
  checkInt('seed', opts.seed, 0, 2 ** 32 - 1);
  if (opts.mode !== 'live' && opts.mode !== 'simulated') invalid('mode must be live or simulated');
  if (opts.storage !== 'memory' && opts.storage !== 'durable') {
    invalid('storage must be memory or durable');
  }
  if (typeof opts.tickMs !== 'number' || !(opts.tickMs >= 1) || opts.tickMs > 60_000) {
    invalid('tickMs must be within [1, 60000]', { field: 'tickMs' });
  }
  const core = opts.core;
  checkInt('core.heartbeatTick', core.heartbeatTick, 1, 1000);
  checkInt('core.electionTick', core.electionTick, 2, 10_000);
  if (core.electionTick <= core.heartbeatTick) {
    invalid('core.electionTick must be greater than core.heartbeatTick');
  }
  if (core.readOnly !== 'safe' && core.readOnly !== 'lease-based') {
    invalid('core.readOnly must be safe or lease-based');
  }
  if (core.readOnly === 'lease-based' && !core.checkQuorum) {
    invalid('lease-based reads need core.checkQuorum');
  }
  checkInt('core.maxInflightMsgs', core.maxInflightMsgs, 1, 1 << 20);
  checkInt('core.maxSizePerMsg', core.maxSizePerMsg, 0, 2 ** 31);
  checkInt('core.maxUncommittedEntriesSize', core.maxUncommittedEntriesSize, 0, 2 ** 40);
  for (const [key, faults] of Object.entries(opts.faults)) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 1 || id > opts.size) {
      invalid(`faults names node ${key}, which is not a founding node`, { field: 'faults' });
    }
    if (!Array.isArray(faults)) invalid(`faults of node ${key} must be a list`);
    for (const f of faults) {
      if (!KNOWN_FAULTS.has(f)) invalid(`unknown integration fault ${String(f)}`, { fault: f });
    }
  }
  return opts;
}

/** The faults of one node, as a set. */
export function faultsOf(opts: ClusterOptions, node: number): ReadonlySet<IntegrationFault> {
  return new Set(opts.faults[node] ?? []);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** Checks the extras against the options; throws `InvalidRequest`. */
export function checkExtras(opts: ClusterOptions, extras: ClusterExtras): void {
  const local = extras.localNodes;
  if (local === undefined) {
    if (extras.peers !== undefined && Object.keys(extras.peers).length > 0) {
      invalid('peers are for clusters whose nodes do not all run here (set localNodes)');
    }
    return;
  }
  if (opts.mode !== 'live') invalid('nodes in other processes need live mode');
  if (!Array.isArray(local) || local.length === 0) invalid('localNodes must name a node');
  for (const id of local) {
    if (!Number.isInteger(id) || id < 1 || id > opts.size) {
      invalid(`localNodes names node ${id}, which is not a founding node`, { node: id });
    }
  }
  for (const [key, address] of Object.entries(extras.peers ?? {})) {
    const id = Number(key);
    if (local.includes(id)) invalid(`node ${id} is both local and a peer`, { node: id });
    if (typeof address !== 'string' || !/^wss?:\/\//.test(address)) {
      invalid(`the address of peer ${key} must be a ws:// URL`, { node: id });
    }
  }
  for (const [key, port] of Object.entries(extras.listenPorts ?? {})) {
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      invalid(`listenPorts of node ${key} must be a port number`);
    }
  }
}

/** The configuration every founding member starts from: voters 1..size. */
export function foundingConfState(size: number): ConfState {
  return {
    voters: Array.from({ length: size }, (_, i) => (i + 1) as NodeId),
    learners: [],
    votersOutgoing: [],
    learnersNext: [],
    autoLeave: false,
  };
}

/**
 * The ConfState a founding node's storage starts from. Two integration faults change it: none
 * at all, or a voter list without the node itself.
 */
export function bootstrapConf(
  founding: ConfState,
  id: number,
  faults: ReadonlySet<IntegrationFault>,
): ConfState | null {
  if (faults.has('no-initial-conf')) return null;
  if (faults.has('voters-exclude-self')) {
    return { ...founding, voters: founding.voters.filter((v) => v !== id) };
  }
  return founding;
}
