/**
 * The control routes for nodes and membership: crash and restart a node, add a voter or a
 * learner, remove a node, promote a learner, change several members at once through joint
 * consensus, make a node campaign, transfer leadership, compact a node's log. Routes that act
 * on one Raft group take `?group=N` (group 1 when absent).
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
import { ConfStateViewSchema } from '../schemas/snapshot.ts';
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

const MembershipBody = Type.Object(
  {
    changes: Type.Array(
      Type.Object(
        {
          type: Type.Union([
            Type.Literal('add-voter'),
            Type.Literal('add-learner'),
            Type.Literal('remove'),
          ]),
          node: NodeIdSchema,
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 16 },
    ),
    transition: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('implicit'), Type.Literal('explicit')], {
        description:
          'How joint consensus is used, as etcd ConfChangeTransition: auto (joint only for ' +
          'several changes, left automatically), implicit (always joint, left automatically), ' +
          'explicit (always joint, left by leave-joint).',
      }),
    ),
    group: Type.Optional(GroupIdSchema),
  },
  { additionalProperties: false },
);

const MembershipResultSchema = Type.Object({ confState: ConfStateViewSchema });

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
    '/clusters/:cluster/nodes/:node/campaign',
    {
      schema: {
        tags,
        summary: 'Make a node start an election now, as if its election timeout fired',
        params: NodeParams,
        querystring: GroupQuery,
        response: noContent,
      },
    },
    async (request, reply) => {
      const { node } = request.params;
      await cluster(request.params.cluster).campaign(node, request.query.group);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/clusters/:cluster/membership',
    {
      schema: {
        tags,
        summary: 'Propose a ConfChangeV2: several changes at once, through joint consensus',
        params: ClusterParams,
        body: MembershipBody,
        response: { 200: MembershipResultSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { changes, transition, group } = request.body;
      return cluster(request.params.cluster).changeMembership(changes, { transition, group });
    },
  );

  app.post(
    '/clusters/:cluster/membership/leave-joint',
    {
      schema: {
        tags,
        summary: 'Leave the joint configuration (the empty ConfChangeV2)',
        params: ClusterParams,
        querystring: GroupQuery,
        response: { 200: MembershipResultSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => cluster(request.params.cluster).leaveJoint(request.query.group),
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
