/**
 * The auth plugin. On loopback (the default) anyone on the machine may control the clusters, as
 * with any local development server. On any other address, every request that changes
 * something (any method but GET, HEAD and OPTIONS) must carry `Authorization: Bearer <token>`;
 * reading state and watching the stream stay open.
 *
 * Either way, a changing request sent by a web page of another origin is refused, so that a
 * page the user happens to visit cannot crash nodes on their machine; so is a WebSocket opened
 * by such a page, which browsers do not subject to CORS and which would let it read the trace
 * (keys and values included).
 */

import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';
import { rootPlugin } from './shared.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The bearer token changing requests need; null when none is needed. */
    authToken: string | null;
  }
}

export interface AuthPluginOptions {
  token: string | null;
  /** Origins besides the server's own that may send changing requests (a dev server). */
  allowedOrigins: string[];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return (
    host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host)
  );
}

function sameOrigin(request: FastifyRequest, origin: string, allowed: string[]): boolean {
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (match === null) return false;
  const given = Buffer.from(match[1] as string);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const authPlugin = rootPlugin<AuthPluginOptions>('raftlens-auth', async (app, opts) => {
  app.decorate('authToken', opts.token);

  app.addHook('onRequest', async (request, reply) => {
    const upgrade = request.headers.upgrade?.toLowerCase() === 'websocket';
    if (SAFE_METHODS.has(request.method) && !upgrade) return;
    const origin = request.headers.origin;
    if (origin !== undefined && !sameOrigin(request, origin, opts.allowedOrigins)) {
      throw new ApiError('CrossOriginRequest', `pages from ${origin} may not use this server`, {
        origin,
      });
    }
    if (upgrade) return;
    if (opts.token !== null && !tokenMatches(request.headers.authorization, opts.token)) {
      reply.header('www-authenticate', 'Bearer realm="raftlens"');
      throw new ApiError(
        'Unauthorized',
        'this server requires "Authorization: Bearer <token>" for requests that change state',
      );
    }
  });
});
