/**
 * Small helpers shared by the plugins: a plugin that decorates or hooks the root instance
 * (rather than its own encapsulated child), and the type of every plugin in this app.
 */

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyPluginOptions } from 'fastify';

/**
 * Marks a plugin so that Fastify runs it in its parent's context: its decorators, hooks and
 * handlers then apply to every route. This is what the `fastify-plugin` package does; the app
 * needs only this one line of it.
 */
export function rootPlugin<Options extends FastifyPluginOptions>(
  name: string,
  plugin: FastifyPluginAsync<Options>,
): FastifyPluginAsync<Options> {
  const marked = plugin as FastifyPluginAsync<Options> & Record<symbol, unknown>;
  marked[Symbol.for('skip-override')] = true;
  marked[Symbol.for('fastify.display-name')] = name;
  return marked;
}

/** A route plugin typed with the TypeBox provider, so handlers see their schemas' types. */
export type RoutePlugin<Options extends FastifyPluginOptions = Record<never, never>> =
  FastifyPluginAsyncTypebox<Options>;
