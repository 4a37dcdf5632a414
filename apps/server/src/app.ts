/**
 * The server: a Fastify app made of one plugin per concern. `buildServer` assembles it and
 * starts the default cluster; the caller decides whether to `listen` (the CLI) or to `inject`
 * (the tests).
 */

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import websocket from '@fastify/websocket';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
} from 'fastify';
import {
  type ClusterDefaults,
  type ClusterDescription,
  DEFAULT_CLUSTER_DEFAULTS,
} from './cluster-options.ts';
import { ApiError } from './errors.ts';
import { authPlugin, isLoopback } from './plugins/auth.ts';
import { clusterRoutes } from './plugins/cluster-routes.ts';
import { clustersPlugin } from './plugins/clusters.ts';
import { controlRoutes } from './plugins/control-routes.ts';
import { diagnosisRoutes } from './plugins/diagnosis-routes.ts';
import { errorsPlugin, sendApiError } from './plugins/errors.ts';
import { federationRoutes } from './plugins/federation-routes.ts';
import { forkRoutes } from './plugins/fork-routes.ts';
import { healthRoutes } from './plugins/health.ts';
import { jsonBodyPlugin } from './plugins/json-body.ts';
import { kvRoutes } from './plugins/kv-routes.ts';
import { nodeRoutes } from './plugins/node-routes.ts';
import { openapiPlugin } from './plugins/openapi.ts';
import { scenarioRoutes } from './plugins/scenario-routes.ts';
import { staticRoutes } from './plugins/static.ts';
import { streamRoutes } from './plugins/stream.ts';
import { traceRoutes } from './plugins/trace-routes.ts';
import type { ClusterFactory } from './registry.ts';
import { DEFAULT_STREAM_LIMITS, type StreamLimits } from './stream/limits.ts';
import { DEFAULT_TRACE_MAX_BYTES } from './trace-recording.ts';

export interface ServerOptions {
  /**
   * The address the server will listen on. It decides authentication: on loopback none is
   * needed; on any other address changing requests need the bearer token.
   */
  host: string;
  /** Starts a cluster; defaults to `createCluster` of @raftlens/cluster. */
  createCluster?: ClusterFactory;
  /** The cluster started with the server; null for none. */
  defaultCluster: ClusterDescription | null;
  /** What a cluster description leaves out. */
  clusterDefaults: Partial<ClusterDefaults>;
  /**
   * The bearer token for changing requests. Required on non-loopback addresses, where one is
   * generated when not given (read it back from `app.authToken`); enforced whenever given.
   */
  token?: string;
  /** Origins, besides the server's own, whose pages may send changing requests. */
  allowedOrigins: string[];
  /** The built web app. */
  webRoot: string;
  /** Fastify's logger option: false, pino options, or true. */
  logger: FastifyServerOptions['logger'];
  stream: Partial<StreamLimits>;
  clustersMax: number;
  /** Recent trace events kept per cluster for the diagnostics. */
  diagnosisEventsMax: number;
  /**
   * Where each cluster's trace is recorded, in `<traceDir>/_traces/<cluster>`: the data dir, or
   * null for a temporary folder removed when the server closes.
   */
  traceDir: string | null;
  /** Bound on each cluster's recorded trace on disk. */
  traceMaxBytes: number;
}

/** Where the web app's build lands (apps/web/dist). */
export const WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

const SERVER_VERSION: string = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
).version;

export const DEFAULT_SERVER_OPTIONS: ServerOptions = {
  host: '127.0.0.1',
  defaultCluster: { name: 'default' },
  clusterDefaults: {},
  allowedOrigins: ['http://localhost:5173', 'http://127.0.0.1:5173'],
  webRoot: WEB_ROOT,
  logger: false,
  stream: {},
  clustersMax: 8,
  diagnosisEventsMax: 20_000,
  traceDir: null,
  traceMaxBytes: DEFAULT_TRACE_MAX_BYTES,
};

/**
 * The runtime's `createCluster`, given the server's logger. Imported when first needed, so that
 * a server built with its own factory (the tests) does not load the runtime at all.
 */
async function runtimeFactory(): Promise<ClusterFactory> {
  const { createCluster } = await import('@raftlens/cluster');
  return (options, log) => createCluster({ ...options, logger: log });
}

/** Builds the server and starts its default cluster. */
export async function buildServer(opts: Partial<ServerOptions> = {}): Promise<FastifyInstance> {
  const options: ServerOptions = { ...DEFAULT_SERVER_OPTIONS, ...opts };
  const token =
    options.token ?? (isLoopback(options.host) ? null : randomBytes(24).toString('base64url'));

  const app = Fastify({
    logger: options.logger,
    // The dashboard sends small JSON; a write's value is at most 64 KiB.
    bodyLimit: 256 * 1024,
    // Closing the server must not wait for browsers that keep connections alive.
    forceCloseConnections: true,
    // A URL that cannot be decoded never reaches a route or the error handler; answer it here.
    frameworkErrors: (err, _request, reply) => {
      sendApiError(reply as FastifyReply, new ApiError('InvalidRequest', err.message));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  // The API speaks JSON only; a text body is refused as such rather than failing validation.
  app.removeContentTypeParser('text/plain');

  try {
    await app.register(errorsPlugin);
    await app.register(jsonBodyPlugin);
    // Before auth: its hooks must mark an upgrade request as such even when auth refuses it,
    // so that the refused socket is closed rather than left open.
    await app.register(websocket, { options: { maxPayload: 4096 } });
    await app.register(authPlugin, { token, allowedOrigins: options.allowedOrigins });
    await app.register(openapiPlugin, { version: SERVER_VERSION });
    await app.register(clustersPlugin, {
      createCluster: options.createCluster ?? (await runtimeFactory()),
      defaults: { ...DEFAULT_CLUSTER_DEFAULTS, ...options.clusterDefaults },
      clustersMax: options.clustersMax,
      initial: options.defaultCluster,
    });
    const limits = { ...DEFAULT_STREAM_LIMITS, ...options.stream };
    await app.register(
      async (api) => {
        await api.register(healthRoutes);
        await api.register(clusterRoutes);
        await api.register(diagnosisRoutes, { windowEventsMax: options.diagnosisEventsMax });
        await api.register(controlRoutes);
        await api.register(nodeRoutes);
        await api.register(kvRoutes);
        await api.register(streamRoutes, { limits });
        await api.register(traceRoutes, {
          dir: options.traceDir,
          maxBytes: options.traceMaxBytes,
        });
        await api.register(federationRoutes);
        await api.register(forkRoutes);
        await api.register(scenarioRoutes);
      },
      { prefix: '/api' },
    );
    await app.register(staticRoutes, { root: options.webRoot });
    await app.ready();
  } catch (err) {
    await app.close();
    throw err;
  }
  return app;
}
