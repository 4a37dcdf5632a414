/**
 * `GET /api/health`: whether the server is up and how many clusters it hosts.
 */

import { Type } from 'typebox';
import { ERROR_RESPONSES } from '../schemas/common.ts';
import type { RoutePlugin } from './shared.ts';

const startedAtMs = Date.now();

const HealthSchema = Type.Object({
  status: Type.Literal('ok'),
  uptimeMs: Type.Integer(),
  clusters: Type.Integer(),
});

export const healthRoutes: RoutePlugin = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['server'],
        summary: 'Whether the server is up',
        response: { 200: HealthSchema, ...ERROR_RESPONSES },
      },
    },
    async () => ({
      status: 'ok' as const,
      uptimeMs: Date.now() - startedAtMs,
      clusters: app.clusters.list().length,
    }),
  );
};
