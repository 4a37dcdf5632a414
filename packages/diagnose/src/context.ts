/**
 * The diagnostics' view of their input: the snapshot indexed by node and group, the trace split
 * by node and by incarnation, and the notion of "stuck for long enough to matter".
 *
 * Time is measured in each node's own ticks, not in wall time: ticks stop while the cluster is
 * paused, so a paused cluster never looks stuck, and a node's ticks are what its election and
 * heartbeat timeouts count.
 */

import type {
  ClusterSnapshot,
  ControlEvent,
  GroupView,
  NetEvent,
  NodeView,
  StateEvent,
  TraceEvent,
} from '@raftlens/trace';

/** What every diagnostic runs over: the present state and a window of recent events. */
export interface DiagnoseInput {
  snapshot: ClusterSnapshot;
  events: readonly TraceEvent[];
}

/** A running node's view of one group. */
export interface Member {
  id: number;
  node: NodeView;
  view: GroupView;
}

/** The election timeout assumed when no node reports one (etcd raft's usual setting). */
const DEFAULT_ELECTION_TICKS = 10;

/** The node a control event concerns: its own node field, or `detail.node`. */
export function controlTarget(e: ControlEvent): number {
  const n = e.detail.node;
  return typeof n === 'number' ? n : e.node;
}

export class Context {
  readonly snapshot: ClusterSnapshot;
  readonly events: readonly TraceEvent[];
  private readonly nodesById = new Map<number, NodeView>();
  /** Events recorded by each node since its latest start, oldest first. */
  private readonly incarnation = new Map<number, TraceEvent[]>();

  constructor(input: DiagnoseInput) {
    this.snapshot = input.snapshot;
    this.events = input.events;
    for (const n of input.snapshot.nodes) this.nodesById.set(n.id, n);
    this.splitIncarnations();
  }

  /**
   * A node's tick count restarts with the node, so ticks are only comparable within one
   * incarnation: a restart event, a tick that goes backwards, or a snapshot tick below the last
   * event's all start a new one.
   */
  private splitIncarnations(): void {
    for (const e of this.events) {
      if (e.kind === 'control' && e.name === 'NodeRestarted') {
        this.incarnation.set(controlTarget(e), []);
        continue;
      }
      if (e.node === 0 || e.kind === 'control' || e.kind === 'finding') continue;
      let list = this.incarnation.get(e.node);
      if (!list) {
        list = [];
        this.incarnation.set(e.node, list);
      }
      const last = list[list.length - 1];
      if (last && e.tick < last.tick) list.length = 0;
      list.push(e);
    }
    for (const [id, list] of this.incarnation) {
      const node = this.nodesById.get(id);
      const last = list[list.length - 1];
      if (node && last && node.tick < last.tick) list.length = 0;
    }
  }

  private readonly memo = new Map<string, unknown>();

  /** Computes an index over the trace once per diagnosis. */
  memoize<T>(key: string, build: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const value = build();
    this.memo.set(key, value);
    return value;
  }

  /** Net events of messages from `from` to `to`, in order. */
  netOnLink(from: number, to: number): readonly NetEvent[] {
    return this.netIndex().byLink.get(`${from}>${to}`) ?? [];
  }

  /** Net events of messages to node `id` (deliveries and drops), in order. */
  netTo(id: number): readonly NetEvent[] {
    return this.netIndex().byTo.get(id) ?? [];
  }

  /** Net events of messages from node `id`, in order. */
  netFrom(id: number): readonly NetEvent[] {
    return this.netIndex().byFrom.get(id) ?? [];
  }

  /** Ids of messages a node traced and then discarded itself (drop reason `fault`). */
  discarded(): ReadonlySet<string> {
    return this.netIndex().discarded;
  }

  private netIndex() {
    return this.memoize('net', () => {
      const byLink = new Map<string, NetEvent[]>();
      const byTo = new Map<number, NetEvent[]>();
      const byFrom = new Map<number, NetEvent[]>();
      const discarded = new Set<string>();
      const push = <K>(m: Map<K, NetEvent[]>, k: K, e: NetEvent) => {
        const list = m.get(k);
        if (list) list.push(e);
        else m.set(k, [e]);
      };
      for (const e of this.events) {
        if (e.kind !== 'net') continue;
        push(byLink, `${e.msg.from}>${e.msg.to}`, e);
        push(byTo, e.msg.to, e);
        push(byFrom, e.msg.from, e);
        if (e.name === 'Drop' && e.reason === 'fault') discarded.add(e.msgId);
      }
      return { byLink, byTo, byFrom, discarded };
    });
  }

  /** Control events, in order. */
  controls(): readonly ControlEvent[] {
    return this.memoize('controls', () =>
      this.events.filter((e): e is ControlEvent => e.kind === 'control'),
    );
  }

  /** Whether the trace records Readys at all (an imported etcd trace does not). */
  hasReadyEvents(): boolean {
    return this.memoize('hasReady', () => this.events.some((e) => e.kind === 'ready'));
  }

  get hasEvents(): boolean {
    return this.events.length > 0;
  }

