/**
 * A running cluster: its nodes, the network shaper between them, the clock they run on, and
 * the trace of everything that happens. It implements the `Cluster` surface the server and the
 * tests use; membership changes and client requests live in their own files.
 */

import { randomBytes } from 'node:crypto';
import type { ConfState, StateType } from '@raftlens/raft';
import type {
  ClusterSnapshot,
  ControlEvent,
  HeldMessageView,
  LinkRule,
  TraceEvent,
  TraceHeader,
} from '@raftlens/trace';
import { TRACE_FORMAT, TRACE_VERSION } from '@raftlens/trace';
import {
  type Cluster,
  ClusterError,
  type ClusterOptions,
  type FindingRecord,
  type IntegrationFault,
  type MembershipChange,
  type MembershipOptions,
  type MembershipResult,
  type ReadResult,
  type StepResult,
  type WriteResult,
} from './api.ts';
import { leaderAmong, proposerAmong } from './leadership.ts';
import { type ClusterMembership, Membership } from './membership.ts';
import { MembershipChanges } from './membership-change.ts';
import { NetworkShaper, type ShaperEvent } from './net/shaper.ts';
import { TransportFactory } from './net/transports.ts';
import { addressIn } from './node/conf-context.ts';
import type { AppliedConfChange } from './node/group.ts';
import { type RuntimeLogger, silentLogger } from './node/logger.ts';
import { type NodeHost, NodeRuntime } from './node/runtime.ts';
import {
  bootstrapConf,
  type ClusterDeps,
  type ClusterExtras,
  faultsOf,
  foundingConfState,
  type SimulatedClock,
} from './options.ts';
import { ClientRequests } from './requests.ts';
import type { StorageFactory } from './storage/open.ts';
import type { NodeStorage } from './storage/types.ts';
import { startPacer } from './time/pacer.ts';
import { SeededRandom } from './time/random.ts';
import { RealScheduler, type Scheduler, VirtualScheduler } from './time/scheduler.ts';
import { Waiters } from './time/waiters.ts';
import { clusterSnapshot } from './trace/cluster-snapshot.ts';
import { netEventOf } from './trace/net-event.ts';
import { type TraceListener, TraceRecorder } from './trace/recorder.ts';
import type { TransportStats } from './transport/types.ts';

/** Events kept for late subscribers and tests, by default. */
const RETAINED_EVENTS = 20_000;

/** The implementation of `Cluster`, with a few extras for tests and tools. */
export class RaftCluster implements Cluster {
  readonly name: string;
  readonly options: ClusterOptions;
  readonly scheduler: Scheduler;
  readonly recorder: TraceRecorder;
  readonly shaper: NetworkShaper;
  readonly nodes = new Map<number, NodeRuntime>();
  readonly addresses = new Map<number, string>();
  readonly logger: RuntimeLogger;
  readonly requestTimeoutMs: number;
  /** The founding members' configuration, which every new replica starts from. */
  readonly foundingConf: ConfState;
  private readonly rng: SeededRandom;
  private readonly transports: TransportFactory;
  private readonly membership: Membership;
  private readonly membershipChanges: MembershipChanges;
  private readonly requests: ClientRequests;
  private readonly clock: SimulatedClock;
  /** Founding nodes that run in this process; null when all do. */
  private readonly localNodes: ReadonlySet<number> | null;
  private readonly peers: Record<number, string>;
  private pacer: { stop(): void } | null = null;
  private paused = false;
  private closed = false;
  private inboxSeq = 0;
  private readonly errors: unknown[] = [];
  private readonly waiters: Waiters;

