/**
 * The OpenAPI document, generated from the routes' TypeBox schemas and served at
 * `GET /api/openapi.json`. Registered before the routes so it sees every one of them.
 */

import swagger from '@fastify/swagger';
import { rootPlugin } from './shared.ts';

export interface OpenapiPluginOptions {
  version: string;
}

export const openapiPlugin = rootPlugin<OpenapiPluginOptions>(
  'raftlens-openapi',
  async (app, opts) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Raftlens',
          version: opts.version,
          description:
            'Run Raft clusters, watch every message, and control time, the network and ' +
            'membership. Errors answer `{ "error": { "code", "message" } }`; match on `code`.',
        },
        components: {
          securitySchemes: {
            bearer: {
              type: 'http',
              scheme: 'bearer',
              description:
                'Required for every request that changes something, when the server listens ' +
                'on an address other than loopback.',
            },
          },
        },
      },
    });

    app.get(
      '/api/openapi.json',
      { schema: { tags: ['server'], summary: 'This document' } },
      async () => app.swagger(),
    );
  },
);
