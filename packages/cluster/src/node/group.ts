/**
 * One Raft group on one node: its `RawNode`, its storage, its key-value state machine and the
 * client requests waiting on it. The node runtime feeds it ticks and messages; after each input
 * it drains the `Ready`s the core has for it, in etcd's order:
 *
 * 1. a leader sends its messages at once (it may write its log in parallel with replicating
 *    it, Raft thesis 10.2.1), except responses that vouch for its own persisted state;
 * 2. persist the snapshot, the entries and the hard state, then `sync` (only when the Ready
 *    says `mustSync`: a new commit index alone is written but not waited for, as in etcd);
 * 3. send the remaining messages, which may promise what was just persisted (MsgAppResp,
 *    MsgVoteResp, MsgPreVoteResp);
 * 4. apply the snapshot and the committed entries to the state machine, configuration changes
 *    through `applyConfChange`;
 * 5. `advance`.
 *
 * On a real clock with storage that can sync off the event loop (durable storage), step 2
 * waits for the disk asynchronously: the node keeps receiving messages and proposals
 * meanwhile, which the core batches into the next Ready, and the nodes of one process wait
 * for their disks in parallel. Steps 3 to 5 run once the write is durable; one Ready at a time
 * is in flight per group, as the Ready contract asks. The leader's own acknowledgement of its
 * entries comes on `advance`, so they count towards commitment only once durable. Simulated
 * clusters sync in place, so that their runs stay deterministic.
 *
 * The integration faults of the node change exactly one of these steps each.
 */

import {
  asV2,
  type ConfChange,
  type ConfChangeV2,
  type ConfState,
  decodeConfChange,
  decodeConfChangeV2,
  type Entry,
  type HardState,
  type Message,
  type NodeId,
  type RaftError,
  RawNode,
  type Ready,
  type StateType,
} from '@raftlens/raft';
import type { DropReason, ProposalFate, UnsequencedEvent } from '@raftlens/trace';
import type { CoreOptions, IntegrationFault, ReadResult, WriteResult } from '../api.ts';
import { decodeCommand, encodeCommand } from '../kv/command.ts';
import { KvStore } from '../kv/store.ts';
import type { NodeStorage } from '../storage/types.ts';
import type { SeededRandom } from '../time/random.ts';
import type { Scheduler } from '../time/scheduler.ts';
import { readyEventFields } from '../trace/ready-event.ts';
import { refuseConfChange } from './conf-check.ts';
import { type ConfContext, decodeConfContext, encodeConfContext } from './conf-context.ts';
import { CoreEventRouter } from './core-events.ts';
import { progressViews } from './group-view.ts';
import { coreLogger, levelEnabled, type RuntimeLogger } from './logger.ts';
import { type ProposalFields, RequestTracker } from './requests.ts';

/** Messages that vouch for state the sender must have persisted first (etcd's msgsAfterAppend). */
const AFTER_PERSIST: ReadonlySet<string> = new Set(['MsgAppResp', 'MsgVoteResp', 'MsgPreVoteResp']);

/** Readys handled in one go before yielding to other work. */
const READY_ROUNDS_MAX = 16;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The fields every trace event of a group carries, besides its sequence number. */
interface EventBase {
  wallMs: number;
  node: number;
  group: number;
  tick: number;
}

/** A configuration change that took effect on this node. */
export interface AppliedConfChange {
  change: ConfChangeV2;
  confState: ConfState;
  context: ConfContext | null;
  index: number;
}

/** What a group needs from the node it runs on. */
export interface GroupHost {
  readonly nodeId: number;
  readonly faults: ReadonlySet<IntegrationFault>;
  readonly scheduler: Scheduler;
  readonly logger: RuntimeLogger;
  tickCount(): number;
  isPaused(): boolean;
  emit(e: UnsequencedEvent): void;
  /** Sends through the network shaper. */
  send(group: number, msg: Message): void;
  /** Records a message the runtime decided not to send. */
  dropAtSource(group: number, msg: Message, reason: DropReason): void;
  onConfChange(group: number, change: AppliedConfChange): void;
  onRoleChange(group: number, role: StateType, lead: number, term: number): void;
}

export interface GroupOptions {
  group: number;
  /** The node is being added to the group (not a founding member). */
  joining: boolean;
  core: CoreOptions;
  storage: NodeStorage;
  random: SeededRandom;
}

