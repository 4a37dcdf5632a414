/**
 * The runtime of one node: one loop that ticks every Raft group the node hosts, steps the
 * messages its transport receives into the right group, and runs client requests. All groups
 * share the node's transport; an envelope names its group.
 *
 * While the cluster is paused nothing reaches the Raft state: ticks are skipped, and messages
 * and local requests wait in the node's inbox, oldest first, until the cluster resumes or a
 * person steps them one by one.
 */

import type { Message, StateType } from '@raftlens/raft';
import type {
  DropReason,
  GroupView,
  HeldMessageView,
  NodeView,
  UnsequencedEvent,
} from '@raftlens/trace';
import type { CoreOptions, IntegrationFault } from '../api.ts';
import type { NetworkShaper } from '../net/shaper.ts';
import type { NodeStorage } from '../storage/types.ts';
import { every } from '../time/periodic.ts';
import type { SeededRandom } from '../time/random.ts';
import type { Scheduler, TimerHandle } from '../time/scheduler.ts';
import { summarizeMessage as summarize } from '../trace/summary.ts';
import type { Envelope, NodeTransport, TransportStats } from '../transport/types.ts';
import { type AppliedConfChange, GroupRuntime } from './group.ts';
import { EntrySummaries, groupView, persistedGroupView } from './group-view.ts';
import { levelEnabled, type RuntimeLogger } from './logger.ts';

/** Inbox entries beyond this are dropped (oldest first) while paused. */
const INBOX_MAX = 10_000;

export type NodeStatus = 'running' | 'crashed' | 'stopped';

/** What a node needs from the cluster around it. */
export interface NodeHost {
  readonly scheduler: Scheduler;
  readonly shaper: NetworkShaper;
  readonly logger: RuntimeLogger;
  readonly core: CoreOptions;
  tickMs(): number;
  isPaused(): boolean;
  emit(e: UnsequencedEvent): void;
  /** A global arrival counter, so stepping picks the oldest pending item across nodes. */
  nextInboxSeq(): number;
  /** The random source of one group of one node in one incarnation. */
  random(node: number, group: number, incarnation: number): SeededRandom;
  /** Creates the node's transport for a (re)start; `anyPort` gives up a remembered port. */
  createTransport(node: number, anyPort: boolean): NodeTransport;
  /** Peers to connect to on start: every other known node and its address. */
  peerAddresses(node: number): Array<{ id: number; address: string }>;
  onConfChange(node: number, group: number, change: AppliedConfChange): void;
  onRoleChange(node: number, group: number, role: StateType, lead: number, term: number): void;
  onAddress(node: number, address: string): void;
}

export type InboxItem =
  | { seq: number; atMs: number; kind: 'message'; from: number; env: Envelope }
  | {
      seq: number;
      atMs: number;
      kind: 'local';
      group: number;
      label: string;
      run: () => void;
    };

export class NodeRuntime {
  status: NodeStatus = 'stopped';
  /** Set for a node started to be added to a group, which cannot campaign until it is. */
  joining = false;
  address = 'in-process';
  private transport: NodeTransport | null = null;
  private readonly groups = new Map<number, GroupRuntime>();
  private readonly timers: TimerHandle[] = [];
  private tickCount = 0;
  private incarnation = 0;
  private inbox: InboxItem[] = [];
  /** True while the inbox is being run through; items queued meanwhile join the run. */
  private draining = false;
  private readonly summaries = new Map<number, EntrySummaries>();
  private readonly log: RuntimeLogger;
  private readonly debugOn: boolean;

  constructor(
    readonly id: number,
    readonly faults: ReadonlySet<IntegrationFault>,
    /** Storage per group; it outlives crashes. */
    private readonly storages: Map<number, NodeStorage>,
    /**
     * Gives the storage a restart reads, after a crash closed `old`: the same object for
     * memory storage ("persisted memory"), a fresh handle on the same files for durable.
     */
    private readonly reopen: (group: number, old: NodeStorage) => NodeStorage,
    private readonly host: NodeHost,
  ) {
    this.log = host.logger.child({ node: id });
    this.debugOn = levelEnabled(this.log, 'debug');
  }

  /** The groups this node hosts, ascending. */
  groupIds(): number[] {
    return [...this.storages.keys()].sort((a, b) => a - b);
  }

  group(g: number): GroupRuntime | undefined {
    return this.groups.get(g);
  }

  ticks(): number {
    return this.tickCount;
  }

