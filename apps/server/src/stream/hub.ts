/**
 * The fan-out of one cluster's trace to its viewers.
 *
 * The hub subscribes to the cluster while at least one viewer watches. The cluster's listener
 * only appends the event's JSON text to an array (the trace recording, which listens first, has
 * serialised it already, and `eventJson` hands over that text); every `flushMs` the hub joins
 * the batch into one frame and offers it to every viewer. Every `stateMs` it takes
 * one snapshot and sends it to the viewers that are keeping up, and, as a `gap` plus `state`, to
 * lagging viewers whose sockets have drained.
 *
 * Order is the invariant that keeps a viewer's picture right: pending events are flushed before
 * any snapshot is taken, so a viewer never receives an event older than a snapshot it already
 * has.
 *
 * When the registry replaces the cluster under the hub's name, `replace` moves the hub to the
 * new cluster: the old one's undelivered events are dropped (viewers drop its trace anyway),
 * every viewer, lagging or not, is sent `reset` with the new cluster's snapshot, and the events
 * that follow are the new cluster's.
 */

import type { Cluster } from '@raftlens/cluster';
import { eventJson, STREAM_VERSION, type TraceEvent } from '@raftlens/trace';
import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { StreamLimits } from './limits.ts';
import { eventsFrame, type Frame, toFrame, Viewer, type ViewerStats } from './viewer.ts';

export interface HubStats {
  cluster: string;
  /** Events received from the cluster since the hub subscribed. */
  eventsReceived: number;
  /** Events waiting for the next flush. */
  eventsPending: number;
  viewers: ViewerStats[];
}

export class StreamHub {
  private readonly viewers = new Set<Viewer>();
  /** The JSON text of each event waiting for the next flush. */
  private pending: string[] = [];
  private received = 0;
  private lastSeq = 0;
  private unsubscribe: (() => void) | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private nextViewerId = 1;

  constructor(
    private cluster: Cluster,
    private readonly limits: StreamLimits,
    private readonly log: FastifyBaseLogger,
    /** Called when the last viewer leaves, so the owner can drop the hub. */
    private readonly onIdle: (hub: StreamHub) => void,
  ) {}

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** Starts streaming to a newly connected socket: `hello` with the present, then events. */
  add(socket: WebSocket): Viewer {
    if (this.unsubscribe === null) this.start();
    let viewer: Viewer;
    try {
      // Events that happened before the snapshot must not reach the new viewer after it.
      this.flush();
      viewer = new Viewer(this.nextViewerId++, socket, this.limits, this.log);
      const snapshot = this.cluster.snapshot();
      viewer.offer(
        toFrame(
          { type: 'hello', version: STREAM_VERSION, cluster: this.cluster.name, snapshot },
          { seq: snapshot.seq, received: this.received },
        ),
      );
    } catch (err) {
      if (this.viewers.size === 0) {
        this.stop();
        this.onIdle(this);
      }
      throw err;
    }
    this.viewers.add(viewer);
    socket.on('message', (data, isBinary) => this.onViewerMessage(viewer, data, isBinary));
    socket.on('close', () => this.remove(viewer));
    this.log.debug({ cluster: this.cluster.name, viewer: viewer.id }, 'viewer connected');
    return viewer;
  }

  /** Follows `next` in place of the current cluster; every viewer gets `reset`. */
  replace(next: Cluster, reason: string): void {
    const running = this.unsubscribe !== null;
    this.stop();
    this.cluster = next;
    if (running) this.start();
    const snapshot = next.snapshot();
    // `received` keeps counting across clusters: a viewer's gap is measured in it.
    this.lastSeq = snapshot.seq;
    const frame = toFrame(
      { type: 'reset', reason, snapshot },
      { seq: snapshot.seq, received: this.received },
    );
    for (const viewer of this.viewers) viewer.reset(frame);
    this.log.debug({ cluster: next.name, reason, viewers: this.viewers.size }, 'stream reset');
  }

  /** Disconnects every viewer, telling each why; used when the cluster goes away. */
  close(code: string, message: string): void {
    const last = toFrame({ type: 'error', code, message });
    for (const viewer of [...this.viewers]) viewer.close(1001, code, last);
    this.viewers.clear();
    this.stop();
  }

  stats(): HubStats {
    return {
      cluster: this.cluster.name,
      eventsReceived: this.received,
      eventsPending: this.pending.length,
      viewers: [...this.viewers].map((viewer) => viewer.snapshotStats()),
    };
  }

  private start(): void {
    this.unsubscribe = this.cluster.subscribe((event) => this.onEvent(event));
    this.timers.push(
      setInterval(() => this.flush(), this.limits.flushMs),
      setInterval(() => this.sendStates(), this.limits.stateMs),
      setInterval(() => this.pingViewers(), this.limits.pingMs),
    );
    for (const timer of this.timers) timer.unref();
  }

  private stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
    this.pending = [];
  }

  private remove(viewer: Viewer): void {
    if (!this.viewers.delete(viewer)) return;
    this.log.debug({ cluster: this.cluster.name, viewer: viewer.id }, 'viewer disconnected');
    if (this.viewers.size === 0) {
      this.stop();
      this.onIdle(this);
    }
  }

  private onEvent(event: TraceEvent): void {
    // Serialised as it comes: the trace recording has just done so, and its text is reused.
    this.pending.push(eventJson(event));
    this.received++;
    this.lastSeq = event.seq;
    // NB: a burst larger than a batch is flushed at once, so `pending` stays bounded even when
    // the cluster emits faster than the timer fires (a simulated run, a blocked event loop).
    if (this.pending.length >= this.limits.batchEventsMax) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    const frame = eventsFrame(events, { seq: this.lastSeq, received: this.received });
    for (const viewer of this.viewers) viewer.offer(frame);
  }

  private sendStates(): void {
    this.flush();
    const keepingUp: Viewer[] = [];
    const resyncing: Viewer[] = [];
    for (const viewer of this.viewers) {
      if (viewer.takeStateRequest() || viewer.isKeepingUp()) keepingUp.push(viewer);
      else if (viewer.isReadyToResync()) resyncing.push(viewer);
    }
    if (keepingUp.length === 0 && resyncing.length === 0) return;
    const state = this.stateFrame();
    for (const viewer of keepingUp) viewer.offer(state);
    for (const viewer of resyncing) viewer.resync(state);
  }

  private stateFrame(): Frame {
    const snapshot = this.cluster.snapshot();
    return toFrame({ type: 'state', snapshot }, { seq: snapshot.seq, received: this.received });
  }

  private pingViewers(): void {
    for (const viewer of this.viewers) viewer.checkAlive();
  }

  /**
   * Viewers have one thing to say: `{"type":"resync"}` asks for a fresh `state` with the next
   * periodic one, even when the viewer is behind. Any other message is answered with an `error`
   * and otherwise ignored.
   */
  private onViewerMessage(viewer: Viewer, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      viewer.reject('MalformedMessage', 'viewer messages are JSON text');
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch {
      viewer.reject('MalformedMessage', 'viewer message is not valid JSON');
      return;
    }
    const type = (message as { type?: unknown } | null)?.type;
    if (type === 'resync') {
      viewer.requestState();
      return;
    }
    viewer.reject(
      'UnknownMessageType',
      `viewers may send {"type":"resync"}; got type ${JSON.stringify(type ?? null)}`,
    );
  }
}
