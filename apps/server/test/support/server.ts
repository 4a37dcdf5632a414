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

/** Listens on a free loopback port; returns the server's base URL without a trailing slash. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}
