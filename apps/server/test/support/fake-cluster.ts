/**
 * A scripted stand-in for the runtime's cluster, for the tests that need exact control over the
 * trace (how many events, how fast) rather than a real Raft run. It keeps the `Cluster`
 * contract: the same error codes for the same mistakes, writes that resolve once "applied",
 * snapshots whose `seq` covers every event emitted so far.
 */

import type {
  Cluster,
  ClusterErrorCode,
  ClusterOptions,
  FindingRecord,
  MembershipChange,
  MembershipResult,
  ReadResult,
  StepResult,
  WriteResult,
} from '@raftlens/cluster';
import type {
  ClusterSnapshot,
  ConfStateView,
  HeldMessageView,
  LinkRule,
  LinkRuleView,
  NodeView,
  TraceEvent,
  UnsequencedEvent,
} from '@raftlens/trace';

/** Shaped like the runtime's ClusterError, which the server recognises by name and code. */
export class FakeClusterError extends Error {
  constructor(
    readonly code: ClusterErrorCode,
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ClusterError';
  }
}

/** Events kept for subscribers that ask for earlier ones, as the runtime keeps 20,000. */
const RETAINED_MAX = 20_000;

interface FakeNode {
  id: number;
  status: 'running' | 'crashed';
  learner: boolean;
}

export class FakeCluster implements Cluster {
  readonly name: string;
  private readonly nodes = new Map<number, FakeNode>();
  private readonly listeners = new Set<(e: TraceEvent) => void>();
  private readonly retained: TraceEvent[] = [];
  private readonly kv = new Map<string, string>();
  private readonly links = new Map<string, LinkRuleView>();
  private readonly held: HeldMessageView[] = [];
  private partitions: number[][] = [];
  private seq = 0;
  private lastIndex = 1;
  private paused = false;
  private speed = 1;
  private closed = false;
  private firehoseTimer: NodeJS.Timeout | null = null;
  readonly term = 2;
  readonly leader = 1;

