/**
 * The replay machine: a reducer over trace events. It holds the cluster as the events so far
 * describe it, applies one event at a time, and clones itself cheaply for checkpoints.
 *
 * Cloning copies the per-node and per-group records and the small maps (messages in flight,
 * link rules, findings); everything those point to is immutable and shared. A clone therefore
 * costs O(nodes x groups + messages in flight + rules + findings), independent of the length of
 * the trace or of any log.
 */

import type {
  ControlEvent,
  MessageSummary,
  NetEvent,
  ReadyEvent,
  StateEvent,
  TraceEvent,
  TraceHeader,
} from '../events.ts';
import type {
  ClusterSnapshot,
  HeldMessageView,
  LinkRule,
  LinkRuleView,
  NodeStatus,
} from '../snapshot.ts';
import { GroupSlot, LEADER_MESSAGE_TYPES } from './group-slot.ts';
import type { ActiveFinding, ReplayNodeState } from './state.ts';

/** What an applied event did, for the navigation indexes. */
export const APPLIED_COMMIT = 1;
export const APPLIED_ELECTION = 2;

/** A message on the network; replaced, never edited, so that clones may share it. */
export interface Flight {
  /**
   * Position of the event that sent it (Send or Duplicate); its `msg` is the message. -1 for
   * a message the starting snapshot held, described by `known`.
   */
  readonly pos: number;
  readonly known?: HeldAtStart;
  readonly copyOf: string | null;
  readonly heldAtMs: number | null;
  readonly delayedUntilMs: number | null;
}

/** A message held on its link in the snapshot a trace starts from. */
export interface HeldAtStart {
  readonly msg: MessageSummary;
  readonly group: number;
  readonly seq: number;
  readonly wallMs: number;
}

/** What the source of a trace records; an imported trace lacks some of it. */
export interface SourceFacts {
  /** Written by this project's runtime, whose habits the replay may rely on. */
  native: boolean;
  ticks: boolean;
  learners: boolean;
  /** etcd logs ApplyConfChange with the configuration from before the change. */
  confBeforeChange: boolean;
}

export function sourceFacts(header: TraceHeader): SourceFacts {
  const native = header.importedFrom === undefined;
  return { native, ticks: native, learners: native, confBeforeChange: !native };
}

class NodeSlot {
  status: NodeStatus = 'running';
  tick: number | null = null;
  address: string | null = null;
  faults: readonly string[] | null = null;
  groups = new Map<number, GroupSlot>();

  constructor(readonly id: number) {}

  clone(): NodeSlot {
    const c = new NodeSlot(this.id);
    c.status = this.status;
    c.tick = this.tick;
    c.address = this.address;
    c.faults = this.faults;
    for (const [g, slot] of this.groups) c.groups.set(g, slot.clone());
    return c;
  }
}

export class ReplayMachine {
  /** Events applied so far; the next event to apply is at this position. */
  position = 0;
  seq = 0;
  wallMs: number;
  paused = false;
  speed: number | null = null;
  tickMs: number | null = null;
  private nodes = new Map<number, NodeSlot>();
  private links = new Map<string, LinkRuleView>();
  private partitions: readonly (readonly number[])[] = [];
  private flights = new Map<string, Flight>();
  private findings = new Map<string, ActiveFinding>();
  /** Integration faults by node id, once ClusterStarted said them (it is shared, never edited). */
  private startFaults: Readonly<Record<string, readonly string[]>> | null = null;

  constructor(
    readonly header: TraceHeader,
    private readonly facts: SourceFacts = sourceFacts(header),
  ) {
    this.wallMs = header.createdAtMs;
  }