export class GroupRuntime {
  readonly group: number;
  readonly storage: NodeStorage;
  readonly kv = new KvStore();
  readonly rn: RawNode;
  readonly requests: RequestTracker;
  /** The configuration in force at `applied`. */
  confState: ConfState;
  /** Highest index applied to `kv`; never above what is persisted. */
  applied: number;
  /** The role and leader last reported to the host, to log and announce changes once. */
  private reportedRole: StateType = 'StateFollower';
  private reportedLead = 0;
  private hardState: HardState;
  private stopped = false;
  /** Set by the never-advance fault once a Ready has been taken and not given back. */
  private readyFrozen = false;
  private readyScheduled = false;
  /** Writes waiting to be proposed together (see `submitWrite`). */
  private queued: Array<{ id: string; data: Uint8Array }> = [];
  /** True while a Ready waits for its writes to reach the disk (see the top of the file). */
  private readyInFlight = false;
  /**
   * True while a Ready is being handled. Its sends can call back into the group at once (a
   * refused message reports its peer unreachable); those calls step the core but leave the
   * next Ready to the loop, since the core gives no Ready before `advance` of the current one.
   */
  private handlingReady = false;
  private lastProgressJson = '';
  private readonly coreEvents: CoreEventRouter;
  private readonly log: RuntimeLogger;
  private readonly debugOn: boolean;

  constructor(
    private readonly host: GroupHost,
    opts: GroupOptions,
  ) {
    this.group = opts.group;
    this.storage = opts.storage;
    this.log = host.logger.child({ group: opts.group });
    this.debugOn = levelEnabled(this.log, 'debug');
    this.requests = new RequestTracker({
      nodeId: host.nodeId,
      now: () => host.scheduler.now(),
      wallMs: () => host.scheduler.wallMs(),
      after: (ms, fn) => host.scheduler.after(ms, fn),
      emitProposal: (fate, fields) => this.emitProposal(fate, fields),
    });

    this.coreEvents = new CoreEventRouter({
      log: this.log,
      emitState: (fields) => this.host.emit(this.stamp(fields)),
      emitProposal: (fate, fields) => this.emitProposal(fate, fields),
      requests: this.requests,
    });

    // A restarting node rebuilds its state machine from the last snapshot and re-applies the
    // committed entries after it, which the core hands out again.
    const snap = this.storage.snapshot();
    if ('metadata' in snap) {
      this.kv.restore(snap.data);
      this.applied = snap.metadata.index;
    } else {
      this.applied = 0;
    }
    const initial = this.storage.initialState();
    this.confState = initial.confState;
    this.hardState = initial.hardState;

    const core = opts.core;
    this.rn = new RawNode({
      id: host.nodeId as NodeId,
      electionTick: core.electionTick,
      heartbeatTick: core.heartbeatTick,
      storage: this.storage,
      checkQuorum: core.checkQuorum,
      preVote: core.preVote,
      readOnlyOption: core.readOnly === 'safe' ? 'ReadOnlySafe' : 'ReadOnlyLeaseBased',
      maxSizePerMsg: core.maxSizePerMsg,
      maxInflightMsgs: core.maxInflightMsgs,
      maxUncommittedEntriesSize: core.maxUncommittedEntriesSize,
      random: opts.random,
      logger: coreLogger(this.log),
      traceSink: (e) => this.coreEvents.route(e),
    });
    if (!this.rn.raft.promotable()) {
      // A node joining a group waits to apply its own addition; a founding member that cannot
      // campaign was started wrong (no ConfState, or one without itself).
      const reason = whyNotPromotable(this.rn);
      if (opts.joining) this.log.info({ reason }, 'cannot campaign until added');
      else this.log.warn({ reason }, 'cannot campaign');
    }
    const st = this.rn.basicStatus();
    this.reportedRole = st.softState.raftState;
    this.reportedLead = st.softState.lead;
  }

  /** The core's current term. */
  term(): number {
    return this.rn.raft.term;
  }

  /**
   * The core's role and leader now. They can run ahead of what Readys reported: a node whose
   * Ready loop is stuck (never-advance) still changes role inside.
   */
  get role(): StateType {
    return this.rn.raft.state;
  }

  get lead(): number {
    return this.rn.raft.lead;
  }

  isLeader(): boolean {
    return this.role === 'StateLeader';
  }

  /** True once the never-advance fault has stopped this group's Ready loop. */
  isFrozen(): boolean {
    return this.readyFrozen;
  }

  tick(): void {
    if (this.stopped) return;
    this.rn.tick();
    this.processReady();
  }

