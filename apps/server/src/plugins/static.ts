/**
 * The web app: the files of apps/web/dist, with every other path outside /api answered with
 * index.html so the app's own routes survive a reload. When the app has not been built, every
 * such path answers a short page saying how to build it.
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';
import type { RoutePlugin } from './shared.ts';

export interface StaticPluginOptions {
  /** The folder of the built web app (apps/web/dist). */
  root: string;
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Raftlens: the dashboard is not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto;">
<h1>The dashboard is not built yet</h1>
<p>The server is running and its API answers under <a href="/api/health">/api</a>
(see <a href="/api/openapi.json">/api/openapi.json</a>), but the web app has not been built.</p>
<p>From the repository root, either build it and restart the server:</p>
<pre>pnpm --filter @raftlens/web build</pre>
<p>or build and start everything in one go:</p>
<pre>pnpm start</pre>
</body>
</html>
`;

function isApiPath(request: FastifyRequest): boolean {
  return (
    request.url === '/api' || request.url.startsWith('/api/') || request.url.startsWith('/api?')
  );
}

export const staticRoutes: RoutePlugin<StaticPluginOptions> = async (app, opts) => {
  const built = existsSync(join(opts.root, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, { root: opts.root, wildcard: false, index: 'index.html' });
  } else {
    app.log.warn({ root: opts.root }, 'the web app is not built; serving a page saying how');
  }

  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    if (isApiPath(request)) {
      throw new ApiError('RouteNotFound', `no route ${request.method} ${request.url}`, {
        method: request.method,
        url: request.url,
      });
    }
    if (!built) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
};
