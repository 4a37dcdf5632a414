/**
 * The trace stream: `GET /api/clusters/{cluster}/stream` upgrades to a WebSocket that carries
 * the `StreamMessage`s of @raftlens/trace (`hello`, `events`, `state`, `gap`, `reset`, `error`).
 * One hub per watched cluster name fans its trace out to that name's viewers, following the
 * cluster when it is replaced; see stream/hub.ts.
 */

import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { WebSocket } from 'ws';
import { ApiError } from '../errors.ts';
import { ClusterParams, ERROR_RESPONSES } from '../schemas/common.ts';
import { StreamHub } from '../stream/hub.ts';
import type { StreamLimits } from '../stream/limits.ts';
import { toFrame } from '../stream/viewer.ts';
import type { RoutePlugin } from './shared.ts';

export interface StreamPluginOptions {
  limits: StreamLimits;
}

const ViewerStatsSchema = Type.Object({
  id: Type.Integer(),
  lagging: Type.Boolean(),
  queuedFrames: Type.Integer(),
  queuedBytes: Type.Integer(),
  socketBufferedBytes: Type.Integer(),
  framesSent: Type.Integer(),
  eventsSent: Type.Integer(),
  cuts: Type.Integer(),
  eventsMissed: Type.Integer(),
});

const HubStatsSchema = Type.Object({
  cluster: Type.String(),
  eventsReceived: Type.Integer(),
  eventsPending: Type.Integer(),
  viewers: Type.Array(ViewerStatsSchema),
});

/** Close code for a stream that cannot start (RFC 6455: policy violation). */
const CLOSE_REFUSED = 1008;

export const streamRoutes: RoutePlugin<StreamPluginOptions> = async (app, opts) => {
  const hubs = new Map<string, StreamHub>();

  const hubFor = (name: string): StreamHub => {
    const existing = hubs.get(name);
    if (existing !== undefined) return existing;
    const cluster = app.clusters.get(name);
    const hub = new StreamHub(cluster, opts.limits, app.log.child({ cluster: name }), (idle) => {
      if (hubs.get(name) === idle) hubs.delete(name);
    });
    hubs.set(name, hub);
    return hub;
  };

  const unsubscribe = app.clusters.onRemoved((name) => {
    hubs.get(name)?.close('ClusterClosed', `cluster '${name}' was deleted`);
    hubs.delete(name);
  });
  const stopReplaced = app.clusters.onReplaced((next, _previous, reason) => {
    hubs.get(next.name)?.replace(next, reason);
  });

  app.addHook('preClose', async () => {
    unsubscribe();
    stopReplaced();
    for (const hub of hubs.values()) hub.close('ShuttingDown', 'the server is shutting down');
    hubs.clear();
  });

  const onViewer = (socket: WebSocket, request: FastifyRequest) => {
    const { cluster } = request.params as { cluster: string };
    try {
      hubFor(cluster).add(socket);
    } catch (err) {
      // A browser cannot read the HTTP status of a refused upgrade, so the stream opens and
      // says why it closes.
      const error = err instanceof ApiError ? err : new ApiError('InternalError', 'stream failed');
      if (error.code === 'InternalError') request.log.error({ err }, 'stream failed to start');
      socket.send(toFrame({ type: 'error', code: error.code, message: error.message }).data);
      socket.close(CLOSE_REFUSED, error.code);
    }
  };

  app.route({
    method: 'GET',
    url: '/clusters/:cluster/stream',
    schema: {
      tags: ['stream'],
      summary: 'The live trace and state of a cluster, over WebSocket',
      description:
        'Upgrade to a WebSocket to receive `hello` (a snapshot), then `events` batches about ' +
        'every 50 ms, `state` snapshots about 5 times a second, and `gap` then `state` after ' +
        'falling behind. `reset` (a reason and a snapshot) says the cluster was replaced under ' +
        'this name (a scenario stepping back): start again from its snapshot. A plain GET ' +
        'answers 426.',
      params: ClusterParams,
      response: { ...ERROR_RESPONSES },
    },
    wsHandler: onViewer,
    handler: async (request) => {
      app.clusters.get(request.params.cluster);
      throw new ApiError('UpgradeRequired', 'this route is a WebSocket; send an upgrade request');
    },
  });

  app.get(
    '/clusters/:cluster/viewers',
    {
      schema: {
        tags: ['stream'],
        summary: "The stream's viewers and their queues",
        params: ClusterParams,
        response: { 200: HubStatsSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { cluster } = request.params;
      app.clusters.get(cluster);
      const hub = hubs.get(cluster);
      return hub?.stats() ?? { cluster, eventsReceived: 0, eventsPending: 0, viewers: [] };
    },
  );
};