  step(msg: Message, readyNow: boolean): RaftError | null {
    if (this.stopped) return null;
    const committed = this.rn.raft.raftLog.committed;
    const err = this.rn.step(msg);
    if (err !== null && this.debugOn) {
      this.log.debug({ code: err.code, type: msg.type, from: msg.from }, 'step refused');
    }
    // A leader's new commit index is handled at once: the writes it commits are answered
    // without waiting for the rest of this turn's messages (the other acknowledgements).
    if (readyNow || (this.isLeader() && this.rn.raft.raftLog.committed !== committed)) {
      this.processReady();
    } else this.scheduleReady();
    return err;
  }

  reportUnreachable(peer: number): void {
    if (this.stopped) return;
    this.rn.reportUnreachable(peer as NodeId);
    this.processReady();
  }

  reportSnapshot(peer: number, status: 'finish' | 'failure'): void {
    if (this.stopped) return;
    this.rn.reportSnapshot(peer as NodeId, status);
    this.processReady();
  }

  transferLeader(to: number): void {
    this.rn.transferLeader(to as NodeId);
    this.processReady();
  }

  /**
   * Starts an election now, as an election timeout would (a MsgHup). The core decides what
   * comes of it: a leader ignores it, and a node that may not campaign says why in the log.
   */
  campaign(): void {
    if (this.stopped) return;
    this.rn.campaign();
    this.processReady();
  }

  /** Registers a write; `submitWrite` proposes it (now, or when a paused cluster gets to it). */
  beginWrite(id: string, key: string, value: string, timeoutMs: number): Promise<WriteResult> {
    const promise = this.requests.addWrite(id, key, value, timeoutMs);
    this.requests.emitFate('Proposed', id);
    return promise;
  }

  /**
   * Proposes write `id`. On a real clock the proposal waits, with the others of the same turn
   * of the loop (or of the disk write in flight), to enter the core as one MsgProp when the
   * next Ready is taken: one append and one MsgApp per follower for the batch, rather than one
   * per write. A paused or simulated cluster proposes at once, so that a step is seen whole.
   */
  submitWrite(id: string, key: string, value: string): void {
    if (this.stopped) return;
    const data = encodeCommand({ id, op: 'put', key, value });
    if (this.host.scheduler.kind !== 'real' || this.host.isPaused()) {
      this.afterPropose(id, this.rn.propose(data));
      return;
    }
    this.queued.push({ id, data });
    this.scheduleReady();
  }

  /** Proposes the queued writes as one MsgProp. */
  private proposeQueued(): void {
    const batch = this.queued;
    if (batch.length === 0) return;
    this.queued = [];
    const entries: Entry[] = batch.map((p) => ({
      term: 0 as Entry['term'],
      index: 0 as Entry['index'],
      type: 'EntryNormal',
      data: p.data,
    }));
    const err = this.rn.step({
      type: 'MsgProp',
      to: 0 as NodeId,
      from: this.host.nodeId as NodeId,
      term: 0 as Message['term'],
      logTerm: 0 as Message['logTerm'],
      index: 0 as Message['index'],
      entries,
      commit: 0 as Message['commit'],
      vote: 0 as NodeId,
      snapshot: null,
      reject: false,
      rejectHint: 0 as Message['rejectHint'],
      context: new Uint8Array(0),
      responses: [],
    });
    for (const p of batch) this.afterPropose(p.id, err);
  }

  beginRead(id: string, key: string, timeoutMs: number): Promise<ReadResult> {
    const promise = this.requests.addRead(id, key, timeoutMs);
    this.requests.emitFate('Proposed', id);
    return promise;
  }

  /**
   * Asks for a read index. A node that knows no leader cannot get one (etcd drops the request
   * silently); it fails at once with `NoLeader` instead of waiting for the timeout.
   */
  submitRead(id: string): void {
    if (this.stopped) return;
    if (this.lead === 0) {
      this.requests.failById(id, 'NoLeader', `node ${this.host.nodeId} knows no leader`);
      return;
    }
    this.rn.readIndex(encoder.encode(id));
    if (!this.isLeader()) this.requests.emitFate('Forwarded', id, { reason: `to ${this.lead}` });
    this.scheduleReady();
  }

  beginConfChange(id: string, timeoutMs: number): Promise<void> {
    const promise = this.requests.addConf(id, timeoutMs);
    this.requests.emitFate('Proposed', id);
    return promise;
  }