  constructor(
    options: ClusterOptions,
    extras: ClusterExtras,
    deps: ClusterDeps,
    readonly storageFactory: StorageFactory,
  ) {
    this.name = options.name;
    this.options = options;
    this.logger = (deps.logger ?? silentLogger).child({ cluster: options.name });
    this.clock = extras.clock ?? 'paced';
    this.localNodes = extras.localNodes === undefined ? null : new Set(extras.localNodes);
    this.peers = extras.peers ?? {};
    this.requestTimeoutMs =
      extras.requestTimeoutMs ?? Math.max(3_000, 5 * options.core.electionTick * options.tickMs);
    const onError = (err: unknown) => this.internalError(err);
    this.scheduler =
      options.mode === 'simulated' ? new VirtualScheduler(onError) : new RealScheduler(1, onError);
    this.recorder = new TraceRecorder(extras.retainedEvents ?? RETAINED_EVENTS, onError);
    this.waiters = new Waiters(this.scheduler, options.tickMs);
    this.rng = new SeededRandom(options.seed);
    this.transports = new TransportFactory({
      mode: options.mode,
      scheduler: this.scheduler,
      rng: this.rng,
      logger: this.logger,
      netLatencyMs: extras.netLatencyMs ?? 1,
      host: extras.host ?? '127.0.0.1',
      secret: options.secret ?? randomBytes(24).toString('hex'),
      listenPorts: extras.listenPorts ?? {},
    });
    this.shaper = new NetworkShaper(
      {
        scheduler: this.scheduler,
        transmit: (from, to, env) => this.nodes.get(from)?.transmit(to, env) ?? false,
        record: (e) => this.recordNet(e),
        settled: (from, _to, env, delivered, reason) =>
          this.nodes.get(from)?.messageSettled(env.group, env.msg, delivered, reason),
        reorderWindowMs: () => options.tickMs,
      },
      this.rng.fork('shaper'),
    );
    this.foundingConf = foundingConfState(options.size);
    this.membership = new Membership(this.internals());
    this.membershipChanges = new MembershipChanges(this.internals(), this.membership);
    this.requests = new ClientRequests(this.internals());
  }

  /** Starts the founding nodes. */
  async start(): Promise<void> {
    const o = this.options;
    for (const [id, address] of Object.entries(this.peers)) this.addresses.set(Number(id), address);
    for (let id = 1; id <= o.size; id++) {
      if (this.localNodes !== null && !this.localNodes.has(id)) continue;
      const faults = faultsOf(o, id);
      const storages = new Map();
      for (let g = 1; g <= o.groups; g++) {
        storages.set(
          g,
          this.storageFactory.create(id, g, bootstrapConf(this.foundingConf, id, faults)),
        );
      }
      this.nodes.set(id, this.newNode(id, faults, storages));
    }
    this.emitControl('ClusterStarted', 0, {
      size: o.size,
      groups: o.groups,
      mode: o.mode,
      seed: o.seed,
      storage: o.storage,
      tickMs: o.tickMs,
      faults: o.faults,
    });
    for (const node of this.nodes.values()) await node.start();
    if (this.scheduler instanceof VirtualScheduler && this.clock === 'paced') {
      this.pacer = startPacer(this.scheduler, (err) => this.internalError(err));
    }
  }

  /** The trace header for this cluster's trace. */
  traceHeader(): TraceHeader {
    const h: TraceHeader = {
      format: TRACE_FORMAT,
      version: TRACE_VERSION,
      cluster: this.name,
      mode: this.options.mode,
      createdAtMs: Date.now(),
    };
    if (this.options.mode === 'simulated') h.seed = this.options.seed;
    return h;
  }

  snapshot(): ClusterSnapshot & { pending: HeldMessageView[] } {
    return clusterSnapshot({
      name: this.name,
      options: this.options,
      paused: this.paused,
      speed: this.scheduler.speed(),
      nodes: this.sortedNodes(),
      shaper: this.shaper,
      seq: this.recorder.lastSeq(),
      wallMs: this.scheduler.wallMs(),
    });
  }

  subscribe(listener: TraceListener, opts: { fromSeq?: number } = {}): () => void {
    return this.recorder.subscribe(listener, opts);
  }

  recordFinding(finding: FindingRecord): void {
    this.checkOpen();
    const { nodes, group, ...fields } = finding;
    this.recorder.emit({
      kind: 'finding',
      ...fields,
      ...(nodes !== undefined ? { nodes: [...nodes] } : {}),
      wallMs: this.scheduler.wallMs(),
      node: 0,
      group: group ?? 0,
      tick: 0,
    });
  }

  /** Retained trace events with `seq >= fromSeq`. */
  events(fromSeq = 0): TraceEvent[] {
    return this.recorder.retained(fromSeq);
  }

  /** Exceptions caught in timers and listeners since start; empty when all is well. */
  internalErrors(): unknown[] {
    return [...this.errors];
  }

  isPaused(): boolean {
    return this.paused;
  }

  pause(): void {
    this.checkOpen();
    if (this.paused) return;
    this.paused = true;
    this.emitControl('Paused', 0, {});
  }