  /**
   * A machine at the moment a snapshot shows: a trace that starts mid-run (a recording whose
   * oldest segments were rotated away) begins with one. What a `ClusterSnapshot` does not hold
   * stays unknown until events tell it: the terms of entries before its log window, which
   * findings were active, and messages in flight that were not held.
   */
  static fromSnapshot(header: TraceHeader, snap: ClusterSnapshot): ReplayMachine {
    const m = new ReplayMachine(header);
    m.seq = snap.seq;
    m.wallMs = snap.wallMs;
    m.paused = snap.paused;
    m.speed = snap.speed;
    m.tickMs = snap.tickMs;
    const faults: Record<string, readonly string[]> = {};
    for (const nv of snap.nodes) {
      const n = new NodeSlot(nv.id);
      n.status = nv.status;
      n.tick = nv.tick;
      n.address = nv.address;
      n.faults = nv.faults;
      faults[nv.id] = nv.faults;
      for (const gv of nv.groups) n.groups.set(gv.group, GroupSlot.fromView(nv.id, gv));
      m.nodes.set(nv.id, n);
    }
    m.startFaults = faults;
    for (const l of snap.links) m.links.set(`${l.from}>${l.to}`, l);
    m.partitions = snap.partitions.length > 1 ? snap.partitions : [];
    for (const h of snap.held) {
      m.flights.set(h.msgId, {
        pos: -1,
        known: { msg: heldMessage(h), group: h.group, seq: snap.seq, wallMs: h.heldAtMs },
        copyOf: null,
        heldAtMs: h.heldAtMs,
        delayedUntilMs: null,
      });
    }
    return m;
  }

  clone(): ReplayMachine {
    const c = new ReplayMachine(this.header, this.facts);
    c.position = this.position;
    c.seq = this.seq;
    c.wallMs = this.wallMs;
    c.paused = this.paused;
    c.speed = this.speed;
    c.tickMs = this.tickMs;
    for (const [id, n] of this.nodes) c.nodes.set(id, n.clone());
    c.links = new Map(this.links);
    c.partitions = this.partitions;
    c.flights = new Map(this.flights);
    c.findings = new Map(this.findings);
    c.startFaults = this.startFaults;
    return c;
  }

  /** Applies the event at `this.position`; returns what it did (APPLIED_* flags). */
  apply(e: TraceEvent): number {
    this.position++;
    this.seq = e.seq;
    this.wallMs = e.wallMs;
    switch (e.kind) {
      case 'state':
        return this.applyState(e);
      case 'net':
        this.applyNet(e);
        return 0;
      case 'ready':
        return this.applyReady(e);
      case 'progress':
        this.slot(e.node, e.group, e).setProgress(e.progress);
        return 0;
      case 'proposal':
        this.touch(e.node, e.tick);
        return 0;
      case 'control':
        this.applyControl(e);
        return 0;
      case 'finding':
        this.applyFinding(e);
        return 0;
    }
  }

  private noContactLead(): number | null {
    return this.facts.native ? 0 : null;
  }

  private node(id: number): NodeSlot {
    let n = this.nodes.get(id);
    if (n === undefined) {
      n = new NodeSlot(id);
      if (this.startFaults !== null) n.faults = this.startFaults[id] ?? [];
      this.nodes.set(id, n);
    }
    return n;
  }

  private touch(id: number, tick: number): NodeSlot {
    const n = this.node(id);
    if (this.facts.ticks) n.tick = tick;
    return n;
  }

  private slot(id: number, group: number, e: TraceEvent): GroupSlot {
    const n = this.touch(id, e.tick);
    let g = n.groups.get(group);
    if (g === undefined) {
      g = new GroupSlot(id, group);
      n.groups.set(group, g);
    }
    g.lastSeq = e.seq;
    return g;
  }

  private applyState(e: StateEvent): number {
    const g = this.slot(e.node, e.group, e);
    const commitBefore = g.commit;
    if (e.name === 'InitState') g.contactTerm = -1;
    g.setRoleAndTerm(e.role, e.term, this.noContactLead());
    if (e.name === 'InitState') {
      // A (re)started node knows no leader. The runtime rebuilds its state machine from the
      // last snapshot, so that is what it has applied; other sources do not say.
      g.lead = 0;
      g.applied = this.facts.native ? g.snapshotIndex : null;
    }
    g.vote = e.vote;
    g.commit = e.commit;
    g.voters = e.conf[0];
    g.votersOutgoing = e.conf[1];
    g.learners = this.facts.learners ? e.learners : null;
    if (e.name === 'ApplyConfChange' && this.facts.confBeforeChange && e.confChange) {
      g.voters = votersAfterChange(g.voters, e.confChange);
    }
    g.syncLastIndex(e.lastIndex);
    const msg = e.msg;
    // The core's own send: what it says about the sender's log holds from this moment (the
    // runtime's net Send of the same message may come only after the next Ready).
    if (msg && e.name.startsWith('Send')) g.learnFromSent(msg);
    if (e.progress && msg) g.notePeerProgress(msg.to, e.progress.match, e.progress.next);
    if (e.name === 'ReceiveAppendEntriesResponse' && msg?.type === 'MsgAppResp') {
      if (!msg.reject && msg.term === e.term) g.noteAck(msg.from, msg.index);
    }
    let did = commitBefore !== null && e.commit > commitBefore ? APPLIED_COMMIT : 0;
    if (e.name === 'BecomeLeader') did |= APPLIED_ELECTION;
    return did;
  }