  /** Starts (or restarts) the node from its storage. */
  async start(): Promise<void> {
    if (this.status === 'running') return;
    this.incarnation++;
    const transport = await this.openTransport();
    this.transport = transport;
    this.address = transport.address;
    this.host.onAddress(this.id, this.address);
    this.status = 'running';
    for (const g of this.groupIds()) this.startGroup(g);
    for (const p of this.host.peerAddresses(this.id)) transport.connect(p.id, p.address);
    this.startTicking();
    this.log.info({ address: this.address, groups: this.groupIds() }, 'node started');
  }

  /** Starts a transport, on the remembered port if it is free, else on any port. */
  private async openTransport(): Promise<NodeTransport> {
    for (const anyPort of [false, true]) {
      const transport = this.host.createTransport(this.id, anyPort);
      transport.onReceive((from, env) => this.receive(from, env));
      transport.onPeerStatus((peer, up) => this.peerStatus(peer, up));
      try {
        await transport.start();
        return transport;
      } catch (err) {
        await transport.close();
        if (anyPort) throw err;
        this.log.warn({ err }, 'could not listen on the old port; trying any port');
      }
    }
    throw new Error('unreachable');
  }

  /**
   * Starts a replica of a group this node does not host yet (it is being added to it), now if
   * the node runs, else when it restarts.
   */
  hostGroup(g: number, storage: NodeStorage): void {
    if (this.storages.has(g)) throw new Error(`node ${this.id} already hosts group ${g}`);
    this.storages.set(g, storage);
    if (this.status === 'running') this.startGroup(g);
  }

  /** Stops this node's replica of a group for good (it was removed from the group). */
  dropGroup(g: number): void {
    this.groups.get(g)?.stop('NodeCrashed', `node ${this.id} left group ${g}`);
    this.groups.delete(g);
    this.storages.get(g)?.close();
    this.storages.delete(g);
  }

  /** Stops the node as a crash would: everything not persisted is lost. */
  async crash(status: 'crashed' | 'stopped' = 'crashed'): Promise<void> {
    if (this.status !== 'running') {
      // A crashed node's storage was reopened for its restart; stopping it for good closes it.
      if (this.status === 'crashed' && status === 'stopped') {
        for (const storage of this.storages.values()) storage.close();
      }
      this.status = status;
      return;
    }
    this.status = status;
    for (const t of this.timers) t.cancel();
    this.timers.length = 0;
    const code = status === 'crashed' ? 'NodeCrashed' : 'ClusterClosed';
    for (const g of this.groups.values()) g.stop(code, `node ${this.id} is ${status}`);
    this.groups.clear();
    this.inbox = [];
    const transport = this.transport;
    this.transport = null;
    await transport?.close();
    for (const [g, storage] of this.storages) {
      storage.close();
      if (status === 'crashed') this.storages.set(g, this.reopen(g, storage));
    }
    this.log.warn(`node ${status}`);
  }

  /** Connects the transport to a peer (a node added to the cluster, or restarted elsewhere). */
  connect(peer: number, address: string): void {
    this.transport?.connect(peer, address);
  }

  disconnect(peer: number): void {
    this.transport?.disconnect(peer);
  }

  /** Sends a message over this node's transport; false when refused. */
  transmit(to: number, env: Envelope): boolean {
    if (this.status !== 'running' || this.transport === null) return false;
    return this.transport.send(to, env);
  }

  /** The transport's counters, or null while the node is down. */
  transportStats(): TransportStats | null {
    return this.transport?.stats() ?? null;
  }

  /**
   * Runs a client request or report against a group now, or queues it while paused. Returns
   * false if the node is not running.
   */
  runLocal(group: number, label: string, run: () => void): boolean {
    if (this.status !== 'running') return false;
    if (this.host.isPaused() || this.inbox.length > 0) {
      this.enqueue({
        seq: this.host.nextInboxSeq(),
        atMs: this.host.scheduler.wallMs(),
        kind: 'local',
        group,
        label,
        run,
      });
      this.drainIfRunning();
      return true;
    }
    run();
    return true;
  }