  node(id: number): NodeView | undefined {
    return this.nodesById.get(id);
  }

  group(id: number, g: number): GroupView | undefined {
    return this.nodesById.get(id)?.groups.find((v) => v.group === g);
  }

  isRunning(id: number): boolean {
    return this.nodesById.get(id)?.status === 'running';
  }

  /** Running nodes that host group `g`, by id. */
  members(g: number): Member[] {
    const out: Member[] = [];
    for (const node of this.snapshot.nodes) {
      if (node.status !== 'running') continue;
      const view = node.groups.find((v) => v.group === g);
      if (view) out.push({ id: node.id, node, view });
    }
    return out.sort((a, b) => a.id - b.id);
  }

  /** The leader of the highest term among running nodes, if any node is leader. */
  leader(g: number): Member | undefined {
    let best: Member | undefined;
    for (const m of this.members(g)) {
      if (m.view.role !== 'StateLeader') continue;
      if (!best || m.view.term > best.view.term) best = m;
    }
    return best;
  }

  /** The groups the snapshot mentions, in order. */
  groups(): number[] {
    const set = new Set<number>(this.snapshot.groups);
    for (const n of this.snapshot.nodes) for (const v of n.groups) set.add(v.group);
    return [...set].sort((a, b) => a - b);
  }

  /** The leader of each group that has one, for ordering findings. */
  leaders(): Map<number, number> {
    const out = new Map<number, number>();
    for (const g of this.groups()) {
      const l = this.leader(g);
      if (l) out.set(g, l.id);
    }
    return out;
  }

  /** Events recorded by node `id` since its latest start. */
  eventsOf(id: number): readonly TraceEvent[] {
    return this.incarnation.get(id) ?? [];
  }

  /** State events of node `id` in group `g` since its latest start. */
  stateEventsOf(id: number, g: number): StateEvent[] {
    const out: StateEvent[] = [];
    for (const e of this.eventsOf(id)) if (e.kind === 'state' && e.group === g) out.push(e);
    return out;
  }

  /** Node `id`'s `BecomeLeader` event for `term` in group `g`, in this incarnation. */
  becameLeader(id: number, g: number, term: number): StateEvent | undefined {
    return this.memoize(`becameLeader/${id}/${g}/${term}`, () =>
      this.stateEventsOf(id, g).find((e) => e.name === 'BecomeLeader' && e.term === term),
    );
  }

  /** The configured election timeout, as well as the nodes' randomized timeouts reveal it. */
  electionTicks(g: number): number {
    let min = Number.POSITIVE_INFINITY;
    for (const m of this.members(g)) {
      const t = m.view.randomizedElectionTimeoutTicks;
      if (t > 0 && t < min) min = t;
    }
    return Number.isFinite(min) ? min : DEFAULT_ELECTION_TICKS;
  }

  /**
   * How long something may stay pending before it counts as stuck: one election timeout. A
   * healthy cluster commits within a few heartbeats; a cluster that has not in an election
   * timeout has a cause worth naming.
   */
  stallTicks(g: number): number {
    return Math.max(this.electionTicks(g), 3);
  }

  /**
   * Ticks node `id` has counted since event `seq` happened: its current tick minus its tick at
   * that moment (from its own nearest earlier event, or a lower bound from its first event).
   * Undefined when the node recorded nothing in this incarnation.
   */
  ticksSince(id: number, seq: number): number | undefined {
    const node = this.nodesById.get(id);
    const list = this.eventsOf(id);
    const first = list[0];
    if (!node || !first) return undefined;
    let tickThen = first.tick;
    for (const e of list) {
      if (e.seq > seq) break;
      tickThen = e.tick;
    }
    return node.tick - tickThen;
  }

  /** Ticks node `id` has been observed for in this window and incarnation. */
  observedTicks(id: number): number | undefined {
    const first = this.eventsOf(id)[0];
    const node = this.nodesById.get(id);
    return first && node ? node.tick - first.tick : undefined;
  }

  /**
   * Whether something pending for `age` ticks is stuck. With no trace at all the diagnostics can
   * only explain the present, so an unknown age counts as stuck; with a trace, an age that the
   * trace cannot establish does not.
   */
  isStalled(age: number | undefined, g: number): boolean {
    if (age === undefined) return !this.hasEvents;
    return age >= this.stallTicks(g);
  }

  /**
   * The age, in node `id`'s ticks, of the oldest of its events (this incarnation, group `g`)
   * that satisfies `pred`: how long a condition visible in those events has held.
   */
  ageOf(id: number, g: number, pred: (e: TraceEvent) => boolean): number | undefined {
    for (const e of this.eventsOf(id)) {
      if (e.group === g && pred(e)) return this.ticksSince(id, e.seq);
    }
    return undefined;
  }

  /** The partition group of node `id`: its index in `partitions`, or -1 for the unlisted rest. */
  partitionOf(id: number): number {
    return this.snapshot.partitions.findIndex((p) => p.includes(id));
  }

  partitioned(a: number, b: number): boolean {
    return this.snapshot.partitions.length > 0 && this.partitionOf(a) !== this.partitionOf(b);
  }
}
