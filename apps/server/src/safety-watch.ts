/**
 * A live safety monitor per cluster: every trace event and, about twice a second, a snapshot,
 * fed to @raftlens/diagnose's `SafetyMonitor`, which remembers every invariant that broke.
 *
 * The cluster's listener only appends to an array; the monitor runs on a timer, off the
 * cluster's path, so checking costs the cluster a push per event. Reading the findings first
 * feeds what is waiting, so an answer reflects every event up to the moment it is asked.
 *
 * With `record`, each new violation is also appended to the cluster's trace as a `critical`
 * `FindingRaised` (a broken invariant stays broken: it is never cleared). The server records
 * only into live clusters; see `recordsFindings` in diagnosis-watch.ts.
 */

import type { Cluster } from '@raftlens/cluster';
import { type Finding, SafetyMonitor, sortFindings } from '@raftlens/diagnose';
import type { TraceEvent } from '@raftlens/trace';
import type { FastifyBaseLogger } from 'fastify';

/** How often the waiting events and a fresh snapshot are checked. */
export const SAFETY_CHECK_MS = 500;

export class SafetyWatch {
  private readonly monitor = new SafetyMonitor();
  private pending: TraceEvent[] = [];
  private readonly unsubscribe: () => void;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly cluster: Cluster,
    private readonly log: FastifyBaseLogger,
    private readonly record = false,
    intervalMs = SAFETY_CHECK_MS,
  ) {
    // From the first retained event: a violation before the server watched still counts.
    this.unsubscribe = cluster.subscribe((e) => this.pending.push(e), { fromSeq: 1 });
    this.timer = setInterval(() => this.check(), intervalMs);
    this.timer.unref();
  }

  /** Every violation found so far, critical first. */
  findings(): Finding[] {
    this.check();
    return sortFindings([...this.monitor.findings]);
  }

  /** Feeds the waiting events, then the present: the snapshot is newer than all of them. */
  private check(): void {
    const events = this.pending;
    this.pending = [];
    let fresh: Finding[] = [];
    try {
      if (events.length > 0) fresh = this.monitor.observe(events);
      fresh = fresh.concat(this.monitor.observe(this.cluster.snapshot()));
    } catch (err) {
      // A broken monitor must not take the server down; the diagnosis still answers.
      this.log.error({ err, cluster: this.cluster.name }, 'safety monitor failed');
      return;
    }
    for (const f of fresh) {
      this.log.error({ cluster: this.cluster.name, finding: f }, `safety: ${f.summary}`);
      if (this.record) this.recordFinding(f);
    }
  }

  private recordFinding(f: Finding): void {
    try {
      this.cluster.recordFinding({
        name: 'FindingRaised',
        code: f.code,
        severity: 'critical',
        summary: f.summary,
        nodes: [...f.nodes],
        ...(f.group !== undefined ? { group: f.group } : {}),
      });
    } catch (err) {
      // The cluster closed meanwhile; the violation was logged above.
      this.log.debug({ err, cluster: this.cluster.name }, 'safety finding not recorded');
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.unsubscribe();
    this.pending = [];
  }
}