  resume(): void {
    this.checkOpen();
    if (!this.paused) return;
    this.paused = false;
    this.emitControl('Resumed', 0, {});
    for (const node of this.sortedNodes()) node.resumed();
    // What waited in the inboxes runs first, oldest first across nodes.
    while (!this.paused && this.runOldestPending() !== null) {}
  }

  async step(what: 'message' | 'tick'): Promise<StepResult> {
    this.checkOpen();
    if (!this.paused) throw new ClusterError('NotPaused', 'step needs a paused cluster');
    if (what === 'message') {
      const item = this.runOldestPending();
      if (item !== null) {
        const msgId = item.kind === 'message' ? item.env.msgId : `local.${item.seq}`;
        this.emitControl('Stepped', 0, { did: 'message', msgId });
        return { did: 'message', msgId };
      }
    }
    for (const node of this.sortedNodes()) node.tickOnce();
    this.emitControl('Stepped', 0, { did: 'tick' });
    return { did: 'tick' };
  }

  setSpeed(factor: number): void {
    this.checkOpen();
    if (!Number.isFinite(factor) || factor < 0.001 || factor > 100) {
      throw new ClusterError('InvalidRequest', 'speed must be within [0.001, 100]', { factor });
    }
    this.scheduler.setSpeed(factor);
    this.emitControl('SpeedSet', 0, { speed: factor });
  }

  /**
   * A simulated cluster on a manual clock: from now on its virtual time follows the wall clock
   * times the speed, as a paced cluster's does (a fork, once it has replayed its past).
   */
  pace(): void {
    this.checkOpen();
    if (!(this.scheduler instanceof VirtualScheduler) || this.pacer !== null) return;
    this.pacer = startPacer(this.scheduler, (err) => this.internalError(err));
  }

  /**
   * Simulated clusters only: runs virtual time forward by `ms` model milliseconds, with
   * everything that happens in it. With a manual clock this is the only way time moves.
   */
  advance(ms: number): void {
    this.checkOpen();
    if (!(this.scheduler instanceof VirtualScheduler)) {
      throw new ClusterError('InvalidRequest', 'advance is for simulated clusters');
    }
    this.scheduler.advanceBy(ms);
  }

  setLinkRule(from: number, to: number, rule: LinkRule): void {
    this.checkOpen();
    // The shaper sits on the sending side: a rule needs its sender here.
    this.knownNode(from);
    if (!this.knownIds().includes(to)) {
      throw new ClusterError('UnknownNode', `no node ${to} in cluster ${this.name}`, { node: to });
    }
    this.shaper.setRule(from, to, rule);
    this.emitControl('LinkRuleSet', 0, { from, to, rule });
  }

  clearLinkRule(from: number, to: number): void {
    this.checkOpen();
    this.shaper.clearRule(from, to);
    this.emitControl('LinkRuleCleared', 0, { from, to });
  }

  partition(groups: number[][]): void {
    this.checkOpen();
    const normalized = this.shaper.partition(groups, this.knownIds());
    this.emitControl('PartitionSet', 0, { groups: normalized });
  }

  heal(): void {
    this.checkOpen();
    this.shaper.heal();
    this.emitControl('PartitionHealed', 0, {});
  }

  releaseHeld(msgId: string): void {
    this.checkOpen();
    if (this.shaper.isHeld(msgId)) {
      this.shaper.release(msgId);
      return;
    }
    for (const node of this.nodes.values()) {
      if (node.runPendingMessage(msgId)) return;
    }
    throw new ClusterError('UnknownMessage', `no held or pending message ${msgId}`, { msgId });
  }

  dropHeld(msgId: string): void {
    this.checkOpen();
    if (this.shaper.isHeld(msgId)) {
      this.shaper.dropHeld(msgId);
      return;
    }
    for (const node of this.nodes.values()) {
      if (node.dropPendingMessage(msgId)) return;
    }
    throw new ClusterError('UnknownMessage', `no held or pending message ${msgId}`, { msgId });
  }

  async crash(node: number): Promise<void> {
    this.checkOpen();
    const n = this.knownNode(node);
    if (n.status !== 'running') {
      throw new ClusterError('NodeCrashed', `node ${node} is not running`, { node });
    }
    await n.crash('crashed');
    this.emitControl('NodeCrashed', node, {});
  }