  /**
   * Proposes conf change `id`, with the addresses of the nodes it adds in its context. A change
   * the core would refuse, here or on applying it, fails with `ConfChangeRejected` at once.
   */
  submitConfChange(
    id: string,
    cc: ConfChange | ConfChangeV2,
    where: Omit<ConfContext, 'id'> = {},
  ): void {
    if (this.stopped) return;
    const refusal = refuseConfChange(this.rn.raft, asV2(cc));
    if (refusal !== null) {
      const text = `conf change refused: ${refusal.message} (${refusal.reason})`;
      this.requests.failById(id, 'ConfChangeRejected', text, refusal.reason);
      return;
    }
    const ctx: ConfContext = { id, ...where };
    const err = this.rn.proposeConfChange({ ...cc, context: encodeConfContext(ctx) });
    if (err !== null) {
      const reason = err.code === 'ProposalDropped' ? err.reason : err.code;
      this.requests.failById(id, 'ConfChangeRejected', `${err.message} (${reason})`, reason);
      return;
    }
    this.processReady();
  }

  /**
   * Takes a snapshot of the state machine at `applied` (unless one is there already) and
   * discards the log up to it. Returns the index the log now starts after.
   */
  compact(): number {
    const index = this.applied as Entry['index'];
    const snap = this.storage.snapshot();
    const snapIndex = 'metadata' in snap ? snap.metadata.index : 0;
    if (index > snapIndex) {
      const created = this.storage.createSnapshot(index, this.confState, this.kv.snapshotData());
      if ('code' in created) throw new Error(`createSnapshot(${index}): ${created.message}`);
    }
    if (index > this.storage.firstIndex() - 1) {
      const err = this.storage.compact(index);
      if (err !== null) throw new Error(`compact(${index}): ${err.message}`);
    }
    this.storage.sync();
    this.log.info({ index }, 'compacted the log');
    return this.storage.firstIndex() - 1;
  }

  /** Stops the group: nothing it holds will be stepped again; every request fails. */
  stop(code: 'NodeCrashed' | 'ClusterClosed', message: string): void {
    this.stopped = true;
    this.requests.failAll(code, message);
  }

  /** Emits the leader's progress tracker if it changed since the last emission. */
  emitProgressIfChanged(): void {
    if (!this.isLeader()) {
      this.lastProgressJson = '';
      return;
    }
    const progress = progressViews(this.rn.status().progress);
    const json = JSON.stringify(progress);
    if (json === this.lastProgressJson) return;
    this.lastProgressJson = json;
    this.host.emit({
      kind: 'progress',
      name: 'Progress',
      ...this.base(),
      term: this.hardState.term,
      progress,
    });
  }

  /** Drains the Readys the core has, a bounded number at a time. */
  processReady(): void {
    for (let round = 0; round < READY_ROUNDS_MAX; round++) {
      if (this.stopped || this.readyInFlight || this.handlingReady) return;
      this.proposeQueued();
      if (this.readyFrozen || !this.rn.hasReady()) return;
      const rd = this.rn.ready();
      this.handlingReady = true;
      try {
        const durable = this.beginReady(rd);
        if (durable !== null) {
          this.readyInFlight = true;
          durable.then(
            () => this.readyDurable(rd),
            (err: unknown) => this.diskFailed(err),
          );
          return;
        }
        this.finishReady(rd);
      } finally {
        this.handlingReady = false;
      }
    }
    if (this.rn.hasReady()) this.scheduleReady();
  }

  /** A Ready's writes reached the disk: finishes it, then goes on with the next. */
  private readyDurable(rd: Ready): void {
    this.readyInFlight = false;
    if (this.stopped) return;
    try {
      this.handlingReady = true;
      try {
        this.finishReady(rd);
      } finally {
        this.handlingReady = false;
      }
      // Advance changes Raft state; while paused it waits for the resume or the next step.
      if (!this.host.isPaused()) this.processReady();
    } catch (err) {
      this.diskFailed(err);
    }
  }

  /**
   * A write failed (or handling its Ready did): the node cannot go on with a log it could not
   * persist, so the group stops, as etcd panics on a failed WAL write.
   */
  private diskFailed(err: unknown): void {
    this.readyInFlight = false;
    if (this.stopped) return;
    this.log.error({ err }, 'storage failed; the group stops');
    this.stop('NodeCrashed', `node ${this.host.nodeId} could not persist: ${String(err)}`);
  }

  /**
   * Handles the Ready on the next turn of the loop rather than now, so that a burst of client
   * requests lands in one Ready (one append, one sync, one MsgApp per follower), as proposals
   * queued on etcd's propc are batched between two Readys.
   */
  private scheduleReady(): void {
    if (this.readyScheduled) return;
    this.readyScheduled = true;
    this.host.scheduler.after(0, () => {
      this.readyScheduled = false;
      // Advance changes Raft state; while paused it waits for the resume or the next step.
      if (!this.host.isPaused()) this.processReady();
    });
  }

