/**
 * Schemas shared by the routes: path parameters, the error body, small answers.
 */

import { type Static, Type } from 'typebox';

/** Cluster names become folder names for durable storage, so they are kept to a safe alphabet. */
export const CLUSTER_NAME_PATTERN = '^[a-z0-9][a-z0-9_-]{0,62}$';

export const ClusterName = Type.String({
  pattern: CLUSTER_NAME_PATTERN,
  description: 'Lower-case letters, digits, `-` and `_`; at most 63 characters.',
});

export const NodeIdSchema = Type.Integer({ minimum: 1, maximum: 1_000_000 });
export const GroupIdSchema = Type.Integer({ minimum: 1, maximum: 1_000_000 });

export const ClusterParams = Type.Object({ cluster: ClusterName });
export type ClusterParams = Static<typeof ClusterParams>;

export const NodeParams = Type.Object({ cluster: ClusterName, node: NodeIdSchema });
export type NodeParams = Static<typeof NodeParams>;

export const GroupQuery = Type.Object({
  group: Type.Optional(GroupIdSchema),
});

export const ErrorBodySchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable code, e.g. `UnknownNode`.' }),
      message: Type.String({ description: 'A sentence for a person; wording may change.' }),
      detail: Type.Optional(Type.Object({}, { additionalProperties: true })),
    }),
  },
  { description: 'Every error answer has this shape.' },
);

/** The error answers every route may give; routes add their success answers to this. */
export const ERROR_RESPONSES = {
  '4xx': ErrorBodySchema,
  '5xx': ErrorBodySchema,
} as const;

export const OkSchema = Type.Object({ ok: Type.Literal(true) });