  async restart(node: number): Promise<void> {
    this.checkOpen();
    const n = this.knownNode(node);
    if (n.status === 'running') {
      throw new ClusterError('NodeRunning', `node ${node} is running`, { node });
    }
    if (n.status === 'stopped') {
      throw new ClusterError('InvalidRequest', `node ${node} was removed`, { node });
    }
    await n.start();
    this.emitControl('NodeRestarted', node, { address: n.address });
  }

  async addNode(opts: { learner: boolean; group?: number }): Promise<number> {
    this.checkOpen();
    return await this.membership.addNode(opts.learner, opts.group ?? 1);
  }

  async removeNode(node: number, group = 1): Promise<void> {
    this.checkOpen();
    return await this.membership.removeNode(node, group);
  }

  async promoteLearner(node: number, group = 1): Promise<void> {
    this.checkOpen();
    return await this.membership.promoteLearner(node, group);
  }

  async transferLeader(to: number, group = 1): Promise<void> {
    this.checkOpen();
    return await this.membership.transferLeader(to, group);
  }

  async campaign(node: number, group = 1): Promise<void> {
    this.checkOpen();
    this.membership.campaign(node, group);
  }

  async changeMembership(
    changes: MembershipChange[],
    opts: MembershipOptions = {},
  ): Promise<MembershipResult> {
    this.checkOpen();
    const { transition = 'auto', group = 1 } = opts;
    return await this.membershipChanges.change(changes, transition, group);
  }

  async leaveJoint(group = 1): Promise<MembershipResult> {
    this.checkOpen();
    return await this.membershipChanges.leave(group);
  }

  async compact(node: number, group = 1): Promise<number> {
    this.checkOpen();
    const g = this.runningGroup(node, group);
    const index = g.compact();
    this.emitControl('Compacted', node, { group, index });
    return index;
  }

  async put(
    key: string,
    value: string,
    opts: { via?: number; timeoutMs?: number; group?: number } = {},
  ): Promise<WriteResult> {
    this.checkOpen();
    return await this.requests.put(key, value, opts);
  }

  async get(
    key: string,
    opts: { via?: number; timeoutMs?: number; group?: number } = {},
  ): Promise<ReadResult> {
    this.checkOpen();
    return await this.requests.get(key, opts);
  }

  /** Client request ids the logs this cluster started from already hold; new ones skip them. */
  reserveRequestIds(ids: Iterable<string>): void {
    this.requests.reserve(ids);
  }

  /** The node leading `group` at the highest term among running nodes, or null. */
  leaderOf(group = 1): number | null {
    return leaderAmong(this.nodes, group);
  }

  /** The node here through which to propose to `group` (see `proposerAmong`). */
  proposerFor(group: number): number | null {
    return proposerAmong(this.nodes, group);
  }

  /** Node ids known here: those running here and those running elsewhere. */
  knownIds(): number[] {
    return [...new Set([...this.nodes.keys(), ...this.addresses.keys()])].sort((a, b) => a - b);
  }

  /**
   * Tells the nodes here where a node of another process listens (it started, moved, or joined
   * the dashboard). Both ends of a link dial, so either side learning the other is enough.
   */
  connectPeer(id: number, address: string): void {
    this.checkOpen();
    if (this.nodes.has(id)) {
      throw new ClusterError('InvalidRequest', `node ${id} runs in this process`, { id });
    }
    this.addresses.set(id, address);
    for (const n of this.nodes.values()) if (n.status === 'running') n.connect(id, address);
  }

  /** A node's transport counters (frames, bytes, reconnects, ...); null while it is down. */
  transportStats(node: number): TransportStats | null {
    return this.knownNode(node).transportStats();
  }

  /** The key-value pairs a node's state machine holds (a local, possibly stale view). */
  localKv(node: number, group = 1): Array<[string, string]> {
    return this.runningGroup(node, group).kv.entries();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pacer?.stop();
    for (const node of this.nodes.values()) await node.crash('stopped');
    this.scheduler.close();
    this.waiters.abortAll(new ClusterError('ClusterClosed', `cluster ${this.name} is closed`));
  }

  /** Throws the right `ClusterError` unless `node` is running and hosts `group`. */
  runningGroup(node: number, group: number) {
    const n = this.knownNode(node);
    if (n.status !== 'running') {
      throw new ClusterError('NodeCrashed', `node ${node} is not running`, { node });
    }
    const g = n.group(group);
    if (g === undefined) {
      throw new ClusterError('UnknownGroup', `node ${node} does not host group ${group}`, {
        node,
        group,
      });
    }
    return g;
  }