  constructor(readonly options: ClusterOptions) {
    this.name = options.name;
    for (let id = 1; id <= options.size; id++) {
      this.nodes.set(id, { id, status: 'running', learner: false });
    }
    this.held.push({
      msgId: 'm-held-1',
      from: 1,
      to: 2,
      group: 1,
      type: 'MsgApp',
      term: 2,
      index: 1,
      entries: 1,
      heldAtMs: Date.now(),
    });
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  snapshot(): ClusterSnapshot {
    return {
      cluster: this.name,
      mode: this.options.mode,
      seed: this.options.seed,
      paused: this.paused,
      speed: this.speed,
      tickMs: this.options.tickMs,
      groups: [1],
      nodes: [...this.nodes.values()].map((node) => this.nodeView(node)),
      links: [...this.links.values()],
      partitions: this.partitions.map((side) => [...side]),
      held: [...this.held],
      seq: this.seq,
      wallMs: Date.now(),
    };
  }

  /** As the runtime: `fromSeq` first replays the retained events from there on. */
  subscribe(listener: (e: TraceEvent) => void, opts: { fromSeq?: number } = {}): () => void {
    if (opts.fromSeq !== undefined) {
      for (const e of this.retained) if (e.seq >= opts.fromSeq) listener(e);
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Emits `count` filler events of about `bytes` each, every `intervalMs`, until stopped. */
  startFirehose(count: number, intervalMs: number, bytes = 200): void {
    this.stopFirehose();
    this.firehoseTimer = setInterval(() => {
      for (let i = 0; i < count; i++) this.emitFiller(bytes);
    }, intervalMs);
  }

  stopFirehose(): void {
    if (this.firehoseTimer !== null) clearInterval(this.firehoseTimer);
    this.firehoseTimer = null;
  }

  emitFiller(bytes = 200): void {
    this.emit({
      kind: 'control',
      name: 'TransportError',
      wallMs: Date.now(),
      node: 0,
      group: 1,
      tick: 0,
      detail: { filler: 'x'.repeat(bytes) },
    });
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  async step(what: 'message' | 'tick'): Promise<StepResult> {
    if (!this.paused) throw new FakeClusterError('NotPaused', 'pause the cluster to step it');
    return { did: what };
  }

  setSpeed(factor: number): void {
    this.speed = factor;
  }

  setLinkRule(from: number, to: number, rule: LinkRule): void {
    this.node(from);
    this.node(to);
    if (from === to) throw new FakeClusterError('InvalidLinkRule', 'a link joins two nodes');
    this.links.set(`${from}-${to}`, { from, to, rule });
  }

  clearLinkRule(from: number, to: number): void {
    this.node(from);
    this.node(to);
    this.links.delete(`${from}-${to}`);
  }

  partition(groups: number[][]): void {
    const seen = new Set<number>();
    for (const id of groups.flat()) {
      this.node(id);
      if (seen.has(id)) throw new FakeClusterError('InvalidPartition', `node ${id} twice`);
      seen.add(id);
    }
    this.partitions = groups;
  }

  heal(): void {
    this.partitions = [];
  }

  releaseHeld(msgId: string): void {
    this.takeHeld(msgId);
  }

  dropHeld(msgId: string): void {
    this.takeHeld(msgId);
  }

  async crash(node: number): Promise<void> {
    const target = this.node(node);
    if (target.status === 'crashed') throw new FakeClusterError('NodeCrashed', 'already down');
    target.status = 'crashed';
  }

  async restart(node: number): Promise<void> {
    const target = this.node(node);
    if (target.status === 'running') throw new FakeClusterError('NodeRunning', 'already up');
    target.status = 'running';
  }

  async addNode(opts: { learner: boolean; group?: number }): Promise<number> {
    const id = Math.max(...this.nodes.keys()) + 1;
    this.nodes.set(id, { id, status: 'running', learner: opts.learner });
    return id;
  }

  async removeNode(node: number): Promise<void> {
    this.node(node);
    this.nodes.delete(node);
  }

  async promoteLearner(node: number): Promise<void> {
    const target = this.node(node);
    if (!target.learner) throw new FakeClusterError('ConfChangeRejected', 'not a learner');
    target.learner = false;
  }

  async transferLeader(to: number): Promise<void> {
    this.node(to);
  }

  async campaign(node: number): Promise<void> {
    this.node(node);
  }

  async changeMembership(changes: MembershipChange[]): Promise<MembershipResult> {
    for (const change of changes) {
      if (change.type === 'remove') {
        this.node(change.node);
        this.nodes.delete(change.node);
      } else {
        this.nodes.set(change.node, {
          id: change.node,
          status: this.nodes.get(change.node)?.status ?? 'running',
          learner: change.type === 'add-learner',
        });
      }
    }
    return { confState: this.confState() };
  }

  async leaveJoint(): Promise<MembershipResult> {
    return { confState: this.confState() };
  }

  async compact(node: number): Promise<number> {
    this.node(node);
    return this.lastIndex;
  }

  async put(key: string, value: string): Promise<WriteResult> {
    this.checkOpen();
    const startedMs = Date.now();
    const index = ++this.lastIndex;
    this.emit({
      kind: 'proposal',
      name: 'Proposed',
      wallMs: Date.now(),
      node: this.leader,
      group: 1,
      tick: 0,
      proposalId: `p${index}`,
      op: 'put',
      key,
    });
    await new Promise((resolve) => setTimeout(resolve, 2));
    this.kv.set(key, value);
    this.emit({
      kind: 'proposal',
      name: 'Applied',
      wallMs: Date.now(),
      node: this.leader,
      group: 1,
      tick: 0,
      proposalId: `p${index}`,
      op: 'put',
      key,
      index,
      term: this.term,
    });
    return {
      key,
      value,
      index,
      term: this.term,
      leader: this.leader,
      latencyMs: Date.now() - startedMs,
    };
  }

  async get(key: string): Promise<ReadResult> {
    this.checkOpen();
    return { key, value: this.kv.get(key) ?? null, readIndex: this.lastIndex, node: this.leader };
  }

  async close(): Promise<void> {
    this.stopFirehose();
    this.closed = true;
    this.listeners.clear();
  }

  recordFinding(finding: FindingRecord): void {
    this.checkOpen();
    const { nodes, group, ...fields } = finding;
    this.emit({
      kind: 'finding',
      ...fields,
      ...(nodes !== undefined ? { nodes } : {}),
      wallMs: Date.now(),
      node: 0,
      group: group ?? 0,
      tick: 0,
    });
  }

  /** Emits an event with the next sequence number, as the runtime would. */
  emit(event: UnsequencedEvent): void {
    const full = { ...event, seq: ++this.seq } as TraceEvent;
    this.retained.push(full);
    if (this.retained.length > RETAINED_MAX * 1.25) this.retained.splice(0, RETAINED_MAX / 4);
    for (const listener of this.listeners) listener(full);
  }

  private node(id: number): FakeNode {
    const node = this.nodes.get(id);
    if (node === undefined)
      throw new FakeClusterError('UnknownNode', `no node ${id}`, { node: id });
    return node;
  }

  private takeHeld(msgId: string): void {
    const at = this.held.findIndex((m) => m.msgId === msgId);
    if (at < 0) throw new FakeClusterError('UnknownMessage', `no held message ${msgId}`);
    this.held.splice(at, 1);
  }

  private checkOpen(): void {
    if (this.closed) throw new FakeClusterError('ClusterClosed', 'the cluster is closed');
  }

  private confState(): ConfStateView {
    const voters = [...this.nodes.values()].filter((n) => !n.learner).map((n) => n.id);
    const learners = [...this.nodes.values()].filter((n) => n.learner).map((n) => n.id);
    return { voters, learners, votersOutgoing: [], learnersNext: [], autoLeave: false };
  }

  private nodeView(node: FakeNode): NodeView {
    const isLeader = node.id === this.leader;
    return {
      id: node.id,
      status: node.status,
      address: 'in-process',
      faults: [],
      tick: 0,
      kvSize: this.kv.size,
      groups: [
        {
          group: 1,
          role: isLeader ? 'StateLeader' : 'StateFollower',
          term: this.term,
          vote: this.leader,
          lead: this.leader,
          commit: this.lastIndex,
          applied: this.lastIndex,
          persisted: this.lastIndex,
          log: {
            firstIndex: 1,
            lastIndex: this.lastIndex,
            snapshotIndex: 0,
            snapshotTerm: 0,
            entries: [],
          },
          confState: this.confState(),
          leadTransferee: 0,
          electionElapsedTicks: 0,
          randomizedElectionTimeoutTicks: 10,
          promotable: true,
        },
      ],
    };
  }
}

/** A factory that records the clusters it made, for tests to reach into. */
export function fakeFactory(): {
  create: (options: ClusterOptions) => FakeCluster;
  made: Map<string, FakeCluster>;
} {
  const made = new Map<string, FakeCluster>();
  return {
    made,
    create: (options) => {
      const cluster = new FakeCluster(options);
      made.set(options.name, cluster);
      return cluster;
    },
  };
}