  private applyReady(e: ReadyEvent): number {
    const g = this.slot(e.node, e.group, e);
    const commitBefore = g.commit;
    const role = e.softState?.role ?? g.role;
    const term = e.hardState?.term ?? g.term;
    if (role !== null && term !== null) g.setRoleAndTerm(role, term, this.noContactLead());
    else if (e.softState) g.role = e.softState.role;
    if (e.hardState) {
      g.term = e.hardState.term;
      g.vote = e.hardState.vote;
      g.commit = e.hardState.commit;
    }
    // The soft state is the core's own word on the leader; it beats what we inferred.
    if (e.softState) g.lead = e.softState.lead;
    if (e.snapshot) g.restoreSnapshot(e.snapshot.index, e.snapshot.term);
    if (e.entries) g.readyEntries(e.entries[0], e.entries[1]);
    if (e.committed) g.applied = e.committed[1];
    return commitBefore !== null && g.commit !== null && g.commit > commitBefore
      ? APPLIED_COMMIT
      : 0;
  }

  private applyNet(e: NetEvent): void {
    switch (e.name) {
      case 'Send': {
        this.flights.set(e.msgId, {
          pos: this.position - 1,
          copyOf: null,
          heldAtMs: null,
          delayedUntilMs: null,
        });
        this.slot(e.node, e.group, e).learnFromSent(e.msg);
        return;
      }
      case 'Hold':
        this.updateFlight(e.msgId, { heldAtMs: e.wallMs });
        return;
      case 'Release':
        this.updateFlight(e.msgId, { heldAtMs: null });
        return;
      case 'Delay':
        this.updateFlight(e.msgId, { delayedUntilMs: e.wallMs + (e.delayMs ?? 0) });
        return;
      case 'Duplicate':
        if (e.copyId !== undefined) {
          this.flights.set(e.copyId, {
            pos: this.position - 1,
            copyOf: e.msgId,
            heldAtMs: null,
            delayedUntilMs: null,
          });
        }
        return;
      case 'Deliver':
        this.flights.delete(e.msgId);
        this.received(this.slot(e.node, e.group, e), e.msg);
        return;
      case 'Drop':
        this.flights.delete(e.msgId);
        return;
    }
  }

  private updateFlight(msgId: string, change: Partial<Flight>): void {
    const f = this.flights.get(msgId);
    if (f !== undefined) this.flights.set(msgId, { ...f, ...change });
  }

  private received(g: GroupSlot, msg: MessageSummary): void {
    if (LEADER_MESSAGE_TYPES.has(msg.type)) g.noteLeaderContact(msg);
    if (msg.type === 'MsgApp') g.stashAppend(msg);
  }

