/**
 * The description of a cluster that a client posts, and how it becomes the runtime's
 * `ClusterOptions`: what a client may choose (size, mode, core options, faults), what the server
 * decides (where durable data lives, the node-to-node secret) and the defaults in between.
 */

import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import {
  type ClusterOptions,
  type CoreOptions,
  defaultCoreOptions,
  INTEGRATION_FAULTS,
  type IntegrationFault,
} from '@raftlens/cluster';
import { type Static, Type } from 'typebox';
import { ApiError } from './errors.ts';
import { ClusterName } from './schemas/common.ts';

/** The largest cluster a client may ask for; the runtime's own bound. */
export const CLUSTER_SIZE_MAX = 15;

const CoreOptionsSchema = Type.Object(
  {
    preVote: Type.Optional(Type.Boolean()),
    checkQuorum: Type.Optional(Type.Boolean()),
    electionTick: Type.Optional(Type.Integer({ minimum: 2, maximum: 1000 })),
    heartbeatTick: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    readOnly: Type.Optional(Type.Union([Type.Literal('safe'), Type.Literal('lease-based')])),
    maxSizePerMsg: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 * 1024 * 1024 })),
    maxInflightMsgs: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096 })),
    maxUncommittedEntriesSize: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

const FaultSchema = Type.Union(
  INTEGRATION_FAULTS.map((fault: IntegrationFault) => Type.Literal(fault)),
);

/** The body of `POST /api/clusters`. */
export const ClusterDescription = Type.Object(
  {
    name: ClusterName,
    size: Type.Optional(Type.Integer({ minimum: 1, maximum: CLUSTER_SIZE_MAX })),
    groups: Type.Optional(Type.Integer({ minimum: 1, maximum: 16 })),
    mode: Type.Optional(Type.Union([Type.Literal('live'), Type.Literal('simulated')])),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1 })),
    storage: Type.Optional(Type.Union([Type.Literal('memory'), Type.Literal('durable')])),
    tickMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    core: Type.Optional(CoreOptionsSchema),
    faults: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[1-9][0-9]{0,5}$' }),
        Type.Array(FaultSchema, { uniqueItems: true }),
        {
          additionalProperties: false,
          description: 'Integration faults by node id, e.g. `{"2": ["never-advance"]}`.',
        },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ClusterDescription = Static<typeof ClusterDescription>;

/**
 * The runtime's core defaults: etcd's production settings (PreVote and CheckQuorum on,
 * electionTick 10, heartbeatTick 1).
 */
export const DEFAULT_CORE_OPTIONS: CoreOptions = { ...defaultCoreOptions };

/** What the server fills in when a description leaves it out. */
export interface ClusterDefaults {
  size: number;
  groups: number;
  mode: 'live' | 'simulated';
  storage: 'memory' | 'durable';
  tickMs: number;
  core: CoreOptions;
  /** Durable clusters keep their data in `dataDir/<cluster name>`. */
  dataDir: string;
}

export const DEFAULT_CLUSTER_DEFAULTS: ClusterDefaults = {
  size: 5,
  groups: 1,
  mode: 'live',
  storage: 'memory',
  tickMs: 100,
  core: DEFAULT_CORE_OPTIONS,
  dataDir: '.raftlens/data',
};

/**
 * Turns a validated description into the runtime's options. Throws `InvalidRequest` for what a
 * schema cannot say: a heartbeat not shorter than the election timeout, faults on nodes that do
 * not exist.
 */
export function toClusterOptions(
  description: ClusterDescription,
  defaults: ClusterDefaults,
): ClusterOptions {
  const size = description.size ?? defaults.size;
  const core: CoreOptions = { ...defaults.core, ...description.core };
  if (core.heartbeatTick >= core.electionTick) {
    throw new ApiError(
      'InvalidRequest',
      `heartbeatTick (${core.heartbeatTick}) must be less than electionTick (${core.electionTick})`,
    );
  }
  const storage = description.storage ?? defaults.storage;
  const options: ClusterOptions = {
    name: description.name,
    size,
    groups: description.groups ?? defaults.groups,
    mode: description.mode ?? defaults.mode,
    seed: description.seed ?? randomInt(2 ** 31),
    storage,
    tickMs: description.tickMs ?? defaults.tickMs,
    core,
    faults: toFaults(description.faults ?? {}, size),
    secret: randomBytes(16).toString('hex'),
  };
  if (storage === 'durable') options.dataDir = join(defaults.dataDir, description.name);
  return options;
}

function toFaults(
  byNode: Record<string, IntegrationFault[]>,
  size: number,
): Record<number, IntegrationFault[]> {
  const faults: Record<number, IntegrationFault[]> = {};
  for (const [key, list] of Object.entries(byNode)) {
    const node = Number(key);
    if (node > size) {
      throw new ApiError('UnknownNode', `faults name node ${node}, but the cluster has ${size}`, {
        node,
      });
    }
    if (list.length > 0) faults[node] = [...list];
  }
  return faults;
}
