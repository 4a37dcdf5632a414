/**
 * The web app: the files of apps/web/dist, with every other path outside /api answered with
 * index.html so the app's own routes survive a reload. When the app has not been built, every
 * such path answers a short page saying how to build it. Files are looked up per request, so a
 * rebuild while the server runs is served without a restart.
 */

import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
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

/**
 * The file under `root` that a URL path names, relative to `root`, or null when there is none.
 * Looked up on every request rather than listed once at start-up, so that a web build made
 * while the server runs (with new hashed file names) is served at once.
 */
function fileFor(root: string, url: string): string | null {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url, 'http://x').pathname);
  } catch {
    return null;
  }
  const full = resolve(root, `.${pathname}`);
  if (!full.startsWith(root + sep)) return null;
  try {
    return statSync(full).isFile() ? relative(root, full) : null;
  } catch {
    return null;
  }
}

export const staticRoutes: RoutePlugin<StaticPluginOptions> = async (app, opts) => {
  const root = resolve(opts.root);
  // Only `reply.sendFile`: the route below decides what each path answers.
  await app.register(fastifyStatic, { root, serve: false });
  if (!existsSync(join(root, 'index.html'))) {
    app.log.warn({ root }, 'the web app is not built; serving a page saying how until it is');
  }

  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    if (isApiPath(request)) {
      throw new ApiError('RouteNotFound', `no route ${request.method} ${request.url}`, {
        method: request.method,
        url: request.url,
      });
    }
    const file = fileFor(root, request.url);
    if (file !== null && file !== 'index.html') return reply.sendFile(file);
    if (!existsSync(join(root, 'index.html'))) {
      return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
};