  knownNode(node: number): NodeRuntime {
    const n = this.nodes.get(node);
    if (n === undefined) {
      throw new ClusterError('UnknownNode', `no node ${node} in cluster ${this.name}`, { node });
    }
    return n;
  }

  private internals(): ClusterMembership {
    return {
      cluster: this,
      newNode: (id, faults, storages) => this.newNode(id, faults, storages),
      emitControl: (name, node, detail) => this.emitControl(name, node, detail),
      waitFor: (pred, timeoutMs, what) => this.waiters.waitFor(pred, timeoutMs, what),
    };
  }

  private newNode(
    id: number,
    faults: ReadonlySet<IntegrationFault>,
    storages: Map<number, NodeStorage>,
  ): NodeRuntime {
    return new NodeRuntime(
      id,
      faults,
      storages,
      (g, old) => this.storageFactory.reopen(id, g, old),
      this.nodeHost(),
    );
  }

  private nodeHost(): NodeHost {
    return {
      scheduler: this.scheduler,
      shaper: this.shaper,
      logger: this.logger,
      core: this.options.core,
      tickMs: () => this.options.tickMs,
      isPaused: () => this.paused,
      emit: (e) => this.recorder.emit(e),
      nextInboxSeq: () => ++this.inboxSeq,
      random: (node, group, incarnation) =>
        this.rng.fork(`node/${node}/group/${group}/incarnation/${incarnation}`),
      createTransport: (node, anyPort) =>
        this.transports.create(node, this.addresses.get(node), anyPort),
      peerAddresses: (node) =>
        [...this.addresses.entries()]
          .filter(([id]) => id !== node && this.nodes.get(id)?.status !== 'stopped')
          .map(([id, address]) => ({ id, address })),
      onConfChange: (node, group, change) => this.onConfChange(node, group, change),
      onRoleChange: (node, group, role, lead) => this.onRoleChange(node, group, role, lead),
      onAddress: (node, address) => this.onAddress(node, address),
    };
  }

  /** A node (re)started at `address`: every other node dials it there. */
  private onAddress(node: number, address: string): void {
    this.addresses.set(node, address);
    // Dial at once even when the address is unchanged, rather than wait out a redial backoff.
    for (const other of this.nodes.values()) {
      if (other.id !== node && other.status === 'running') other.connect(node, address);
    }
  }

  private onConfChange(node: number, _group: number, change: AppliedConfChange): void {
    // A node in another process learns a new peer's address from the change's context.
    for (const c of change.change.changes) {
      const address = addressIn(change.context, c.nodeId);
      if (c.nodeId === node || c.type === 'ConfChangeRemoveNode' || address === undefined) continue;
      if (!this.addresses.has(c.nodeId)) this.addresses.set(c.nodeId, address);
      this.nodes.get(node)?.connect(c.nodeId, address);
    }
  }

  private onRoleChange(node: number, group: number, role: StateType, lead: number): void {
    this.logger.debug({ node, group, role, lead }, 'role change');
    this.waiters.poke();
  }

  private runOldestPending() {
    let best: NodeRuntime | null = null;
    let bestSeq = Number.POSITIVE_INFINITY;
    for (const node of this.nodes.values()) {
      const seq = node.oldestPending();
      if (seq !== null && seq < bestSeq) {
        best = node;
        bestSeq = seq;
      }
    }
    return best === null ? null : best.runOldest();
  }

  private sortedNodes(): NodeRuntime[] {
    return [...this.nodes.values()].sort((a, b) => a.id - b.id);
  }

  private recordNet(e: ShaperEvent): void {
    const tick = this.nodes.get(e.from)?.ticks() ?? 0;
    this.recorder.emit(netEventOf(e, this.scheduler.wallMs(), tick));
  }

  private emitControl(
    name: ControlEvent['name'],
    node: number,
    detail: Record<string, unknown>,
  ): void {
    this.recorder.emit({
      kind: 'control',
      name,
      wallMs: this.scheduler.wallMs(),
      node,
      group: 0,
      tick: node === 0 ? 0 : (this.nodes.get(node)?.ticks() ?? 0),
      detail,
    });
    this.logger.info({ node, ...detail }, name);
  }

  private internalError(err: unknown): void {
    this.errors.push(err);
    this.logger.error({ err }, 'internal error');
  }

  private checkOpen(): void {
    if (this.closed) throw new ClusterError('ClusterClosed', `cluster ${this.name} is closed`);
  }
}