  private applyControl(e: ControlEvent): void {
    const d = e.detail;
    const target = typeof d.node === 'number' ? d.node : e.node;
    switch (e.name) {
      case 'ClusterStarted':
        if (typeof d.tickMs === 'number') this.tickMs = d.tickMs;
        if (typeof d.speed === 'number') this.speed = d.speed;
        this.startFaults = isObject(d.faults)
          ? (d.faults as Record<string, readonly string[]>)
          : {};
        return;
      case 'Paused':
        this.paused = true;
        return;
      case 'Resumed':
        this.paused = false;
        return;
      case 'SpeedSet': {
        const speed = d.speed ?? d.factor;
        if (typeof speed === 'number') this.speed = speed;
        return;
      }
      case 'LinkRuleSet':
        if (typeof d.from === 'number' && typeof d.to === 'number' && isObject(d.rule)) {
          const rule = d.rule as LinkRule;
          this.links.set(`${d.from}>${d.to}`, { from: d.from, to: d.to, rule });
        }
        return;
      case 'LinkRuleCleared':
        if (typeof d.from === 'number' && typeof d.to === 'number') {
          this.links.delete(`${d.from}>${d.to}`);
        }
        return;
      case 'PartitionSet': {
        const groups = d.groups ?? d.partitions;
        if (isPartition(groups)) this.partitions = groups.length > 1 ? groups : [];
        return;
      }
      case 'PartitionHealed':
        this.partitions = [];
        return;
      case 'NodeCrashed': {
        const n = this.node(target);
        n.status = 'crashed';
        for (const g of n.groups.values()) g.crash();
        return;
      }
      case 'NodeRestarted':
      case 'NodeAdded': {
        const n = this.node(target);
        n.status = 'running';
        if (typeof d.address === 'string') n.address = d.address;
        return;
      }
      case 'NodeRemoved': {
        // The node leaves the group; a node left with no group stops altogether.
        const n = this.node(target);
        if (typeof d.group === 'number') n.groups.delete(d.group);
        else n.groups.clear();
        if (n.groups.size === 0) n.status = 'stopped';
        return;
      }
      case 'Compacted': {
        const index = d.index;
        const group = typeof d.group === 'number' ? d.group : e.group;
        const g = this.nodes.get(target)?.groups.get(group);
        if (g !== undefined && typeof index === 'number') g.compact(index);
        return;
      }
      case 'Stepped':
      case 'LeaderTransferRequested':
      case 'TransportError':
        return;
    }
  }

  private applyFinding(e: TraceEvent & { kind: 'finding' }): void {
    const key = `${e.code}|${e.node}|${e.group}`;
    if (e.name === 'FindingCleared') {
      this.findings.delete(key);
      return;
    }
    this.findings.set(key, {
      code: e.code,
      severity: e.severity,
      summary: e.summary,
      node: e.node,
      group: e.group,
      raisedSeq: e.seq,
    });
  }

  nodeViews(): ReplayNodeState[] {
    const ids = [...this.nodes.keys()].sort((a, b) => a - b);
    return ids.map((id) => {
      const n = this.nodes.get(id) as NodeSlot;
      const groups = [...n.groups.keys()].sort((a, b) => a - b);
      return {
        id,
        status: n.status,
        tick: n.tick,
        address: n.address,
        faults: n.faults,
        groups: groups.map((g) => (n.groups.get(g) as GroupSlot).view()),
      };
    });
  }

  linkViews(): LinkRuleView[] {
    return [...this.links.values()].sort((a, b) => a.from - b.from || a.to - b.to);
  }

  partitionView(): readonly (readonly number[])[] {
    return this.partitions;
  }

  /** Messages in flight with their ids, in the order they were sent. */
  flightList(): Array<[string, Flight]> {
    return [...this.flights].sort((a, b) => a[1].pos - b[1].pos);
  }

  findingList(): ActiveFinding[] {
    return [...this.findings.values()].sort((a, b) => a.raisedSeq - b.raisedSeq);
  }
}

/** A held message as a snapshot lists it: what it does not list is zero or empty. */
function heldMessage(h: HeldMessageView): MessageSummary {
  return {
    type: h.type,
    from: h.from,
    to: h.to,
    term: h.term,
    logTerm: 0,
    index: h.index,
    commit: 0,
    vote: 0,
    reject: false,
    rejectHint: 0,
    entries: [],
    entryCount: h.entries,
    bytes: 0,
  };
}

function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPartition(v: unknown): v is number[][] {
  return (
    Array.isArray(v) && v.every((g) => Array.isArray(g) && g.every((id) => typeof id === 'number'))
  );
}

/**
 * The voters after an etcd configuration change, from the importer's notation: either the
 * whole new set (`voters=(1 2 3)`) or single changes (`v4 l5 r6`).
 */
export function votersAfterChange(voters: readonly number[], change: string): readonly number[] {
  const whole = /^voters=\(([\d ]*)\)$/.exec(change.trim());
  if (whole) {
    const ids = (whole[1] ?? '').split(' ').filter((s) => s !== '');
    return ids.map(Number).sort((a, b) => a - b);
  }
  const set = new Set(voters);
  for (const tok of change.trim().split(/\s+/)) {
    const id = Number(tok.slice(1));
    if (!Number.isInteger(id)) continue;
    if (tok[0] === 'v') set.add(id);
    else if (tok[0] === 'l' || tok[0] === 'r') set.delete(id);
  }
  return [...set].sort((a, b) => a - b);
}
