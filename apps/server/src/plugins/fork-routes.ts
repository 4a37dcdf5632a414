/**
 * Acting in the past: `POST /api/clusters/{c}/fork` starts a new simulated cluster that replays
 * the run of `c` (same options, same seed, every input at the point it was applied) and stops,
 * paused, once it has reached event `atSeq`. Its trace equals the original's up to there; from
 * there on it is a cluster like any other, hosted beside the original.
 *
 * Only a simulated run can be replayed: a live one ran on wall-clock timers and real sockets,
 * so nothing determines what it would do again, and the route says so (`CannotForkLive`).
 * What a live run can do instead is `POST /api/clusters/{c}/simulate-from`: a simulated
 * cluster started from every node's store as it is now.
 */

import { join } from 'node:path';
import {
  type Cluster,
  ForkError,
  forkCluster,
  RaftCluster,
  SimulateFromError,
  simulateFrom,
} from '@raftlens/cluster';
import { Type } from 'typebox';
import { ApiError } from '../errors.ts';
import { CLUSTER_NAME_PATTERN, ClusterParams, ERROR_RESPONSES } from '../schemas/common.ts';
import type { RoutePlugin } from './shared.ts';

const ForkBody = Type.Object(
  {
    atSeq: Type.Integer({
      minimum: 1,
      description: 'The last event of the original the fork replays (its `seq`).',
    }),
    name: Type.Optional(
      Type.String({ pattern: CLUSTER_NAME_PATTERN, description: 'Default `<cluster>-fork-<k>`.' }),
    ),
  },
  { additionalProperties: false },
);

const ForkAnswer = Type.Object({
  cluster: Type.String({ description: 'The new cluster.' }),
  atSeq: Type.Integer({ description: 'The event asked for.' }),
  seq: Type.Integer({
    description:
      'The last event the fork shares with the original: `atSeq`, or a later event of the ' +
      'same simulation step (a step runs whole). The fork is paused after it.',
  }),
});

/** Longest cluster name the API accepts (see CLUSTER_NAME_PATTERN). */
const NAME_MAX = 63;

/** `<source>-<kind>-<k>` with the smallest k not taken, cut to fit the name pattern. */
function defaultName(source: string, kind: string, taken: (name: string) => boolean): string {
  for (let k = 1; ; k++) {
    const suffix = `-${kind}-${k}`;
    const name = `${source.slice(0, NAME_MAX - suffix.length)}${suffix}`;
    if (!taken(name)) return name;
  }
}

/** The cluster to fork, refused with a code when it cannot be. */
function forkable(cluster: Cluster, atSeq: number): RaftCluster {
  if (cluster.options.mode !== 'simulated') {
    throw new ApiError(
      'CannotForkLive',
      `cluster ${cluster.name} is live: a live run cannot be replayed exactly, since no seed ` +
        'determines what its nodes did; instead, POST .../simulate-from starts a simulated ' +
        "cluster from the nodes' state (their logs, terms and configuration) as it is now",
      { cluster: cluster.name },
    );
  }
  if (!(cluster instanceof RaftCluster)) {
    throw new ApiError('NotForkable', `cluster ${cluster.name} keeps no log of its inputs`);
  }
  const lastSeq = cluster.recorder.lastSeq();
  if (atSeq > lastSeq) {
    throw new ApiError('SeqOutOfRange', `atSeq ${atSeq} is beyond the run's last event`, {
      atSeq,
      lastSeq,
    });
  }
  return cluster;
}

function toApiError(err: unknown): unknown {
  return err instanceof ForkError || err instanceof SimulateFromError
    ? new ApiError(err.code, err.message, err.detail)
    : err;
}

const SimulateFromBody = Type.Object(
  {
    atSeq: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          'The event to start from; only the present (the last event) is possible, since the ' +
          'trace does not record log entries’ data. Default the present.',
      }),
    ),
    name: Type.Optional(
      Type.String({ pattern: CLUSTER_NAME_PATTERN, description: 'Default `<cluster>-sim-<k>`.' }),
    ),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1 })),
  },
  { additionalProperties: false },
);

const SimulateFromAnswer = Type.Object({
  cluster: Type.String({ description: 'The new simulated cluster, paused.' }),
  atSeq: Type.Integer({ description: "The source's last event when its stores were read." }),
});

export const forkRoutes: RoutePlugin = async (app) => {
  app.post(
    '/clusters/:cluster/fork',
    {
      schema: {
        tags: ['clusters'],
        summary: 'Fork a simulated run at an event: a new cluster paused there, free to change',
        description:
          'Starts a simulated cluster with the same options and seed in which every input the ' +
          'original received (controls, faults, membership changes, client requests) is applied ' +
          'again at the point of the run it was applied at, and pauses it once it has reached ' +
          'event `atSeq`: its trace equals the original’s, event for event, up to there. ' +
          '409 `CannotForkLive` on a live cluster; 409 `SeqOutOfRange` beyond the last event.',
        params: ClusterParams,
        body: ForkBody,
        response: { 201: ForkAnswer, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { atSeq } = request.body;
      const source = forkable(app.clusters.get(request.params.cluster), atSeq);
      const name =
        request.body.name ?? defaultName(source.name, 'fork', (n) => app.clusters.has(n));
      const options = { ...source.options, name };
      if (options.storage === 'durable') options.dataDir = join(app.clusterDefaults.dataDir, name);
      let seq = atSeq;
      try {
        await app.clusters.create(options, async (_options, log) => {
          const fork = await forkCluster(source, {
            name,
            atSeq,
            clock: 'paced',
            logger: log,
            ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
          });
          seq = fork.seq;
          return fork.cluster;
        });
      } catch (err) {
        throw toApiError(err);
      }
      return reply.code(201).send({ cluster: name, atSeq, seq });
    },
  );

  app.post(
    '/clusters/:cluster/simulate-from',
    {
      schema: {
        tags: ['clusters'],
        summary: "Start a simulated cluster from every node's state now (a live run included)",
        description:
          'Copies every node’s store (hard state, log entries with their terms and data, ' +
          'snapshot, configuration) at one cut, the present, into a new simulated cluster, ' +
          'paused, with the same options and network rules; its nodes start as restarting ' +
          'nodes do. 409 `StateNotRecorded` for a past `atSeq`: the trace does not record ' +
          'entries’ data. 409 `SimulateFromUnsupported` when a node is down, was added, or ' +
          'runs in another process.',
        params: ClusterParams,
        body: SimulateFromBody,
        response: { 201: SimulateFromAnswer, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const source = app.clusters.get(request.params.cluster);
      if (!(source instanceof RaftCluster)) {
        throw new ApiError(
          'SimulateFromUnsupported',
          `the stores of cluster ${source.name} are not in this process`,
        );
      }
      const { atSeq, seed } = request.body;
      const name = request.body.name ?? defaultName(source.name, 'sim', (n) => app.clusters.has(n));
      const options = { ...source.options, name, mode: 'simulated' as const };
      let cut = 0;
      try {
        await app.clusters.create(options, async (_options, log) => {
          const started = await simulateFrom(source, {
            name,
            logger: log,
            ...(atSeq !== undefined ? { atSeq } : {}),
            ...(seed !== undefined ? { seed } : {}),
          });
          cut = started.atSeq;
          return started.cluster;
        });
      } catch (err) {
        throw toApiError(err);
      }
      return reply.code(201).send({ cluster: name, atSeq: cut });
    },
  );
};