  /**
   * Steps 1 and 2 of a Ready. Returns a promise when its writes are on their way to the disk
   * and the rest must wait for them, or null when they are durable already.
   */
  private beginReady(rd: Ready): Promise<void> | null {
    this.emitReady(rd);
    if (rd.softState !== null) this.noteSoftState(rd.softState.raftState, rd.softState.lead);
    if (rd.hardState !== null) this.noteHardState(rd.hardState);

    const leader = this.isLeader();
    const late: Message[] = [];
    for (const m of rd.messages) {
      if (leader && !AFTER_PERSIST.has(m.type)) this.host.send(this.group, m);
      else late.push(m);
    }
    // What is left for finishReady.
    rd.messages = late;

    return this.persist(rd);
  }

  /** Steps 3 to 5 of a Ready, its writes being durable. */
  private finishReady(rd: Ready): void {
    const dropPersisted = this.host.faults.has('drop-persisted-messages');
    for (const m of rd.messages) {
      if (dropPersisted && AFTER_PERSIST.has(m.type)) {
        this.host.dropAtSource(this.group, m, 'fault');
      } else {
        this.host.send(this.group, m);
      }
    }

    if (rd.snapshot !== null) this.applySnapshot(rd.snapshot);
    for (const e of rd.committedEntries) this.applyEntry(e);
    for (const rs of rd.readStates) {
      this.requests.readIndexKnown(decoder.decode(rs.requestCtx), rs.index);
    }

    if (this.host.faults.has('never-advance')) {
      // An integration that forgets Advance gets no further Ready from etcd's Node: the
      // channel stays quiet while the state machine inside keeps ticking and stepping.
      this.readyFrozen = true;
      this.log.warn('advance is never called (integration fault): no further Ready');
    } else {
      this.rn.advance(rd);
    }
    this.requests.readsApplied(this.applied, (key) => this.kv.get(key));
  }

  /** Writes a Ready's state; returns a promise if the rest of the Ready must wait for it. */
  private persist(rd: Ready): Promise<void> | null {
    if (rd.snapshot !== null) {
      const err = this.storage.applySnapshot(rd.snapshot);
      if (err !== null) throw new Error(`applySnapshot: ${err.message}`);
    }
    if (rd.entries.length > 0) this.storage.append(rd.entries);
    if (rd.hardState !== null) this.storage.setHardState(rd.hardState);
    let durable: Promise<void> | null = null;
    if (rd.snapshot !== null || rd.entries.length > 0 || rd.hardState !== null) {
      const storage = this.storage;
      const mustSync = rd.mustSync || rd.snapshot !== null;
      if (!mustSync && storage.writeBack !== undefined) storage.writeBack();
      else if (storage.syncAsync !== undefined && this.host.scheduler.kind === 'real') {
        durable = storage.syncAsync();
      } else storage.sync();
    }
    if (rd.entries.length > 0 && this.requests.hasWrites()) this.noteAppended(rd.entries);
    return durable;
  }

  private noteAppended(entries: Entry[]): void {
    const ackOnAppend = this.host.faults.has('ack-on-append');
    const leader = this.isLeader() ? this.host.nodeId : this.lead;
    for (const e of entries) {
      if (e.type !== 'EntryNormal' || e.data.length === 0) continue;
      const cmd = decodeCommand(e.data);
      if (cmd === null || typeof cmd === 'string') continue;
      const w = this.requests.writeAppended(cmd.id, e, leader);
      if (w !== undefined && ackOnAppend) this.requests.answerOnAppend(w);
    }
  }

  private applySnapshot(snap: NonNullable<Ready['snapshot']>): void {
    this.kv.restore(snap.data);
    this.applied = snap.metadata.index;
    this.confState = snap.metadata.confState;
    this.log.info({ index: snap.metadata.index, term: snap.metadata.term }, 'applied snapshot');
  }

  private applyEntry(e: Entry): void {
    if (e.index <= this.applied) {
      throw new Error(`entry ${e.index} handed out again after applying ${this.applied}`);
    }
    switch (e.type) {
      case 'EntryNormal':
        this.applyNormal(e);
        break;
      case 'EntryConfChange':
        this.applyConfChange(e, decodeConfChange(e.data));
        break;
      case 'EntryConfChangeV2':
        this.applyConfChange(e, decodeConfChangeV2(e.data));
        break;
    }
    this.applied = e.index;
  }

