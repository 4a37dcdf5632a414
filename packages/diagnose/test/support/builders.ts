/**
 * Hand-built cluster states and traces for the diagnostics' tables. `Scenario` keeps a snapshot
 * and a trace in step: every node has a tick count that advances with `elapse`, and every event
 * recorded carries its node's tick and the current wall time, as the runtime's would.
 */

import type {
  ClusterSnapshot,
  ControlEvent,
  GroupView,
  MessageSummary,
  NetEvent,
  NodeView,
  ProgressView,
  ProposalEvent,
  ReadyEvent,
  StateEvent,
  StateEventName,
  TraceEvent,
} from '@raftlens/trace';

export const TICK_MS = 100;

export function progress(patch: Partial<ProgressView> = {}): ProgressView {
  return {
    match: 0,
    next: 1,
    state: 'StateReplicate',
    paused: false,
    inflights: 0,
    inflightsFull: false,
    recentActive: true,
    pendingSnapshot: 0,
    isLearner: false,
    msgAppFlowPaused: false,
    ...patch,
  };
}

export function message(
  type: string,
  from: number,
  to: number,
  patch: Partial<MessageSummary> = {},
) {
  const m: MessageSummary = {
    type,
    from,
    to,
    term: 2,
    logTerm: 0,
    index: 0,
    commit: 0,
    vote: 0,
    reject: false,
    rejectHint: 0,
    entries: [],
    entryCount: patch.entries?.length ?? 0,
    bytes: 32,
    ...patch,
  };
  return m;
}

export interface HealthyOptions {
  size?: number;
  leader?: number;
  term?: number;
  /** The log on every node: entries 1..lastIndex, all of `term`. */
  lastIndex?: number;
}

/**
 * A healthy cluster: one leader, every follower caught up, everything committed, applied and
 * persisted, each log `1..lastIndex` of one term.
 */
export function healthySnapshot(opts: HealthyOptions = {}): ClusterSnapshot {
  const size = opts.size ?? 3;
  const leader = opts.leader ?? 1;
  const term = opts.term ?? 2;
  const last = opts.lastIndex ?? 5;
  const ids = Array.from({ length: size }, (_, i) => i + 1);
  const nodes: NodeView[] = ids.map((id) => {
    const view: GroupView = {
      group: 1,
      role: id === leader ? 'StateLeader' : 'StateFollower',
      term,
      vote: leader,
      lead: leader,
      commit: last,
      applied: last,
      persisted: last,
      log: {
        firstIndex: 1,
        lastIndex: last,
        snapshotIndex: 0,
        snapshotTerm: 0,
        entries: Array.from({ length: last }, (_, i) => ({
          index: i + 1,
          term,
          type: 'EntryNormal',
          bytes: 8,
          summary: `put k${i + 1}`,
        })),
      },
      confState: {
        voters: [...ids],
        learners: [],
        votersOutgoing: [],
        learnersNext: [],
        autoLeave: false,
      },
      leadTransferee: 0,
      electionElapsedTicks: 0,
      randomizedElectionTimeoutTicks: 10 + id,
      promotable: true,
    };
    if (id === leader) {
      view.progress = Object.fromEntries(
        ids.map((p) => [String(p), progress({ match: last, next: last + 1 })]),
      );
    }
    return {
      id,
      status: 'running',
      address: 'in-process',
      faults: [],
      tick: 0,
      groups: [view],
      kvSize: 0,
    };
  });
  return {
    cluster: 'test',
    mode: 'simulated',
    seed: 1,
    paused: false,
    speed: 1,
    tickMs: TICK_MS,
    groups: [1],
    nodes,
    links: [],
    partitions: [],
    held: [],
    seq: 0,
    wallMs: 0,
  };
}

type Without<E> = Omit<E, 'seq' | 'wallMs' | 'node' | 'group' | 'tick' | 'kind' | 'name'>;

/** A snapshot and a trace that advance together. */
export class Scenario {
  readonly snapshot: ClusterSnapshot;
  readonly events: TraceEvent[] = [];
  private seq = 0;
  private wallMs = 1_000_000;
  private readonly ticks = new Map<number, number>();
  /** Ticks per elapsed tick, per node (2 for a node ticked twice, 0 for one never ticked). */
  readonly tickRate = new Map<number, number>();

  constructor(snapshot: ClusterSnapshot = healthySnapshot()) {
    this.snapshot = snapshot;
    for (const n of snapshot.nodes) this.ticks.set(n.id, 0);
  }

