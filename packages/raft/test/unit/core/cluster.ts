/**
 * A tiny in-memory cluster for the core's unit tests: RawNodes over MemoryStorage, with every
 * Ready handled synchronously (persist, send, apply, advance) and messages delivered in order.
 */

import type { Config } from '../../../src/config.ts';
import {
  type ConfChange,
  type ConfChangeV2,
  type ConfState,
  decodeConfChange,
  decodeConfChangeV2,
  type Entry,
  emptyConfState,
  type LogIndex,
  type LogLine,
  MemoryStorage,
  type Message,
  type NodeId,
  RawNode,
  recordingLogger,
  seededRandom,
  type Term,
} from '../../../src/index.ts';

export const id = (n: number): NodeId => n as NodeId;

export interface TestNode {
  id: NodeId;
  rn: RawNode;
  storage: MemoryStorage;
  applied: Entry[];
  confStates: ConfState[];
}

export interface ClusterOptions {
  voters: number[];
  learners?: number[];
  /** Index of the bootstrap snapshot (the log starts after it). */
  index?: number;
  config?: Partial<Config>;
  logLevel?: 'debug' | 'info' | 'none';
}

export class Cluster {
  readonly nodes = new Map<number, TestNode>();
  /** Messages in flight, by recipient, in send order. */
  readonly inflight: Message[] = [];
  readonly lines: LogLine[] = [];
  /** Links that drop everything: "from->to". */
  readonly cut = new Set<string>();

  constructor(private readonly opts: ClusterOptions) {
    const cs: ConfState = {
      ...emptyConfState(),
      voters: opts.voters.map(id),
      learners: (opts.learners ?? []).map(id),
    };
    for (const n of [...opts.voters, ...(opts.learners ?? [])]) this.add(n, cs);
  }

  /** Adds node `n` bootstrapped with `cs` (or with nothing at all, when `cs` is null). */
  add(n: number, cs: ConfState | null): TestNode {
    const index = (this.opts.index ?? 1) as LogIndex;
    const storage =
      cs === null ? new MemoryStorage() : MemoryStorage.bootstrap(cs, { index, term: 1 as Term });
    const logger = recordingLogger(this.lines, this.opts.logLevel ?? 'none');
    const rn = new RawNode({
      id: id(n),
      electionTick: 10,
      heartbeatTick: 1,
      storage,
      maxInflightMsgs: 256,
      random: seededRandom(n),
      logger,
      ...this.opts.config,
    });
    const node: TestNode = { id: id(n), rn, storage, applied: [], confStates: [] };
    this.nodes.set(n, node);
    return node;
  }

  node(n: number): TestNode {
    const node = this.nodes.get(n);
    if (node === undefined) throw new Error(`no node ${n}`);
    return node;
  }

  /** Handles one Ready of node `n`, queueing its messages. Returns false if it had none. */
  processReady(n: number): boolean {
    const node = this.node(n);
    if (!node.rn.hasReady()) return false;
    const rd = node.rn.ready();
    if (rd.snapshot !== null) node.storage.applySnapshot(rd.snapshot);
    if (rd.hardState !== null) node.storage.setHardState(rd.hardState);
    node.storage.append(rd.entries);
    for (const m of rd.messages) this.inflight.push(m);
    for (const e of rd.committedEntries) {
      node.applied.push(e);
      if (e.type === 'EntryConfChange' || e.type === 'EntryConfChangeV2') {
        const cc: ConfChange | ConfChangeV2 =
          e.type === 'EntryConfChange' ? decodeConfChange(e.data) : decodeConfChangeV2(e.data);
        const cs = node.rn.applyConfChange(cc);
        node.confStates.push(cs);
        // Snapshot at every configuration change, so that new nodes can be caught up with the
        // configuration that includes them.
        node.storage.createSnapshot(e.index, cs, new Uint8Array(0));
      }
    }
    node.rn.advance(rd);
    return true;
  }

  /** Delivers every queued message addressed to `n` (all nodes when omitted). */
  deliver(n?: number): number {
    let count = 0;
    const keep: Message[] = [];
    const batch = this.inflight.splice(0);
    for (const m of batch) {
      if (n !== undefined && m.to !== n) {
        keep.push(m);
        continue;
      }
      count++;
      if (this.cut.has(`${m.from}->${m.to}`)) continue;
      const to = this.nodes.get(m.to);
      if (to !== undefined) to.rn.step(m);
    }
    this.inflight.unshift(...keep);
    return count;
  }

  /** Drops queued messages addressed to `n`. */
  drop(n: number): Message[] {
    const dropped = this.inflight.filter((m) => m.to === n);
    const keep = this.inflight.filter((m) => m.to !== n);
    this.inflight.length = 0;
    this.inflight.push(...keep);
    return dropped;
  }

  /** Runs Readys and deliveries until nothing moves. */
  stabilize(max = 1000): void {
    for (let i = 0; i < max; i++) {
      let moved = false;
      for (const n of this.nodes.keys()) while (this.processReady(n)) moved = true;
      if (this.deliver() > 0) moved = true;
      if (!moved) return;
    }
    throw new Error('cluster did not stabilize');
  }

  /** Campaigns on `n` and stabilizes. */
  elect(n: number): void {
    this.node(n).rn.campaign();
    this.stabilize();
  }

  /** Ticks node `n` `times` times. */
  tick(n: number, times = 1): void {
    for (let i = 0; i < times; i++) this.node(n).rn.tick();
  }

  /** Proposes `data` on node `n`, failing the test on an error. */
  propose(n: number, data: string): void {
    const err = this.node(n).rn.propose(bytes(data));
    if (err !== null) throw new Error(`proposal on ${n} failed: ${err.message}`);
  }

  leaderIds(): number[] {
    return [...this.nodes.values()]
      .filter((x) => x.rn.raft.state === 'StateLeader')
      .map((x) => x.id);
  }

  /** The data of the normal, non-empty entries node `n` applied, as strings. */
  appliedData(n: number): string[] {
    return this.node(n)
      .applied.filter((e) => e.type === 'EntryNormal' && e.data.length > 0)
      .map((e) => new TextDecoder().decode(e.data));
  }
}

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
