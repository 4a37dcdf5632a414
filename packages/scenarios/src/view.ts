/**
 * What a step's `until` condition and its expectations look at: the cluster's snapshot, the
 * trace, the diagnosis, the safety monitor, the names steps gave to nodes and the operations
 * they started. One view is made per check; the costly parts are computed on first use and
 * kept for the rest of that check.
 */

import { diagnose, type Finding } from '@raftlens/diagnose';
import type { ClusterSnapshot, GroupView, NodeView, TraceEvent } from '@raftlens/trace';
import type { NodeRef } from './model.ts';
import { resolveNarration } from './narration.ts';
import type { OpRecord, RunRecord } from './run-record.ts';

/** Events the diagnosis reads: a recent window, as the server's diagnosis does. */
const DIAGNOSIS_EVENTS_MAX = 20_000;

export class StepView {
  private snap: ClusterSnapshot | undefined;
  private found: Finding[] | undefined;
  private stepEventList: readonly TraceEvent[] | undefined;

  constructor(
    private readonly run: RunRecord,
    /** Sequence number of the first event of this step. */
    readonly stepFromSeq: number,
    /** Virtual time the step started at. */
    readonly stepStartMs: number,
  ) {}

  /** The cluster now; the safety monitor sees every snapshot a view takes. */
  get snapshot(): ClusterSnapshot {
    return this.takeSnapshot();
  }

  /** Every event of the run so far. */
  get events(): readonly TraceEvent[] {
    return this.run.events;
  }

  /** The events since this step began. */
  get stepEvents(): readonly TraceEvent[] {
    if (this.stepEventList === undefined) {
      const all = this.run.events;
      let lo = 0;
      let hi = all.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((all[mid]?.seq ?? 0) < this.stepFromSeq) lo = mid + 1;
        else hi = mid;
      }
      this.stepEventList = all.slice(lo);
    }
    return this.stepEventList;
  }

  /** The diagnosis of the present, most important first. */
  get findings(): Finding[] {
    if (this.found === undefined) {
      const events = this.run.events;
      const window =
        events.length > DIAGNOSIS_EVENTS_MAX ? events.slice(-DIAGNOSIS_EVENTS_MAX) : events;
      this.found = diagnose({ snapshot: this.snapshot, events: window });
    }
    return this.found;
  }

  /** Every violation of a Raft invariant the safety monitor has seen in this run. */
  get violations(): readonly Finding[] {
    this.takeSnapshot();
    return this.run.monitor.findings;
  }

  /** Virtual ms since the step began. */
  get elapsedMs(): number {
    return this.run.cluster.scheduler.now() - this.stepStartMs;
  }

  /** The node a reference stands for; throws `UnknownName` for a name not given yet. */
  node(ref: NodeRef): number {
    return this.run.resolve(ref);
  }

  /** The names steps have given to nodes so far. */
  get names(): ReadonlyMap<string, number> {
    return this.run.names;
  }

  /** Fills a sentence's `{name}` placeholders as far as the run knows them. */
  say(text: string): string {
    return resolveNarration(text, this.run.names, this.run.cast);
  }

  /** Whether a step has given this name. */
  named(name: string): boolean {
    return this.run.names.has(name);
  }

  nodeView(ref: NodeRef): NodeView | undefined {
    const id = this.node(ref);
    return this.snapshot.nodes.find((n) => n.id === id);
  }

  /** Group 1 on the node, as the snapshot shows it (a crashed node shows what it persisted). */
  group(ref: NodeRef): GroupView | undefined {
    return this.nodeView(ref)?.groups.find((g) => g.group === 1);
  }

  /** The leader of group 1 at the highest term among running nodes (cheap: no snapshot). */
  leader(): number | null {
    return this.run.cluster.leaderOf(1);
  }

  /** The leader, once every running member of group 1 follows it. */
  stableLeader(): number | null {
    const leader = this.leader();
    if (leader === null) return null;
    for (const n of this.snapshot.nodes) {
      if (n.status !== 'running') continue;
      const g = n.groups.find((x) => x.group === 1);
      if (g === undefined || !isMember(g, n.id)) continue;
      if (g.lead !== leader) return null;
    }
    return leader;
  }

  op(label: string): OpRecord | undefined {
    return this.run.ops.get(label);
  }

  private takeSnapshot(): ClusterSnapshot {
    if (this.snap === undefined) {
      this.snap = this.run.cluster.snapshot();
      this.run.monitor.observe(this.snap);
    }
    return this.snap;
  }

  /** Running nodes that are voters in their own configuration of group 1, ascending. */
  runningVoters(): GroupViewOf[] {
    const out: GroupViewOf[] = [];
    for (const n of this.snapshot.nodes) {
      if (n.status !== 'running') continue;
      const g = n.groups.find((x) => x.group === 1);
      if (g !== undefined && isMember(g, n.id)) out.push({ id: n.id, view: g });
    }
    return out;
  }
}

export interface GroupViewOf {
  id: number;
  view: GroupView;
}

/** Whether `id` counts itself in its configuration (voter, outgoing voter or learner). */
export function isMember(g: GroupView, id: number): boolean {
  const c = g.confState;
  return (
    c.voters.includes(id) ||
    c.votersOutgoing.includes(id) ||
    c.learners.includes(id) ||
    c.learnersNext.includes(id)
  );
}
