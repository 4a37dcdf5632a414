/**
 * `GET /api/clusters/{cluster}/diagnosis`: why commits are stuck, and whether any Raft invariant
 * broke, in plain words. The diagnostics are a pure function of a snapshot and the recent trace;
 * this plugin keeps each cluster's recent trace in a window and runs them on request. Before
 * them come the violations of a live safety monitor that has watched the whole trace.
 */

import type { Finding } from '@raftlens/diagnose';
import { diagnose } from '@raftlens/diagnose';
import { type Static, Type } from 'typebox';
import { SafetyWatch } from '../safety-watch.ts';
import { ClusterParams, ERROR_RESPONSES } from '../schemas/common.ts';
import { TraceWindow } from '../trace-window.ts';
import type { RoutePlugin } from './shared.ts';

export interface DiagnosisPluginOptions {
  /** Recent events kept per cluster for the diagnostics. */
  windowEventsMax: number;
}

const EvidenceSchema = Type.Union([
  Type.Object({ kind: Type.Literal('event'), seq: Type.Integer() }),
  Type.Object({
    kind: Type.Literal('field'),
    node: Type.Integer(),
    path: Type.String({ description: 'Into the NodeView, e.g. `groups.1.progress.3.match`.' }),
    value: Type.Unknown(),
  }),
]);

const FindingSchema = Type.Object({
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

const DiagnosisSchema = Type.Object({
  cluster: Type.String(),
  /** The trace position the diagnosis reflects. */
  seq: Type.Integer(),
  wallMs: Type.Number(),
  /** How many recent events the diagnostics looked at. */
  events: Type.Integer(),
  findings: Type.Array(FindingSchema),
});

// Every finding the diagnostics produce must fit the schema (codes are kept as plain strings).
const findingFits: Finding extends Static<typeof FindingSchema> ? true : false = true;
export const DIAGNOSIS_SCHEMA_FITS = findingFits;

export const diagnosisRoutes: RoutePlugin<DiagnosisPluginOptions> = async (app, opts) => {
  const windows = new Map<string, TraceWindow>();
  const watches = new Map<string, SafetyWatch>();

  const stopAdded = app.clusters.onAdded((cluster) => {
    windows.set(cluster.name, new TraceWindow(cluster, opts.windowEventsMax));
    watches.set(cluster.name, new SafetyWatch(cluster, app.log));
  });
  const stopRemoved = app.clusters.onRemoved((name) => {
    windows.get(name)?.close();
    windows.delete(name);
    watches.get(name)?.close();
    watches.delete(name);
  });
  app.addHook('onClose', async () => {
    stopAdded();
    stopRemoved();
    for (const window of windows.values()) window.close();
    windows.clear();
    for (const watch of watches.values()) watch.close();
    watches.clear();
  });

  app.get(
    '/clusters/:cluster/diagnosis',
    {
      schema: {
        tags: ['clusters'],
        summary: 'Why commits are stuck and whether an invariant broke, in plain words',
        params: ClusterParams,
        response: { 200: DiagnosisSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { cluster: name } = request.params;
      const cluster = app.clusters.get(name);
      const events = windows.get(name)?.events() ?? [];
      const safety = watches.get(name)?.findings() ?? [];
      const snapshot = cluster.snapshot();
      // The live monitor's violations lead: they stay reported after their evidence has left
      // the window, and a broken invariant matters more than anything the window explains.
      const findings = [...safety, ...diagnose({ snapshot, events })];
      return {
        cluster: name,
        seq: snapshot.seq,
        wallMs: snapshot.wallMs,
        events: events.length,
        findings,
      };
    },
  );
};
