/**
 * A deterministic generator of realistic traces: a small simulated Raft cluster (see
 * `SimNode`) on virtual time, with a seeded network, client proposals, and the faults a
 * classroom would show (crashes, partitions, held, delayed and duplicated messages,
 * compaction), emitting every event the runtime emits. The same seed gives the same trace.
 *
 * It stands in for `createCluster` until the runtime can record a run of a million events,
 * and it knows its own truth (`final`), so a replay of its trace can be checked against it.
 */

import {
  type ControlEvent,
  type DropReason,
  type LinkRule,
  type MessageSummary,
  newTraceHeader,
  type TraceEvent,
  type TraceHeader,
} from '../src/index.ts';
import { SimNode, type Unstamped } from './sim-node.ts';

export interface GenerateOptions {
  /** Stop once this many events were emitted (the run ends at the end of a tick). */
  events: number;
  seed?: number;
  nodes?: number;
  tickMs?: number;
  /** Client proposals per tick, on average. */
  proposalsPerTick?: number;
  /** Ticks between faults, on average; 0 for none. */
  faultEveryTicks?: number;
}

/** What each node ended with, according to the simulation itself. */
export interface NodeTruth {
  id: number;
  running: boolean;
  role: string;
  term: number;
  vote: number;
  commit: number;
  lastIndex: number;
  lead: number;
}

export interface GeneratedTrace {
  header: TraceHeader;
  events: TraceEvent[];
  final: NodeTruth[];
  /** Each node's log at the end: `logs[id][i - 1]` is the term of entry i. */
  logs: Record<number, number[]>;
}

interface Flight {
  msgId: string;
  msg: MessageSummary;
  dueTick: number;
  held: boolean;
}

/** Ticks without a leader before the generator raises a NoLeader finding. */
const NO_LEADER_TICKS = 12;

type Fault = 'crash' | 'partition' | 'hold' | 'delay' | 'duplicate' | 'compact' | 'pause';
const FAULTS: readonly Fault[] = [
  'crash',
  'compact',
  'hold',
  'pause',
  'partition',
  'duplicate',
  'delay',
];