  /**
   * Keeps order when the inbox is not empty but the cluster runs (it was resumed, or an item
   * was queued behind others): everything goes through the inbox until it is empty again.
   */
  private drainIfRunning(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.inbox.length > 0 && !this.host.isPaused() && this.status === 'running') {
        this.runOldest();
      }
    } finally {
      this.draining = false;
    }
  }

  /** One tick of every group, unless paused. */
  private onTick(): void {
    if (this.status !== 'running' || this.host.isPaused()) return;
    this.tickOnce();
  }

  /** One tick of every group, paused or not (a step). */
  tickOnce(): void {
    if (this.status !== 'running') return;
    this.tickCount++;
    for (const g of this.groups.values()) {
      g.tick();
      g.emitProgressIfChanged();
    }
  }

  /** The oldest pending inbox item's sequence number, or null. */
  oldestPending(): number | null {
    return this.inbox[0]?.seq ?? null;
  }

  /** Runs the oldest pending inbox item; returns it, or null when the inbox is empty. */
  runOldest(): InboxItem | null {
    const item = this.inbox.shift();
    if (item === undefined) return null;
    this.runItem(item);
    return item;
  }

  /** Runs one pending message by id (a person released it); false if it is not pending. */
  runPendingMessage(msgId: string): boolean {
    const i = this.inbox.findIndex((it) => it.kind === 'message' && it.env.msgId === msgId);
    if (i < 0) return false;
    const [item] = this.inbox.splice(i, 1);
    if (item !== undefined) this.runItem(item);
    return true;
  }

  /** Drops one pending message by id; false if it is not pending. */
  dropPendingMessage(msgId: string): boolean {
    const i = this.inbox.findIndex((it) => it.kind === 'message' && it.env.msgId === msgId);
    if (i < 0) return false;
    const [item] = this.inbox.splice(i, 1);
    if (item?.kind === 'message') this.recordDrop(item.from, item.env, 'manual');
    return true;
  }

  /** The cluster resumed: handles the Readys that waited for it. */
  resumed(): void {
    for (const g of this.groups.values()) g.processReady();
  }

  /** The inbox as views, each with its global arrival number. */
  pendingViews(): Array<{ seq: number; view: HeldMessageView }> {
    return this.inbox.map((it) => ({ seq: it.seq, view: this.pendingView(it) }));
  }

  private pendingView(it: InboxItem): HeldMessageView {
    return it.kind === 'message'
      ? {
          msgId: it.env.msgId,
          from: it.from,
          to: this.id,
          group: it.env.group,
          type: it.env.msg.type,
          term: it.env.msg.term,
          index: it.env.msg.index,
          entries: it.env.msg.entries.length,
          heldAtMs: it.atMs,
        }
      : {
          msgId: `local.${it.seq}`,
          from: this.id,
          to: this.id,
          group: it.group,
          type: it.label,
          term: 0,
          index: 0,
          entries: 0,
          heldAtMs: it.atMs,
        };
  }

  view(): NodeView {
    const groups: GroupView[] = [];
    // A stopped node's storage is closed for good: it has nothing left to show.
    for (const g of this.status === 'stopped' ? [] : this.groupIds()) {
      const summaries = this.summariesOf(g);
      const running = this.groups.get(g);
      const storage = this.storages.get(g);
      if (running !== undefined) groups.push(groupView(running, summaries));
      else if (storage !== undefined) groups.push(persistedGroupView(g, storage, summaries));
    }
    return {
      id: this.id,
      status: this.status,
      address: this.address,
      faults: [...this.faults],
      tick: this.tickCount,
      groups,
      kvSize: this.groups.get(1)?.kv.size() ?? 0,
    };
  }

  /** A message this node sent has left the shaper: delivered to the transport, or dropped. */
  messageSettled(group: number, msg: Message, delivered: boolean, reason?: DropReason): void {
    const g = this.groups.get(group);
    if (g === undefined) return;
    if (msg.type === 'MsgSnap' && !this.faults.has('never-report-snapshot')) {
      const status = delivered ? 'finish' : 'failure';
      this.runLocal(group, 'ReportSnapshot', () => g.reportSnapshot(msg.to, status));
    }
    if (!delivered && reason === 'transport') {
      this.runLocal(group, 'ReportUnreachable', () => g.reportUnreachable(msg.to));
    }
  }

  private startGroup(g: number): void {
    const storage = this.storages.get(g);
    if (storage === undefined) throw new Error(`node ${this.id} has no storage for group ${g}`);
    const runtime = new GroupRuntime(
      {
        nodeId: this.id,
        faults: this.faults,
        scheduler: this.host.scheduler,
        logger: this.log,
        tickCount: () => this.tickCount,
        isPaused: () => this.host.isPaused(),
        emit: (e) => this.host.emit(e),
        send: (group, msg) => {
          const msgId = this.host.shaper.send(this.id, group, msg);
          if (this.debugOn) {
            this.log.debug({ msgId, type: msg.type, to: msg.to, group, term: msg.term }, 'send');
          }
        },
        dropAtSource: (group, msg, reason) =>
          this.host.shaper.dropAtSource(this.id, group, msg, reason),
        onConfChange: (group, change) => this.host.onConfChange(this.id, group, change),
        onRoleChange: (group, role, lead, term) =>
          this.host.onRoleChange(this.id, group, role, lead, term),
      },
      {
        group: g,
        joining: this.joining,
        core: this.host.core,
        storage,
        random: this.host.random(this.id, g, this.incarnation),
      },
    );
    this.groups.set(g, runtime);
    // A restarted node may have committed entries to re-apply before anything else happens.
    runtime.processReady();
  }

  private startTicking(): void {
    const period = () => this.host.tickMs();
    this.timers.push(every(this.host.scheduler, period, () => this.onTick()));
    if (this.faults.has('double-tick')) {
      // A second loop ticking the same node, half a period out of phase, as when both a
      // ticker goroutine and a request handler call Tick.
      this.log.warn('ticked by two loops (integration fault)');
      this.timers.push(every(this.host.scheduler, period, () => this.onTick(), period() * 1.5));
    }
  }

  private receive(from: number, env: Envelope): void {
    if (this.status !== 'running') return;
    if (this.host.isPaused() || this.inbox.length > 0) {
      this.enqueue({
        seq: this.host.nextInboxSeq(),
        atMs: this.host.scheduler.wallMs(),
        kind: 'message',
        from,
        env,
      });
      this.drainIfRunning();
      return;
    }
    this.deliver(from, env);
  }

  private enqueue(item: InboxItem): void {
    this.inbox.push(item);
    if (this.inbox.length > INBOX_MAX) {
      const old = this.inbox.shift();
      if (old?.kind === 'message') this.recordDrop(old.from, old.env, 'paused-overflow');
    }
  }

  /** Runs an inbox item now, its Ready included: a step is seen whole. */
  private runItem(item: InboxItem): void {
    if (item.kind === 'message') this.deliver(item.from, item.env, true);
    else item.run();
  }

  /**
   * Steps a message into its group. The Ready it causes is handled now when `readyNow` (or
   * when it moves a leader's commit index), else on the next turn of the loop, together with
   * the Ready of the other messages that arrive in the same turn (etcd's node loop likewise
   * steps what is queued before taking a Ready).
   */
  private deliver(from: number, env: Envelope, readyNow = false): void {
    const g = this.groups.get(env.group);
    if (g === undefined) {
      this.log.warn({ group: env.group, from, msgId: env.msgId }, 'message for a group not hosted');
      this.recordDrop(from, env, 'transport');
      return;
    }
    this.host.emit({
      kind: 'net',
      name: 'Deliver',
      wallMs: this.host.scheduler.wallMs(),
      node: this.id,
      group: env.group,
      tick: this.tickCount,
      msgId: env.msgId,
      msg: summarize(env.msg),
    });
    if (this.debugOn) {
      this.log.debug({ msgId: env.msgId, type: env.msg.type, from, group: env.group }, 'deliver');
    }
    g.step(env.msg, readyNow);
  }

  private recordDrop(from: number, env: Envelope, reason: DropReason): void {
    this.host.emit({
      kind: 'net',
      name: 'Drop',
      wallMs: this.host.scheduler.wallMs(),
      node: this.id,
      group: env.group,
      tick: this.tickCount,
      msgId: env.msgId,
      msg: summarize(env.msg),
      reason,
    });
    if (from !== this.id) this.log.debug({ msgId: env.msgId, reason }, 'dropped on arrival');
  }

  private peerStatus(peer: number, up: boolean): void {
    if (up) {
      this.log.info({ peer }, 'peer connected');
      return;
    }
    this.log.warn({ peer }, 'peer unreachable');
    for (const g of this.groups.values()) {
      this.runLocal(g.group, 'ReportUnreachable', () => g.reportUnreachable(peer));
    }
  }

  private summariesOf(g: number): EntrySummaries {
    let s = this.summaries.get(g);
    if (s === undefined) {
      s = new EntrySummaries();
      this.summaries.set(g, s);
    }
    return s;
  }
}
