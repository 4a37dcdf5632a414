/**
 * The cluster routes: list, create and delete clusters, and read one's snapshot.
 */

import type { Cluster } from '@raftlens/cluster';
import type { ClusterSnapshot } from '@raftlens/trace';
import { type Static, Type } from 'typebox';
import { ClusterDescription, toClusterOptions } from '../cluster-options.ts';
import { ClusterParams, ERROR_RESPONSES } from '../schemas/common.ts';
import { ClusterSnapshotSchema } from '../schemas/snapshot.ts';
import type { RoutePlugin } from './shared.ts';

const ClusterSummarySchema = Type.Object({
  name: Type.String(),
  mode: Type.Union([Type.Literal('live'), Type.Literal('simulated')]),
  seed: Type.Integer(),
  storage: Type.Union([Type.Literal('memory'), Type.Literal('durable')]),
  nodes: Type.Integer({ description: 'Nodes in the cluster now, crashed ones included.' }),
  groups: Type.Integer(),
  paused: Type.Boolean(),
  speed: Type.Number(),
  tickMs: Type.Number(),
  leader: Type.Integer({ description: "Group 1's leader with the highest term; 0 when none." }),
  term: Type.Integer({ description: 'The highest term any node of group 1 is at.' }),
  scenario: Type.Union([Type.Object({ id: Type.String(), title: Type.String() }), Type.Null()], {
    description: 'The guided scenario driving the cluster, if any.',
  }),
});
type ClusterSummary = Static<typeof ClusterSummarySchema>;

/** A cluster in a line: what the cluster list shows. */
export function summarize(
  cluster: Cluster,
  snapshot: ClusterSnapshot,
  scenario: { id: string; title: string } | null = null,
): ClusterSummary {
  let leader = 0;
  let leaderTerm = -1;
  let term = 0;
  for (const node of snapshot.nodes) {
    const group = node.groups.find((g) => g.group === 1);
    if (group === undefined || node.status !== 'running') continue;
    term = Math.max(term, group.term);
    if (group.role === 'StateLeader' && group.term > leaderTerm) {
      leader = node.id;
      leaderTerm = group.term;
    }
  }
  return {
    name: cluster.name,
    mode: cluster.options.mode,
    seed: cluster.options.seed,
    storage: cluster.options.storage,
    nodes: snapshot.nodes.length,
    groups: snapshot.groups.length,
    paused: snapshot.paused,
    speed: snapshot.speed,
    tickMs: snapshot.tickMs,
    leader,
    term,
    scenario,
  };
}

export const clusterRoutes: RoutePlugin = async (app) => {
  app.get(
    '/clusters',
    {
      schema: {
        tags: ['clusters'],
        summary: 'The clusters this server hosts',
        response: {
          200: Type.Object({ clusters: Type.Array(ClusterSummarySchema) }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async () => ({
      clusters: app.clusters
        .list()
        .map((cluster) =>
          summarize(cluster, cluster.snapshot(), app.clusters.scenarioOf(cluster.name)),
        ),
    }),
  );

  app.post(
    '/clusters',
    {
      schema: {
        tags: ['clusters'],
        summary: 'Start a new cluster',
        body: ClusterDescription,
        response: { 201: ClusterSummarySchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const options = toClusterOptions(request.body, app.clusterDefaults);
      const cluster = await app.clusters.create(options);
      return reply.code(201).send(summarize(cluster, cluster.snapshot()));
    },
  );

  app.get(
    '/clusters/:cluster',
    {
      schema: {
        tags: ['clusters'],
        summary: "The cluster's present state: every node, its log, the leader's progress",
        params: ClusterParams,
        response: { 200: ClusterSnapshotSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => app.clusters.get(request.params.cluster).snapshot(),
  );

  app.delete(
    '/clusters/:cluster',
    {
      schema: {
        tags: ['clusters'],
        summary: 'Stop a cluster and forget it (durable data stays on disk)',
        params: ClusterParams,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await app.clusters.delete(request.params.cluster);
      return reply.code(204).send(null);
    },
  );
};
