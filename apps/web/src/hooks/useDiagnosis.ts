/**
 * Runs the diagnostics in the browser over the present snapshot and the recent trace, once a
 * second while the page is visible. They are pure functions of that input, the same ones the
 * server runs, so the answer is the same here as there.
 */

import { diagnose, type Finding } from '@raftlens/diagnose';
import type { TraceEvent } from '@raftlens/trace';
import { useEffect, useState } from 'react';
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
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const run = () => {
      const s = useStore.getState();
      const started = performance.now();
      if (s.snapshot && !s.pageHidden) {
        try {
          const findings = diagnose({ snapshot: s.snapshot, events: recentEvents(s.ring) });
          setResult({ findings, failure: null });
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
  }, []);
  return result;
}
