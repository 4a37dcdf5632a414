/**
 * A finding of the diagnostics as a JSON schema, mirroring `Finding` in @raftlens/diagnose (the
 * check that every finding fits is in plugins/diagnosis-routes.ts).
 */

import { Type } from 'typebox';

const EvidenceSchema = Type.Union([
  Type.Object({ kind: Type.Literal('event'), seq: Type.Integer() }),
  Type.Object({
    kind: Type.Literal('field'),
    node: Type.Integer(),
    path: Type.String({ description: 'Into the NodeView, e.g. `groups.1.progress.3.match`.' }),
    value: Type.Unknown(),
  }),
]);

export const FindingSchema = Type.Object({
  code: Type.String({ description: 'Stable code, e.g. `QuorumUnreachable`.' }),
  severity: Type.Union([
    Type.Literal('info'),
    Type.Literal('warning'),
    Type.Literal('error'),
    Type.Literal('critical'),
  ]),
  group: Type.Optional(Type.Integer()),
  nodes: Type.Array(Type.Integer()),
  entries: Type.Optional(Type.Array(Type.Integer())),
  proposals: Type.Optional(Type.Array(Type.String())),
  evidence: Type.Array(EvidenceSchema),
  summary: Type.String(),
  detail: Type.Optional(Type.String()),
});