  node(id: number): NodeView {
    const n = this.snapshot.nodes.find((x) => x.id === id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  view(id: number, g = 1): GroupView {
    const v = this.node(id).groups.find((x) => x.group === g);
    if (!v) throw new Error(`no group ${g} on node ${id}`);
    return v;
  }

  /** Edits a node's view of group 1. */
  set(id: number, patch: Partial<GroupView>): this {
    Object.assign(this.view(id), patch);
    return this;
  }

  /** Edits the leader's progress for `peer`. */
  progress(leader: number, peer: number, patch: Partial<ProgressView>): this {
    const v = this.view(leader);
    v.progress ??= {};
    v.progress[String(peer)] = { ...(v.progress[String(peer)] ?? progress()), ...patch };
    return this;
  }

  /** Appends entries `from..to` of `term` to node `id`'s log window. */
  append(id: number, from: number, to: number, term: number, type = 'EntryNormal'): this {
    const log = this.view(id).log;
    log.entries = log.entries.filter((e) => e.index < from);
    for (let i = from; i <= to; i++) {
      log.entries.push({ index: i, term, type, bytes: 8, summary: `put k${i}` });
    }
    log.lastIndex = to;
    return this;
  }

  /** Every running node counts `ticks` ticks (at its own rate) while wall time passes. */
  elapse(ticks: number): this {
    for (const n of this.snapshot.nodes) {
      if (n.status !== 'running') continue;
      const rate = this.tickRate.get(n.id) ?? 1;
      this.ticks.set(n.id, (this.ticks.get(n.id) ?? 0) + ticks * rate);
    }
    this.wallMs += ticks * TICK_MS;
    return this;
  }

  tick(id: number): number {
    return this.ticks.get(id) ?? 0;
  }

  private base(node: number, group = 1) {
    this.seq += 1;
    return { seq: this.seq, wallMs: this.wallMs, node, group, tick: this.tick(node) };
  }

  state(node: number, name: StateEventName, patch: Partial<Without<StateEvent>> = {}): StateEvent {
    const v = this.view(node);
    const e: StateEvent = {
      ...this.base(node),
      kind: 'state',
      name,
      term: v.term,
      vote: v.vote,
      commit: v.commit,
      role: v.role,
      lastIndex: v.log.lastIndex,
      conf: [[...v.confState.voters], [...v.confState.votersOutgoing]],
      learners: [...v.confState.learners],
      ...patch,
    };
    this.events.push(e);
    return e;
  }

  /** A net event recorded by the sender (Send, Hold, Drop) or the receiver (Deliver). */
  net(name: NetEvent['name'], msg: MessageSummary, patch: Partial<Without<NetEvent>> = {}) {
    const recorder = name === 'Deliver' ? msg.to : msg.from;
    const e: NetEvent = {
      ...this.base(recorder),
      kind: 'net',
      name,
      msgId: `m${this.seq}`,
      msg,
      ...patch,
    };
    this.events.push(e);
    return e;
  }

  /** Send then Deliver of one message. */
  exchange(type: string, from: number, to: number, patch: Partial<MessageSummary> = {}): this {
    const m = message(type, from, to, patch);
    this.net('Send', m);
    this.net('Deliver', m);
    return this;
  }

  ready(node: number, patch: Partial<Without<ReadyEvent>> = {}): ReadyEvent {
    const e: ReadyEvent = {
      ...this.base(node),
      kind: 'ready',
      name: 'Ready',
      mustSync: false,
      entries: null,
      committed: null,
      messages: 0,
      readStates: 0,
      ...patch,
    };
    this.events.push(e);
    return e;
  }

  proposal(
    node: number,
    name: ProposalEvent['name'],
    proposalId: string,
    patch: Partial<Without<ProposalEvent>> = {},
  ): ProposalEvent {
    const e: ProposalEvent = {
      ...this.base(node),
      kind: 'proposal',
      name,
      proposalId,
      op: 'put',
      ...patch,
    };
    this.events.push(e);
    return e;
  }

  control(name: ControlEvent['name'], detail: Record<string, unknown> = {}): ControlEvent {
    const e: ControlEvent = { ...this.base(0), kind: 'control', name, detail };
    this.events.push(e);
    return e;
  }

  /** Heartbeats from the leader to every running follower, answered. */
  heartbeats(leader: number): this {
    for (const n of this.snapshot.nodes) {
      if (n.id === leader || n.status !== 'running') continue;
      this.exchange('MsgHeartbeat', leader, n.id, { term: this.view(leader).term });
      this.exchange('MsgHeartbeatResp', n.id, leader, { term: this.view(leader).term });
    }
    return this;
  }

  /** `rounds` rounds of heartbeats, `every` ticks apart: a quiet, healthy stretch of time. */
  quiet(leader: number, rounds: number, every = 2): this {
    for (let i = 0; i < rounds; i++) this.elapse(every).heartbeats(leader);
    return this;
  }

  /** The diagnostics' input: the snapshot stamped with the present ticks and time. */
  input(): { snapshot: ClusterSnapshot; events: TraceEvent[] } {
    for (const n of this.snapshot.nodes) n.tick = this.tick(n.id);
    this.snapshot.wallMs = this.wallMs;
    this.snapshot.seq = this.seq;
    return { snapshot: this.snapshot, events: this.events };
  }
}
