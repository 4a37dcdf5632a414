/**
 * The federation routes: how node processes (`raftlens node --dashboard URL`) join this
 * dashboard. The first node of a cluster to register creates it here as a `FederatedCluster`;
 * the others join it; from then on it is watched and controlled like any other cluster.
 */

import { Type } from 'typebox';
import { toClusterOptions } from '../cluster-options.ts';
import { ApiError } from '../errors.ts';
import { FederatedCluster } from '../federation/federated-cluster.ts';
import { ClusterName, ClusterParams, ERROR_RESPONSES, NodeParams } from '../schemas/common.ts';
import type { RoutePlugin } from './shared.ts';

const JoinBody = Type.Object(
  {
    node: Type.Integer({ minimum: 1, maximum: 15 }),
    url: Type.String({
      pattern: '^https?://',
      maxLength: 512,
      description: "The node process's HTTP address, as this server can reach it.",
    }),
    token: Type.Optional(Type.String({ maxLength: 256 })),
    size: Type.Integer({ minimum: 1, maximum: 15, description: 'Founding voters.' }),
    groups: Type.Optional(Type.Integer({ minimum: 1, maximum: 16 })),
    storage: Type.Optional(Type.Union([Type.Literal('memory'), Type.Literal('durable')])),
    tickMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  },
  { additionalProperties: false },
);

const MembersSchema = Type.Object({
  cluster: ClusterName,
  members: Type.Array(
    Type.Object({ node: Type.Integer(), url: Type.String(), connected: Type.Boolean() }),
  ),
});

export const federationRoutes: RoutePlugin = async (app) => {
  const tags = ['federation'];

  const federated = (name: string): FederatedCluster => {
    const cluster = app.clusters.get(name);
    if (!(cluster instanceof FederatedCluster)) {
      throw new ApiError('NotFederated', `cluster '${name}' runs inside this server`, {
        cluster: name,
      });
    }
    return cluster;
  };

  app.post(
    '/clusters/:cluster/members',
    {
      schema: {
        tags,
        summary: 'A node process joins the dashboard (creating its cluster here if first)',
        params: ClusterParams,
        body: JoinBody,
        response: { 201: MembersSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const name = request.params.cluster;
      const { node, url, token, size, groups, storage, tickMs } = request.body;
      if (!app.clusters.has(name)) {
        const options = toClusterOptions(
          { name, size, groups, storage, tickMs, mode: 'live' },
          app.clusterDefaults,
        );
        try {
          await app.clusters.create(options, (opts, log) => new FederatedCluster(opts, log));
        } catch (err) {
          // Another node of the same cluster registered at the same moment and creates it.
          if (!(err instanceof ApiError && err.code === 'ClusterExists')) throw err;
          for (let i = 0; i < 100 && !app.clusters.has(name); i++) {
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        }
      }
      const cluster = federated(name);
      if (cluster.options.size !== size) {
        throw new ApiError(
          'InvalidRequest',
          `cluster '${name}' has ${cluster.options.size} founding nodes; node ${node} says ${size}`,
        );
      }
      await cluster.addMember({ node, url: url.replace(/\/+$/, ''), token });
      request.log.info({ cluster: name, node, url }, 'node process joined');
      return reply.code(201).send({ cluster: name, members: cluster.memberList() });
    },
  );

  app.get(
    '/clusters/:cluster/members',
    {
      schema: {
        tags,
        summary: 'The node processes of a multi-process cluster',
        params: ClusterParams,
        response: { 200: MembersSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const name = request.params.cluster;
      return { cluster: name, members: federated(name).memberList() };
    },
  );

  app.delete(
    '/clusters/:cluster/members/:node',
    {
      schema: {
        tags,
        summary: 'A node process leaves the dashboard (the node itself keeps running)',
        params: NodeParams,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      federated(request.params.cluster).removeMember(request.params.node);
      return reply.code(204).send(null);
    },
  );
};
