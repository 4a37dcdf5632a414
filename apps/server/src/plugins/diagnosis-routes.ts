/**
 * `GET /api/clusters/{cluster}/diagnosis`: why commits are stuck, and whether any Raft invariant
 * broke, in plain words. The diagnostics are a pure function of a snapshot and the recent trace;
 * this plugin keeps each cluster's recent trace in a window and runs them on request. Before
 * them come the violations of a live safety monitor that has watched the whole trace.
 *
 * The same watches record findings into a live cluster's trace as they appear and disappear
 * (safety-watch.ts, diagnosis-watch.ts), so that the stream and recordings carry them.
 */

import type { Cluster } from '@raftlens/cluster';
import type { Finding } from '@raftlens/diagnose';
import { diagnose } from '@raftlens/diagnose';
import { type Static, Type } from 'typebox';
import { DiagnosisWatch, recordsFindings } from '../diagnosis-watch.ts';
import { SafetyWatch } from '../safety-watch.ts';
import { ClusterParams, ERROR_RESPONSES } from '../schemas/common.ts';
import { FindingSchema } from '../schemas/finding.ts';
import { TraceWindow } from '../trace-window.ts';
import type { RoutePlugin } from './shared.ts';

export interface DiagnosisPluginOptions {
  /** Recent events kept per cluster for the diagnostics. */
  windowEventsMax: number;
}

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

/** What watches one hosted cluster for the diagnostics. */
interface Watch {
  window: TraceWindow;
  safety: SafetyWatch;
  /** Records diagnosis findings into the trace; live clusters only. */
  diagnosis: DiagnosisWatch | null;
}

export const diagnosisRoutes: RoutePlugin<DiagnosisPluginOptions> = async (app, opts) => {
  const watches = new Map<string, Watch>();

  const watch = (cluster: Cluster) => {
    const window = new TraceWindow(cluster, opts.windowEventsMax);
    const record = recordsFindings(cluster);
    const log = app.log;
    watches.set(cluster.name, {
      window,
      safety: new SafetyWatch(cluster, log, record),
      diagnosis: record ? new DiagnosisWatch(cluster, window, log) : null,
    });
  };
  const unwatch = (name: string) => {
    const w = watches.get(name);
    if (w === undefined) return;
    watches.delete(name);
    w.diagnosis?.close();
    w.safety.close();
    w.window.close();
  };

  const stopAdded = app.clusters.onAdded(watch);
  const stopRemoved = app.clusters.onRemoved(unwatch);
  // A replaced cluster starts a new trace: what was seen of the old one explains nothing in it.
  const stopReplaced = app.clusters.onReplaced((next) => {
    unwatch(next.name);
    watch(next);
  });
  app.addHook('onClose', async () => {
    stopAdded();
    stopRemoved();
    stopReplaced();
    for (const name of [...watches.keys()]) unwatch(name);
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
      const events = watches.get(name)?.window.events() ?? [];
      const safety = watches.get(name)?.safety.findings() ?? [];
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
