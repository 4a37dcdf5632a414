/**
 * Runs the diagnostics in the browser over the present snapshot and the recent trace, once a
 * second while the page is visible. They are pure functions of that input, the same ones the
 * server runs, so the answer is the same here as there. Findings the server raises in the trace
 * rerun them at once, and the ones only the server can know (its safety monitor has watched the
 * whole run, the browser only a window of it) are added to the list.
 */

import { diagnose, type Finding } from '@raftlens/diagnose';
import type { TraceEvent } from '@raftlens/trace';
import { useEffect, useState } from 'react';
import { withStreamFindings } from '../components/diagnosis/streamFindings.ts';
import type { TraceRing } from '../model/ring.ts';
import { useStore } from '../store/appStore.ts';

/** How much recent history the diagnostics look at. */
export const DIAGNOSIS_EVENTS_MAX = 8000;
const PERIOD_MS = 1000;

export function recentEvents(ring: TraceRing, max = DIAGNOSIS_EVENTS_MAX): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (let i = Math.max(0, ring.size - max); i < ring.size; i++) {
    const e = ring.at(i);
    if (e) out.push(e);
  }
  return out;
}

export interface Diagnosis {
  findings: Finding[];
  /** Set when the diagnostics themselves failed (a bug to report, not a cluster problem). */
  failure: string | null;
}

export function useDiagnosis(): Diagnosis {
  const [result, setResult] = useState<Diagnosis>({ findings: [], failure: null });
  const findingsVersion = useStore((s) => s.findingsVersion);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a finding event reruns it at once
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const run = () => {
      const s = useStore.getState();
      const started = performance.now();
      if (s.snapshot && !s.pageHidden) {
        try {
          const local = diagnose({ snapshot: s.snapshot, events: recentEvents(s.ring) });
          setResult({ findings: withStreamFindings(local, s.streamFindings), failure: null });
        } catch (err) {
          setResult({ findings: [], failure: err instanceof Error ? err.message : String(err) });
        }
      }
      // Never spend more than a twentieth of the time diagnosing, however busy the trace.
      const took = performance.now() - started;
      timer = setTimeout(run, Math.max(PERIOD_MS, took * 20));
    };
    run();
    return () => {
      if (timer !== null) clearTimeout(timer);
    };
  }, [findingsVersion]);
  return result;
}
