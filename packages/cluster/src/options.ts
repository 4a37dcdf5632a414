/**
 * Cluster options: the defaults, and the checks a request must pass before any node starts.
 */

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