  private applyNormal(e: Entry): void {
    const outcome = this.kv.applyEntryData(e.data);
    let id: string | null = null;
    if (outcome.kind === 'applied' || outcome.kind === 'duplicate') id = outcome.cmd.id;
    if (outcome.kind === 'invalid') {
      this.log.warn({ index: e.index, reason: outcome.reason }, 'entry is not a command');
    }
    if (outcome.kind === 'duplicate') {
      // The first copy answered the write; this one changes nothing.
      return;
    }
    if (this.requests.hasWrites()) {
      this.requests.writeCommitted(id, e);
      this.requests.entryApplied(id, e, this.lead);
    }
  }

  private applyConfChange(e: Entry, cc: ConfChange | ConfChangeV2): void {
    this.confState = this.rn.applyConfChange(cc);
    const change = asV2(cc);
    const context = decodeConfContext(change.context);
    this.log.info({ index: e.index, voters: this.confState.voters }, 'applied conf change');
    if (this.storage.firstIndex() > 1) {
      // The log was compacted, so a new member can only be caught up by snapshot, and a
      // snapshot from before its addition does not name it: the core would refuse it, as
      // etcd's does. A snapshot taken here (the state machine is unchanged by the change)
      // carries the configuration that includes it.
      const snap = this.storage.createSnapshot(e.index, this.confState, this.kv.snapshotData());
      if ('code' in snap) throw new Error(`createSnapshot(${e.index}): ${snap.message}`);
    }
    this.host.onConfChange(this.group, {
      change,
      confState: this.confState,
      context,
      index: e.index,
    });
    if (context !== null) this.requests.confApplied(context.id, e);
  }

  private afterPropose(id: string, err: RaftError | null): void {
    if (err !== null) {
      const reason = err.code === 'ProposalDropped' ? err.reason : err.code;
      this.requests.failById(id, 'ProposalDropped', `${err.message} (${reason})`, reason);
      return;
    }
    if (!this.isLeader()) this.requests.emitFate('Forwarded', id, { reason: `to ${this.lead}` });
    this.scheduleReady();
  }

  private noteSoftState(role: StateType, lead: number): void {
    if (role === this.reportedRole && lead === this.reportedLead) return;
    this.reportedRole = role;
    this.reportedLead = lead;
    this.log.info({ role, lead, term: this.rn.basicStatus().hardState.term }, 'role changed');
    this.host.onRoleChange(this.group, role, lead, this.rn.basicStatus().hardState.term);
  }

  private noteHardState(hs: HardState): void {
    if (hs.term !== this.hardState.term) {
      this.log.info({ term: hs.term, vote: hs.vote }, 'term changed');
    }
    this.hardState = hs;
  }

  private emitReady(rd: Ready): void {
    this.host.emit(this.stamp(readyEventFields(rd)));
  }

  private emitProposal(fate: ProposalFate, fields: ProposalFields): void {
    const base = this.host;
    this.host.emit({
      kind: 'proposal',
      name: fate,
      wallMs: base.scheduler.wallMs(),
      node: base.nodeId,
      group: this.group,
      tick: base.tickCount(),
      ...fields,
    });
  }

  /**
   * Adds the event base fields to `fields`, a fresh object of the caller's, in place: copying
   * every field of every event into a new object (a spread) was a good part of what tracing
   * cost per message. The fields come after the caller's, as a spread would put them.
   */
  private stamp<T extends object>(fields: T): T & EventBase {
    const e = fields as T & EventBase;
    e.wallMs = this.host.scheduler.wallMs();
    e.node = this.host.nodeId;
    e.group = this.group;
    e.tick = this.host.tickCount();
    return e;
  }

  private base(): EventBase {
    return {
      wallMs: this.host.scheduler.wallMs(),
      node: this.host.nodeId,
      group: this.group,
      tick: this.host.tickCount(),
    };
  }
}

/** Why a node cannot campaign, in words (the core tells only when asked to campaign). */
function whyNotPromotable(rn: RawNode): string {
  const r = rn.raft;
  const pr = r.trk.progress.get(r.id);
  if (pr === undefined) {
    return r.trk.voterNodes().length === 0
      ? 'no configuration: its storage holds no ConfState with voters'
      : `not a voter of its configuration (voters ${r.trk.voterNodes().join(', ')})`;
  }
  return pr.isLearner ? 'a learner' : 'applying a snapshot';
}
