/**
 * Diagnosis findings in the trace: about once a second, the diagnostics GET /diagnosis runs
 * (the same `diagnose` over the same window) are run on a timer, and a finding of severity
 * `warning` or above that appears is recorded into the cluster's trace as `FindingRaised`, one
 * that disappears as `FindingCleared`. A finding is identified by its code, group and nodes.
 *
 * Bounds: the check runs on a timer, never in the cluster's event listener; a check that takes
 * long pushes the next one out (at most a twentieth of the time goes to it); a cluster in which
 * nothing happened since the last check (paused, or all down) is not diagnosed again; at most
 * `OPEN_FINDINGS_MAX` findings are open at once. A finding is raised only once it has been seen
 * in two checks in a row and cleared once it has been gone from two, so that a passing state (an
 * election at start-up, a write in flight) does not make a raise and a clear every second.
 *
 * Only live clusters are recorded into; see `recordsFindings`.
 */

import type { Cluster } from '@raftlens/cluster';
import { diagnose, type Finding, SAFETY_CODES } from '@raftlens/diagnose';
import type { FastifyBaseLogger } from 'fastify';
import type { TraceWindow } from './trace-window.ts';

/** How often the diagnostics run, at most. */
export const DIAGNOSIS_CHECK_MS = 1_000;
/** Checks a finding must be seen in (or missing from) in a row to be raised (or cleared). */
const CHECKS_TO_CHANGE = 2;
/** Open findings at once; more are left out of the trace (the diagnosis route has them all). */
const OPEN_FINDINGS_MAX = 32;
/** A check may take this share of the time: the next waits at least this many times longer. */
const DUTY_DIVISOR = 20;

const SAFETY: ReadonlySet<string> = new Set(SAFETY_CODES);

/**
 * Whether the server records findings into this cluster's trace: live clusters only.
 *
 * A simulated cluster's trace is a pure function of its seed and the actions taken on it, and
 * that is what guided scenarios (going back replays from the seed) and forks (a copy replayed
 * up to a sequence number) rely on: the replay must number every event as the original did.
 * Findings are found on wall-clock timers, so recording them would put them at different places
 * in each replay and shift every sequence number after them. A simulated cluster's findings are
 * still answered by GET /diagnosis and, for a scenario, by its state; a live cluster has no
 * replay to disturb, and there the trace carries them for recordings and "next finding".
 */
export function recordsFindings(cluster: Cluster): boolean {
  return cluster.options.mode === 'live';
}

interface Tracked {
  finding: Finding;
  /** Consecutive checks it has been seen in (while pending) or missing from (while open). */
  streak: number;
  open: boolean;
}

export class DiagnosisWatch {
  private readonly tracked = new Map<string, Tracked>();
  private timer: NodeJS.Timeout | null = null;
  private lastSeq = -1;
  private closed = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly window: TraceWindow,
    private readonly log: FastifyBaseLogger,
    private readonly intervalMs = DIAGNOSIS_CHECK_MS,
  ) {
    this.schedule(intervalMs);
  }

  /** The findings currently open in the trace, by key (for tests and tools). */
  openKeys(): string[] {
    return [...this.tracked].filter(([, t]) => t.open).map(([key]) => key);
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => this.run(), ms);
    this.timer.unref();
  }

  private run(): void {
    const started = performance.now();
    try {
      this.check();
    } catch (err) {
      // A broken diagnostic must not take the server down; the route still answers.
      this.log.error({ err, cluster: this.cluster.name }, 'diagnosis watch failed');
    }
    const took = performance.now() - started;
    this.schedule(Math.max(this.intervalMs, took * DUTY_DIVISOR));
  }

  private check(): void {
    const snapshot = this.cluster.snapshot();
    // Nothing happened since the last check: the answer would be the same, and a paused
    // cluster must not be diagnosed (nor its findings counted down) over and over.
    if (snapshot.seq === this.lastSeq) return;
    this.lastSeq = snapshot.seq;
    const seen = new Map<string, Finding>();
    for (const f of diagnose({ snapshot, events: this.window.events() })) {
      // Safety violations are the safety watch's to record; info is a healthy cluster's churn.
      if (f.severity === 'info' || SAFETY.has(f.code)) continue;
      const key = findingKey(f);
      if (!seen.has(key)) seen.set(key, f);
    }
    for (const [key, f] of seen) {
      const t = this.tracked.get(key);
      if (t === undefined) {
        this.tracked.set(key, { finding: f, streak: 1, open: false });
      } else if (t.open) {
        t.streak = 0;
      } else {
        t.finding = f;
        t.streak++;
      }
    }
    for (const [key, t] of this.tracked) {
      if (seen.has(key)) {
        if (!t.open && t.streak >= CHECKS_TO_CHANGE && this.openCount() < OPEN_FINDINGS_MAX) {
          t.open = true;
          t.streak = 0;
          this.record('FindingRaised', t.finding);
        }
      } else if (!t.open) {
        this.tracked.delete(key);
      } else if (++t.streak >= CHECKS_TO_CHANGE) {
        this.tracked.delete(key);
        this.record('FindingCleared', t.finding);
      }
    }
  }

  private openCount(): number {
    let n = 0;
    for (const t of this.tracked.values()) if (t.open) n++;
    return n;
  }

  private record(name: 'FindingRaised' | 'FindingCleared', f: Finding): void {
    this.cluster.recordFinding({
      name,
      code: f.code,
      severity: f.severity,
      summary: f.summary,
      nodes: [...f.nodes],
      ...(f.group !== undefined ? { group: f.group } : {}),
    });
  }
}

/** Code, group and nodes (in order of id): what makes two findings the same one. */
export function findingKey(f: Pick<Finding, 'code' | 'group' | 'nodes'>): string {
  return `${f.code}/${f.group ?? 0}/${[...f.nodes].sort((a, b) => a - b).join(',')}`;
}
