/**
 * An in-process transport for simulated clusters: every node's `NodeTransport` is an endpoint on
 * one `MemoryNetwork`, and deliveries are events on the cluster's scheduler, so that on virtual
 * time the whole network is deterministic.
 *
 * It keeps the promises the WebSocket transport keeps: messages between two nodes arrive in the
 * order they were sent (like one TCP connection), a message to a peer that is not connected is
 * refused (`send` returns false), a closed endpoint loses what was in flight to it, and peers
 * hear `onPeerStatus` when an endpoint comes up or goes away.
 */

import type { Scheduler } from '../time/scheduler.ts';
import type { Envelope, NodeTransport, TransportStats } from '../transport/types.ts';

export interface MemoryNetworkOptions {
  /** One-way latency of every link, in model milliseconds. */
  latencyMs: number;
}

type ReceiveHandler = (from: number, env: Envelope) => void;
type PeerStatusHandler = (peer: number, up: boolean) => void;

/** The shared medium all in-memory endpoints of one cluster attach to. */
export class MemoryNetwork {
  private readonly endpoints = new Map<number, MemoryTransport>();

  constructor(
    readonly scheduler: Scheduler,
    readonly options: MemoryNetworkOptions,
  ) {}

  createTransport(nodeId: number): NodeTransport {
    return new MemoryTransport(this, nodeId);
  }

  /** @internal */
  attach(t: MemoryTransport): void {
    const old = this.endpoints.get(t.nodeId);
    if (old !== undefined && old !== t && old.isUp()) {
      throw new Error(`node ${t.nodeId} already has a running in-memory transport`);
    }
    this.endpoints.set(t.nodeId, t);
    for (const other of this.endpoints.values()) {
      if (other !== t) other.peerCameUp(t.nodeId);
    }
  }

  /** @internal */
  detach(t: MemoryTransport): void {
    if (this.endpoints.get(t.nodeId) !== t) return;
    this.endpoints.delete(t.nodeId);
    for (const other of this.endpoints.values()) other.peerWentDown(t.nodeId);
  }

  /** @internal */
  endpoint(id: number): MemoryTransport | undefined {
    return this.endpoints.get(id);
  }
}

class MemoryTransport implements NodeTransport {
  readonly address: string;
  private up = false;
  private closed = false;
  private readonly peers = new Set<number>();
  private readonly receiveHandlers: ReceiveHandler[] = [];
  private readonly statusHandlers: PeerStatusHandler[] = [];
  /** Per peer: the model time the last message to it arrives, to keep each link FIFO. */
  private readonly lastArrivalMs = new Map<number, number>();
  private readonly counters = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0 };

  constructor(
    private readonly net: MemoryNetwork,
    readonly nodeId: number,
  ) {
    this.address = `mem://node-${nodeId}`;
  }

  isUp(): boolean {
    return this.up;
  }

  async start(): Promise<void> {
    if (this.closed) throw new Error('an in-memory transport cannot be started again');
    this.up = true;
    this.net.attach(this);
  }

  connect(peer: number, _address: string): void {
    if (this.peers.has(peer)) return;
    this.peers.add(peer);
    if (this.net.endpoint(peer)?.isUp()) this.notify(peer, true);
  }

  disconnect(peer: number): void {
    if (this.peers.delete(peer)) this.notify(peer, false);
  }

  send(to: number, env: Envelope): boolean {
    if (!this.up || !this.peers.has(to)) return false;
    const target = this.net.endpoint(to);
    if (target === undefined || !target.isUp()) return false;
    // A copy, as a socket would make: the receiver must not share arrays with the sender's log.
    const copy = structuredClone(env);
    const bytes = approximateBytes(env);
    this.counters.framesOut++;
    this.counters.bytesOut += bytes;
    const scheduler = this.net.scheduler;
    const arrivalMs = Math.max(
      scheduler.now() + this.net.options.latencyMs,
      this.lastArrivalMs.get(to) ?? 0,
    );
    this.lastArrivalMs.set(to, arrivalMs);
    scheduler.after(arrivalMs - scheduler.now(), () => {
      // The receiver may have crashed while the message was on the wire.
      if (this.net.endpoint(to) !== target || !target.isUp()) return;
      target.receive(this.nodeId, copy, bytes);
    });
    return true;
  }

  onReceive(h: ReceiveHandler): void {
    this.receiveHandlers.push(h);
  }

  onPeerStatus(h: PeerStatusHandler): void {
    this.statusHandlers.push(h);
  }

  stats(): TransportStats {
    const connectedPeers = [...this.peers]
      .filter((p) => this.net.endpoint(p)?.isUp())
      .sort((a, b) => a - b);
    return {
      ...this.counters,
      malformed: 0,
      oversized: 0,
      truncated: 0,
      reconnects: 0,
      droppedBackpressure: 0,
      authFailures: 0,
      connectedPeers,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.up = false;
    this.net.detach(this);
  }

  /** @internal */
  receive(from: number, env: Envelope, bytes: number): void {
    this.counters.framesIn++;
    this.counters.bytesIn += bytes;
    for (const h of this.receiveHandlers) h(from, env);
  }

  /** @internal */
  peerCameUp(peer: number): void {
    if (this.peers.has(peer)) this.notify(peer, true);
  }

  /** @internal */
  peerWentDown(peer: number): void {
    this.lastArrivalMs.delete(peer);
    if (this.peers.has(peer)) this.notify(peer, false);
  }

  private notify(peer: number, up: boolean): void {
    // Asynchronous, as a socket's open and close events are.
    this.net.scheduler.after(0, () => {
      if (this.closed) return;
      for (const h of this.statusHandlers) h(peer, up);
    });
  }
}

function approximateBytes(env: Envelope): number {
  let n = 64;
  for (const e of env.msg.entries) n += 16 + e.data.length;
  if (env.msg.snapshot) n += env.msg.snapshot.data.length;
  return n;
}
