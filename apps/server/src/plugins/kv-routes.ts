/**
 * The key-value routes: a write that answers once its entry is applied, and a linearizable read
 * through ReadIndex. Both go through any node (`?via=N`), which forwards to the leader, and to
 * group 1 unless `?group=G` names another.
 */

import { Type } from 'typebox';
import { ApiError } from '../errors.ts';
import { ClusterName, ERROR_RESPONSES, GroupIdSchema, NodeIdSchema } from '../schemas/common.ts';
import type { RoutePlugin } from './shared.ts';

/** Values are for watching replication, not for storing files. */
export const VALUE_BYTES_MAX = 64 * 1024;

const KeyParams = Type.Object({
  cluster: ClusterName,
  key: Type.String({ minLength: 1, maxLength: 256 }),
});

const KvQuery = Type.Object({
  via: Type.Optional(NodeIdSchema),
  group: Type.Optional(GroupIdSchema),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 60_000 })),
});

const PutBody = Type.Object(
  { value: Type.String({ maxLength: VALUE_BYTES_MAX }) },
  { additionalProperties: false },
);

const WriteResultSchema = Type.Object({
  key: Type.String(),
  value: Type.String(),
  index: Type.Integer({ description: 'Where the write was committed.' }),
  term: Type.Integer(),
  leader: Type.Integer({ description: 'The node that proposed it.' }),
  latencyMs: Type.Number(),
});

const ReadResultSchema = Type.Object({
  key: Type.String(),
  value: Type.String(),
  readIndex: Type.Integer({ description: 'The read index the answer is linearizable at.' }),
  node: Type.Integer(),
});

/** How long a request waits for its entry to apply when the client does not say. */
const DEFAULT_TIMEOUT_MS = 5_000;

export const kvRoutes: RoutePlugin = async (app) => {
  const tags = ['kv'];

  app.put(
    '/clusters/:cluster/kv/:key',
    {
      schema: {
        tags,
        summary: 'Write a key; answers once the entry is applied',
        params: KeyParams,
        querystring: KvQuery,
        body: PutBody,
        response: { 200: WriteResultSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { cluster, key } = request.params;
      const { via, group, timeoutMs } = request.query;
      return app.clusters.get(cluster).put(key, request.body.value, {
        via,
        group,
        timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS,
      });
    },
  );

  app.get(
    '/clusters/:cluster/kv/:key',
    {
      schema: {
        tags,
        summary: 'Read a key, linearizably (ReadIndex)',
        params: KeyParams,
        querystring: KvQuery,
        response: { 200: ReadResultSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { cluster, key } = request.params;
      const { via, group, timeoutMs } = request.query;
      const result = await app.clusters.get(cluster).get(key, {
        via,
        group,
        timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS,
      });
      if (result.value === null) {
        throw new ApiError('KeyNotFound', `no key '${key}' at read index ${result.readIndex}`, {
          key,
          readIndex: result.readIndex,
        });
      }
      return { ...result, value: result.value };
    },
  );
};
