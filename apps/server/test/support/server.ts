/**
 * Builds a server for a test, on loopback with no default logging, and closes it afterwards.
 */

import type { FastifyInstance } from 'fastify';
import { afterEach } from 'vitest';
import { buildServer, type ServerOptions } from '../../src/app.ts';
import { type FakeCluster, fakeFactory } from './fake-cluster.ts';

const open: FastifyInstance[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()));
});

/** A server whose clusters are fakes; `made` holds them by name. */
export async function fakeServer(
  opts: Partial<ServerOptions> = {},
): Promise<{ app: FastifyInstance; made: Map<string, FakeCluster> }> {
  const factory = fakeFactory();
  const app = await buildServer({ createCluster: factory.create, ...opts });
  open.push(app);
  return { app, made: factory.made };
}

/**
 * A server over the real runtime: a default cluster of 3 live nodes on 10 ms ticks, over real
 * WebSockets on loopback. Resolves once the cluster has a leader.
 */
export async function realServer(opts: Partial<ServerOptions> = {}): Promise<FastifyInstance> {
  const app = await buildServer({
    defaultCluster: { name: 'default', size: 3 },
    clusterDefaults: { tickMs: 10 },
    ...opts,
  });
  open.push(app);
  await waitForLeader(app, 'default');
  return app;
}

/** Polls the cluster list until `cluster` reports a leader; resolves with its id. */
export async function waitForLeader(
  app: FastifyInstance,
  cluster: string,
  timeoutMs = 10_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await app.inject({ method: 'GET', url: '/api/clusters' });
    const found = res.json().clusters.find((c: { name: string }) => c.name === cluster);
    if (found !== undefined && found.leader !== 0) return found.leader as number;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`cluster ${cluster} elected no leader within ${timeoutMs} ms`);
}

/** Listens on a free loopback port; returns the server's base URL without a trailing slash. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}
