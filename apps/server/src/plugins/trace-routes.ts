/**
 * `GET /api/clusters/{cluster}/trace`: the cluster's whole retained trace as an NDJSON download.
 * Every hosted cluster is recorded to disk from its start (bounded; see trace-recording.ts), so
 * the download covers more than the diagnostics' window and costs no memory to serve.
 */

import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { ApiError } from '../errors.ts';
import { ClusterParams, ERROR_RESPONSES } from '../schemas/common.ts';
import { TraceRecordings } from '../trace-recording.ts';
import type { RoutePlugin } from './shared.ts';

export interface TraceRoutesOptions {
  /** The data dir, recordings going to `<dir>/_traces/<cluster>`; null for a temporary one. */
  dir: string | null;
  /** Bound on each cluster's recording on disk. */
  maxBytes: number;
}

/** A file-name-safe timestamp: `2026-12-03T19-07-16Z`. */
function fileStamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(':', '-');
}

export const traceRoutes: RoutePlugin<TraceRoutesOptions> = async (app, opts) => {
  // Loaded here rather than at the top so that a server of fake clusters parses no runtime
  // until it registers this plugin (the same reason app.ts loads `createCluster` lazily).
  const { createTraceRecorder } = await import('@raftlens/cluster');
  const recordings = new TraceRecordings(
    { root: opts.dir, maxBytes: opts.maxBytes, createRecorder: createTraceRecorder },
    app.log,
  );
  const stopAdded = app.clusters.onAdded((cluster) => recordings.add(cluster));
  const stopRemoved = app.clusters.onRemoved((name) => {
    void recordings.remove(name);
  });
  const stopReplaced = app.clusters.onReplaced((next) => recordings.replace(next));
  app.addHook('onClose', async () => {
    stopAdded();
    stopRemoved();
    stopReplaced();
    await recordings.closeAll();
  });

  app.get(
    '/clusters/:cluster/trace',
    {
      schema: {
        tags: ['clusters'],
        summary: 'Download the recorded trace',
        description:
          'The header line, then every retained event in sequence order, as NDJSON ' +
          '(`application/x-ndjson`), named `<cluster>-<timestamp>.ndjson`. The recording is ' +
          'bounded on disk (64 MiB by default): past the bound the oldest events are gone.',
        params: ClusterParams,
        response: {
          // Sent as a stream, which Fastify passes through without serializing.
          200: Type.Unsafe<Readable>({
            type: 'string',
            description: 'The trace, one JSON object per line.',
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      const { cluster: name } = request.params;
      app.clusters.get(name);
      const recorder = await recordings.get(name);
      if (recorder === undefined) {
        throw new ApiError('UnknownCluster', `no cluster is called '${name}'`, { cluster: name });
      }
      reply
        .type('application/x-ndjson')
        .header(
          'content-disposition',
          `attachment; filename="${name}-${fileStamp(Date.now())}.ndjson"`,
        );
      return reply.send(Readable.from(recorder.export()));
    },
  );
};
