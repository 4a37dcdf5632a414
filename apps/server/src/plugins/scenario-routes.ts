/**
 * The guided scenarios over HTTP: the catalogue, starting one on a cluster of its own, and
 * stepping it forward and back. Each answer is the run's `RunnerState` (narration, checklist,
 * findings, snapshot). The cluster is an ordinary hosted cluster besides: its stream, control
 * routes and diagnosis work as for any other. See scenario-host.ts.
 */

import { listScenarios } from '@raftlens/scenarios';
import { Type } from 'typebox';
import { ScenarioHost } from '../scenario-host.ts';
import { ClusterParams, ERROR_RESPONSES } from '../schemas/common.ts';
import {
  GoToBody,
  RunnerStateSchema,
  ScenarioInfoSchema,
  ScenarioParams,
  StartScenarioBody,
} from '../schemas/scenario.ts';
import type { RoutePlugin } from './shared.ts';

const STATE_RESPONSES = { 200: RunnerStateSchema, ...ERROR_RESPONSES };

export const scenarioRoutes: RoutePlugin = async (app) => {
  const host = new ScenarioHost(app.clusters, app.log);
  app.addHook('onClose', async () => host.close());
  const tags = ['scenarios'];

  app.get(
    '/scenarios',
    {
      schema: {
        tags,
        summary: 'The guided scenarios: title, summary, cluster and steps of each',
        response: { 200: Type.Array(ScenarioInfoSchema), ...ERROR_RESPONSES },
      },
    },
    async () => listScenarios(),
  );

  app.post(
    '/scenarios/:id/start',
    {
      schema: {
        tags,
        summary: 'Start a scenario on a fresh simulated cluster, before its first step',
        description:
          'The cluster is called `scenario-<id>` unless `cluster` says otherwise. Starting a ' +
          'scenario on a cluster that already runs one replaces that run (its viewers get ' +
          '`reset`); any other cluster of that name is `ClusterExists`. The body is optional.',
        params: ScenarioParams,
        body: StartScenarioBody,
        response: { 201: RunnerStateSchema, ...ERROR_RESPONSES },
      },
      config: { bodyOptional: true },
      // No body at all (or an empty JSON one) is the empty description: every default.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const state = await host.start(request.params.id, request.body);
      return reply.code(201).send(state);
    },
  );

  app.get(
    '/clusters/:cluster/scenario',
    {
      schema: {
        tags,
        summary: "The scenario run's present: step, checklist, findings, snapshot",
        params: ClusterParams,
        response: STATE_RESPONSES,
      },
    },
    async (request) => host.state(request.params.cluster),
  );

  app.post(
    '/clusters/:cluster/scenario/forward',
    {
      schema: {
        tags,
        summary: 'Play the next step; answers once it has played',
        description:
          'A paced run plays the step in wall time at the cluster speed and waits while the ' +
          'cluster is paused. `AtEnd` after the last step, `HandedOver` in free play, ' +
          '`ScenarioBusy` while another call plays.',
        params: ClusterParams,
        response: STATE_RESPONSES,
      },
    },
    async (request) => host.forward(request.params.cluster),
  );

  app.post(
    '/clusters/:cluster/scenario/back',
    {
      schema: {
        tags,
        summary: 'Return to the state after the previous step, replaying from the seed',
        description:
          'Replaces the cluster with a fresh one of the same name; viewers get `reset`. ' +
          '`AtStart` before the first step.',
        params: ClusterParams,
        response: STATE_RESPONSES,
      },
    },
    async (request) => host.back(request.params.cluster),
  );

  app.post(
    '/clusters/:cluster/scenario/restart',
    {
      schema: {
        tags,
        summary: 'Start over from the seed, before the first step',
        description: 'Replaces the cluster with a fresh one of the same name; viewers get `reset`.',
        params: ClusterParams,
        response: STATE_RESPONSES,
      },
    },
    async (request) => host.restart(request.params.cluster),
  );

  app.post(
    '/clusters/:cluster/scenario/goto',
    {
      schema: {
        tags,
        summary: 'Go to the state after `position` steps',
        description:
          'Forwards are played at once, unpaced; going backwards (or leaving free play) ' +
          'replays from the seed on a fresh cluster, and viewers get `reset`. `AtEnd` past ' +
          'the last step.',
        params: ClusterParams,
        body: GoToBody,
        response: STATE_RESPONSES,
      },
    },
    async (request) => host.goTo(request.params.cluster, request.body.position),
  );

  app.post(
    '/clusters/:cluster/scenario/handover',
    {
      schema: {
        tags,
        summary: 'Leave the story: the cluster keeps running on the wall clock, free to play with',
        description: '`back` and `restart` return to the story.',
        params: ClusterParams,
        response: STATE_RESPONSES,
      },
    },
    async (request) => host.handOver(request.params.cluster),
  );
};