/** mulberry32: a small, fast, seeded generator. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateTrace(opts: GenerateOptions): GeneratedTrace {
  return new Generator(opts).run();
}

class Generator {
  private readonly random: () => number;
  private readonly tickMs: number;
  private readonly header: TraceHeader;
  private readonly events: TraceEvent[] = [];
  private readonly nodes = new Map<number, SimNode>();
  private readonly voters: number[];
  private flights: Flight[] = [];
  private msgCounters = new Map<number, number>();
  private rules = new Map<string, LinkRule>();
  private partition: number[][] = [];
  private now = 0;
  private proposals = new Map<number, string>();
  private proposalCount = 0;
  private noLeaderSince = 0;
  private noLeaderRaised = false;
  private faultCount = 0;
  private undo: Array<{ atTick: number; run: () => void }> = [];

  constructor(private readonly opts: GenerateOptions) {
    const seed = opts.seed ?? 1;
    this.random = seeded(seed);
    this.tickMs = opts.tickMs ?? 10;
    this.header = newTraceHeader({
      cluster: 'generated',
      mode: 'simulated',
      seed,
      createdAtMs: 1_764_780_000_000,
    });
    const n = opts.nodes ?? 5;
    this.voters = Array.from({ length: n }, (_, i) => i + 1);
    const host = {
      emit: (e: Unstamped) => this.emit(e),
      random: () => this.random(),
      voters: this.voters,
    };
    for (const id of this.voters) this.nodes.set(id, new SimNode(id, host));
  }

  private emit(e: Unstamped): void {
    const seq = this.events.length + 1;
    this.events.push({ ...e, seq, wallMs: this.header.createdAtMs + this.now } as TraceEvent);
  }

  private control(name: ControlEvent['name'], detail: Record<string, unknown>, node = 0): void {
    this.emit({ kind: 'control', name, node, group: 1, tick: 0, detail });
  }

  run(): GeneratedTrace {
    this.control('ClusterStarted', { nodes: this.voters, tickMs: this.tickMs, speed: 1 });
    for (const n of this.nodes.values()) n.init();
    let tick = 0;
    while (this.events.length < this.opts.events) {
      tick++;
      this.now = tick * this.tickMs;
      this.runUndo(tick);
      this.maybeFault();
      this.deliver(tick);
      for (const n of this.nodes.values()) {
        if (!n.running) continue;
        n.onTick();
        this.flush(n);
      }
      this.propose();
      this.watchLeader(tick);
    }
    const logs: Record<number, number[]> = {};
    for (const n of this.nodes.values()) logs[n.id] = [...n.log];
    return { header: this.header, events: this.events, final: this.truth(), logs };
  }

  private truth(): NodeTruth[] {
    return [...this.nodes.values()].map((n) => ({
      id: n.id,
      running: n.running,
      role: n.role,
      term: n.term,
      vote: n.vote,
      commit: n.commit,
      lastIndex: n.lastIndex,
      lead: n.lead,
    }));
  }

  private leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.nodes.values()) {
      if (n.running && n.role === 'StateLeader' && (!best || n.term > best.term)) best = n;
    }
    return best;
  }

  private propose(): void {
    const rate = this.opts.proposalsPerTick ?? 0.5;
    const leader = this.leader();
    if (!leader || this.random() >= rate) return;
    const count = 1 + Math.floor(this.random() * 3);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = `${leader.id}.${++this.proposalCount}`;
      ids.push(id);
      this.proposalEvent(leader, 'Proposed', id, {});
    }
    const lo = leader.append(count, 24 + Math.floor(this.random() * 40));
    ids.forEach((id, i) => {
      this.proposals.set(lo + i, id);
      this.proposalEvent(leader, 'Appended', id, { index: lo + i, term: leader.term });
    });
    leader.broadcastAppend();
    this.flush(leader);
  }

  private proposalEvent(
    n: SimNode,
    name: 'Proposed' | 'Appended' | 'Committed' | 'Applied' | 'Answered',
    id: string,
    f: object,
  ): void {
    this.emit({
      kind: 'proposal',
      name,
      node: n.id,
      group: 1,
      tick: n.tick,
      proposalId: id,
      op: 'put',
      key: `k${id.split('.')[1] ?? ''}`,
      ...f,
    });
  }

  /** Emits a node's Ready, answers the proposals it applied, and sends its messages. */
  private flush(n: SimNode): void {
    const { committed } = n.flushReady();
    if (committed && n.role === 'StateLeader') {
      for (let i = committed[0]; i <= committed[1]; i++) {
        const id = this.proposals.get(i);
        if (id === undefined) continue;
        this.proposals.delete(i);
        this.proposalEvent(n, 'Committed', id, { index: i, term: n.termAt(i) });
        this.proposalEvent(n, 'Applied', id, { index: i, term: n.termAt(i) });
        this.proposalEvent(n, 'Answered', id, { ok: true, index: i, latencyMs: 20 });
      }
    }
    const out = n.outbox;
    n.outbox = [];
    for (const m of out) this.send(n, m);
  }

  private separated(a: number, b: number): boolean {
    if (this.partition.length === 0) return false;
    const side = (id: number) => this.partition.findIndex((g) => g.includes(id));
    return side(a) !== side(b);
  }

  private net(
    name: 'Send' | 'Hold' | 'Release' | 'Delay' | 'Duplicate' | 'Deliver' | 'Drop',
    node: number,
    msgId: string,
    msg: MessageSummary,
    extra: { reason?: DropReason; delayMs?: number; copyId?: string } = {},
  ): void {
    const tick = this.nodes.get(node)?.tick ?? 0;
    this.emit({ kind: 'net', name, node, group: 1, tick, msgId, msg, ...extra });
  }

  private send(n: SimNode, m: MessageSummary): void {
    const count = (this.msgCounters.get(n.id) ?? 0) + 1;
    this.msgCounters.set(n.id, count);
    const msgId = `${n.id}.${count}`;
    this.net('Send', n.id, msgId, m);
    if (this.separated(m.from, m.to)) {
      this.net('Drop', n.id, msgId, m, { reason: 'partition' });
      return;
    }
    const rule = this.rules.get(`${m.from}>${m.to}`);
    const flight: Flight = {
      msgId,
      msg: m,
      dueTick: Math.floor(this.now / this.tickMs) + 1,
      held: false,
    };
    if (rule?.hold) {
      flight.held = true;
      this.net('Hold', n.id, msgId, m);
    } else if (rule?.delayMs) {
      const delayMs = rule.delayMs + Math.floor(this.random() * (rule.jitterMs ?? 0));
      flight.dueTick += Math.ceil(delayMs / this.tickMs);
      this.net('Delay', n.id, msgId, m, { delayMs });
    } else if (rule?.duplicateRate && this.random() < rule.duplicateRate) {
      const copyId = `${n.id}.${count}d`;
      this.net('Duplicate', n.id, msgId, m, { copyId });
      this.flights.push({ ...flight, msgId: copyId });
    }
    this.flights.push(flight);
  }

  private deliver(tick: number): void {
    const due = this.flights.filter((f) => !f.held && f.dueTick <= tick);
    if (due.length === 0) return;
    this.flights = this.flights.filter((f) => f.held || f.dueTick > tick);
    for (const f of due) {
      const to = this.nodes.get(f.msg.to);
      if (to === undefined || !to.running) {
        this.net('Drop', f.msg.from, f.msgId, f.msg, { reason: 'crashed' });
        continue;
      }
      if (this.separated(f.msg.from, f.msg.to)) {
        this.net('Drop', f.msg.from, f.msgId, f.msg, { reason: 'partition' });
        continue;
      }
      this.net('Deliver', to.id, f.msgId, f.msg);
      to.step(f.msg);
      this.flush(to);
    }
  }

  private watchLeader(tick: number): void {
    const leader = this.leader();
    if (leader) {
      this.noLeaderSince = tick;
      if (this.noLeaderRaised) {
        this.noLeaderRaised = false;
        this.finding('FindingCleared');
      }
    } else if (!this.noLeaderRaised && tick - this.noLeaderSince > NO_LEADER_TICKS) {
      this.noLeaderRaised = true;
      this.finding('FindingRaised');
    }
  }

  private finding(name: 'FindingRaised' | 'FindingCleared'): void {
    this.emit({
      kind: 'finding',
      name,
      node: 0,
      group: 1,
      tick: 0,
      code: 'NoLeader',
      severity: 'warning',
      summary: `No node has been leader for more than ${NO_LEADER_TICKS} ticks.`,
    });
  }

  private runUndo(tick: number): void {
    const due = this.undo.filter((u) => u.atTick <= tick);
    this.undo = this.undo.filter((u) => u.atTick > tick);
    for (const u of due) u.run();
  }

  private later(ticks: number, run: () => void): void {
    this.undo.push({ atTick: Math.floor(this.now / this.tickMs) + ticks, run });
  }

  private maybeFault(): void {
    const every = this.opts.faultEveryTicks ?? 400;
    if (every === 0 || this.undo.length > 0 || this.random() >= 1 / every) return;
    // Faults take turns, so that even a short trace shows each kind.
    const fault = FAULTS[this.faultCount++ % FAULTS.length] as Fault;
    const victim =
      this.leader()?.id ?? this.voters[Math.floor(this.random() * this.voters.length)] ?? 1;
    const other = this.voters.find((v) => v !== victim) ?? 1;
    const span = 30 + Math.floor(this.random() * 90);
    switch (fault) {
      case 'crash':
        this.crash(victim, span);
        return;
      case 'partition':
        this.partition = [[victim], this.voters.filter((v) => v !== victim)];
        this.control('PartitionSet', { groups: this.partition });
        this.later(span, () => {
          this.partition = [];
          this.control('PartitionHealed', {});
        });
        return;
      case 'hold':
        this.rule(victim, other, { hold: true }, span);
        return;
      case 'delay':
        this.rule(victim, other, { delayMs: 30, jitterMs: 20 }, span);
        return;
      case 'duplicate':
        this.rule(victim, other, { duplicateRate: 0.3 }, span);
        return;
      case 'compact': {
        const n = this.nodes.get(victim);
        if (n && n.applied > 10) {
          this.control('Compacted', { node: victim, index: n.applied - 5 }, victim);
        }
        return;
      }
      case 'pause':
        this.control('Paused', {});
        this.control('Resumed', {});
        return;
    }
  }

  private crash(id: number, span: number): void {
    const n = this.nodes.get(id);
    if (n === undefined || !n.running) return;
    n.crash();
    this.control('NodeCrashed', { node: id }, id);
    this.later(span, () => {
      n.running = true;
      this.control('NodeRestarted', { node: id }, id);
      n.init();
      this.flush(n);
    });
  }

  private rule(from: number, to: number, rule: LinkRule, span: number): void {
    const key = `${from}>${to}`;
    this.rules.set(key, rule);
    this.control('LinkRuleSet', { from, to, rule });
    this.later(span, () => {
      this.rules.delete(key);
      this.control('LinkRuleCleared', { from, to });
      for (const f of this.flights) {
        if (!f.held || f.msg.from !== from || f.msg.to !== to) continue;
        f.held = false;
        if (this.random() < 0.5) {
          this.net('Release', from, f.msgId, f.msg);
        } else {
          this.net('Drop', from, f.msgId, f.msg, { reason: 'manual' });
          f.dueTick = -1;
        }
      }
      this.flights = this.flights.filter((f) => f.dueTick >= 0);
    });
  }
}
