/**
 * The control routes for time and the network: pause, resume, step and speed; link rules,
 * partitions and held messages. Each one calls the cluster and answers with what changed; the
 * cluster's own `ClusterError`s (an unknown node, an invalid rule, stepping while running) pass
 * through with their codes.
 *
 * Every call is awaited, even those the `Cluster` interface declares as returning nothing: a
 * cluster whose nodes run in other processes (federation/) carries them out asynchronously, and
 * its failures must reach the client rather than go unhandled.
 */

import { Type } from 'typebox';
import { ClusterParams, ERROR_RESPONSES, NodeIdSchema } from '../schemas/common.ts';
import { HeldMessageViewSchema, LinkRuleSchema, LinkRuleViewSchema } from '../schemas/snapshot.ts';
import type { RoutePlugin } from './shared.ts';

const LinkParams = Type.Object({
  cluster: ClusterParams.properties.cluster,
  from: NodeIdSchema,
  to: NodeIdSchema,
});

const HeldParams = Type.Object({
  cluster: ClusterParams.properties.cluster,
  msgId: Type.String({ minLength: 1, maxLength: 128 }),
});

const PausedSchema = Type.Object({ paused: Type.Boolean() });

const StepBody = Type.Object(
  {
    what: Type.Union([Type.Literal('message'), Type.Literal('tick')], {
      description: 'Deliver the next pending message, or advance every node one tick.',
    }),
  },
  { additionalProperties: false },
);

const SpeedBody = Type.Object(
  {
    factor: Type.Number({
      exclusiveMinimum: 0,
      maximum: 100,
      description: '1 is real time; 0.1 is ten times slower.',
    }),
  },
  { additionalProperties: false },
);

const PartitionBody = Type.Object(
  {
    groups: Type.Array(Type.Array(NodeIdSchema, { minItems: 1, maxItems: 64 }), {
      minItems: 1,
      maxItems: 64,
      description: 'Sides of the partition, e.g. [[1,2],[3,4,5]]: nodes talk only within a side.',
    }),
  },
  { additionalProperties: false },
);

const PartitionsSchema = Type.Object({ partitions: Type.Array(Type.Array(Type.Integer())) });

export const controlRoutes: RoutePlugin = async (app) => {
  const tags = ['control'];
  const cluster = (name: string) => app.clusters.get(name);

  app.post(
    '/clusters/:cluster/pause',
    {
      schema: {
        tags,
        summary: "Pause the whole cluster: no node's Raft state changes until resumed",
        params: ClusterParams,
        response: { 200: PausedSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      await cluster(request.params.cluster).pause();
      return { paused: true };
    },
  );

  app.post(
    '/clusters/:cluster/resume',
    {
      schema: {
        tags,
        summary: 'Resume a paused cluster',
        params: ClusterParams,
        response: { 200: PausedSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      await cluster(request.params.cluster).resume();
      return { paused: false };
    },
  );

  app.post(
    '/clusters/:cluster/step',
    {
      schema: {
        tags,
        summary: 'While paused, deliver one message or advance one tick',
        params: ClusterParams,
        body: StepBody,
        response: {
          200: Type.Object({
            did: Type.Union([Type.Literal('message'), Type.Literal('tick')]),
            msgId: Type.Optional(Type.String()),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => cluster(request.params.cluster).step(request.body.what),
  );

  app.put(
    '/clusters/:cluster/speed',
    {
      schema: {
        tags,
        summary: 'Set the speed factor of wall-clock time',
        params: ClusterParams,
        body: SpeedBody,
        response: { 200: Type.Object({ speed: Type.Number() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      await cluster(request.params.cluster).setSpeed(request.body.factor);
      return { speed: request.body.factor };
    },
  );

  app.put(
    '/clusters/:cluster/links/:from/:to',
    {
      schema: {
        tags,
        summary: 'Set the rule of the link from one node to another: hold, drop, delay, ...',
        params: LinkParams,
        body: LinkRuleSchema,
        response: { 200: LinkRuleViewSchema, ...ERROR_RESPONSES },
      },
      config: { invalidBodyCode: 'InvalidLinkRule' },
    },
    async (request) => {
      const { from, to } = request.params;
      await cluster(request.params.cluster).setLinkRule(from, to, request.body);
      return { from, to, rule: request.body };
    },
  );

  app.delete(
    '/clusters/:cluster/links/:from/:to',
    {
      schema: {
        tags,
        summary: 'Clear the rule of a link',
        params: LinkParams,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { from, to } = request.params;
      await cluster(request.params.cluster).clearLinkRule(from, to);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/clusters/:cluster/partition',
    {
      schema: {
        tags,
        summary: 'Split the network into sides that cannot reach each other',
        params: ClusterParams,
        body: PartitionBody,
        response: { 200: PartitionsSchema, ...ERROR_RESPONSES },
      },
      config: { invalidBodyCode: 'InvalidPartition' },
    },
    async (request) => {
      const target = cluster(request.params.cluster);
      await target.partition(request.body.groups);
      return { partitions: target.snapshot().partitions };
    },
  );

  app.post(
    '/clusters/:cluster/heal',
    {
      schema: {
        tags,
        summary: 'Heal every partition',
        params: ClusterParams,
        response: { 200: PartitionsSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const target = cluster(request.params.cluster);
      await target.heal();
      return { partitions: target.snapshot().partitions };
    },
  );

  app.get(
    '/clusters/:cluster/held',
    {
      schema: {
        tags,
        summary: 'The messages held on links, waiting to be released or dropped',
        params: ClusterParams,
        response: {
          200: Type.Object({ held: Type.Array(HeldMessageViewSchema) }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => ({ held: cluster(request.params.cluster).snapshot().held }),
  );

  app.post(
    '/clusters/:cluster/held/:msgId/release',
    {
      schema: {
        tags,
        summary: 'Release one held message: it is delivered',
        params: HeldParams,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await cluster(request.params.cluster).releaseHeld(request.params.msgId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/clusters/:cluster/held/:msgId/drop',
    {
      schema: {
        tags,
        summary: 'Drop one held message: it is never delivered',
        params: HeldParams,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await cluster(request.params.cluster).dropHeld(request.params.msgId);
      return reply.code(204).send(null);
    },
  );
};
