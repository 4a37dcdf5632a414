/**
 * The control routes for nodes and membership: crash and restart a node, add a voter or a
 * learner, remove a node, promote a learner, transfer leadership, compact a node's log. Routes
 * that act on one Raft group take `?group=N` (group 1 when absent).
 */

import { Type } from 'typebox';
import {
  ClusterParams,
  ERROR_RESPONSES,
  GroupIdSchema,
  GroupQuery,
  NodeIdSchema,
  NodeParams,
} from '../schemas/common.ts';
import type { RoutePlugin } from './shared.ts';

const AddNodeBody = Type.Object(
  {
    learner: Type.Optional(
      Type.Boolean({ description: 'Join as a learner (no vote) instead of a voter.' }),
    ),
    group: Type.Optional(GroupIdSchema),
  },
  { additionalProperties: false },
);

const TransferBody = Type.Object(
  { to: NodeIdSchema, group: Type.Optional(GroupIdSchema) },
  { additionalProperties: false },
);

export const nodeRoutes: RoutePlugin = async (app) => {
  const tags = ['nodes'];
  const cluster = (name: string) => app.clusters.get(name);
  const noContent = { 204: Type.Null(), ...ERROR_RESPONSES };

  app.post(
    '/clusters/:cluster/nodes/:node/crash',
    {
      schema: {
        tags,
        summary: 'Crash a node: it stops at once and keeps only what it persisted',
        params: NodeParams,
        response: noContent,
      },
    },
    async (request, reply) => {
      await cluster(request.params.cluster).crash(request.params.node);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/clusters/:cluster/nodes/:node/restart',
    {
      schema: {
        tags,
        summary: 'Restart a crashed node from its persisted state',
        params: NodeParams,
        response: noContent,
      },
    },
    async (request, reply) => {
      await cluster(request.params.cluster).restart(request.params.node);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/clusters/:cluster/nodes',
    {
      schema: {
        tags,
        summary: 'Add a node, as a voter or a learner, through a configuration change',
        params: ClusterParams,
        body: AddNodeBody,
        response: { 201: Type.Object({ node: Type.Integer() }), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const node = await cluster(request.params.cluster).addNode({
        learner: request.body.learner ?? false,
        group: request.body.group,
      });
      return reply.code(201).send({ node });
    },
  );

  app.delete(
    '/clusters/:cluster/nodes/:node',
    {
      schema: {
        tags,
        summary: 'Remove a node from a group through a configuration change',
        params: NodeParams,
        querystring: GroupQuery,
        response: noContent,
      },
    },
    async (request, reply) => {
      const { node } = request.params;
      await cluster(request.params.cluster).removeNode(node, request.query.group);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/clusters/:cluster/nodes/:node/promote',
    {
      schema: {
        tags,
        summary: 'Promote a learner to a voter',
        params: NodeParams,
        querystring: GroupQuery,
        response: noContent,
      },
    },
    async (request, reply) => {
      const { node } = request.params;
      await cluster(request.params.cluster).promoteLearner(node, request.query.group);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/clusters/:cluster/transfer-leader',
    {
      schema: {
        tags,
        summary: 'Ask the leader to hand leadership to another voter',
        params: ClusterParams,
        body: TransferBody,
        response: noContent,
      },
    },
    async (request, reply) => {
      const { to, group } = request.body;
      await cluster(request.params.cluster).transferLeader(to, group);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/clusters/:cluster/nodes/:node/compact',
    {
      schema: {
        tags,
        summary: "Compact a node's log up to its applied index",
        params: NodeParams,
        querystring: GroupQuery,
        response: {
          200: Type.Object({
            node: Type.Integer(),
            group: Type.Integer(),
            index: Type.Integer({ description: 'The log now starts after this index.' }),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const { node } = request.params;
      const group = request.query.group ?? 1;
      const index = await cluster(request.params.cluster).compact(node, group);
      return { node, group, index };
    },
  );
};
