/**
 * One browser watching a cluster, and the bounded queue in front of its socket.
 *
 * The hub offers every viewer the same serialised frames. A viewer hands frames to its socket
 * while the socket's own buffer is small, and keeps the rest in its queue. When the queue and
 * the socket buffer together pass the bound, the viewer is not waited for: the queue is cut and
 * the viewer is marked lagging, after which it is offered nothing until its socket drains. Then
 * the hub sends it a `gap` (how many events it missed) and a fresh `state`, and it is back in
 * step. The cluster and the other viewers never wait for it, and what it holds on the server is
 * bounded by `queueBytesMax` plus at most one frame.
 */

import type { StreamMessage } from '@raftlens/trace';
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { StreamLimits } from './limits.ts';

/** A serialised stream message, shared by every viewer it is offered to. */
export interface Frame {
  data: string;
  /** The frame's size; UTF-16 length, close to its UTF-8 size for this ASCII-heavy JSON. */
  bytes: number;
  /**
   * For `events` and `state` frames: the highest event sequence number the frame reflects, and
   * how many events the hub had received by then. A viewer that has been sent the frame has
   * seen (or been shown the result of) every event up to there.
   */
  position?: { seq: number; received: number };
  /** For `events` frames: how many events the frame carries. */
  events?: number;
  /** `data` as UTF-8, made by the first viewer that sends the frame and reused by the others. */
  utf8?: Buffer;
}

/**
 * What goes on the wire for `frame`. A string handed to a socket is encoded and copied for that
 * socket; the frame's bytes, encoded once, are written as they are to every viewer's socket.
 */
function utf8Of(frame: Frame): Buffer {
  if (frame.utf8 === undefined) frame.utf8 = Buffer.from(frame.data);
  return frame.utf8;
}

export function toFrame(message: StreamMessage, position?: Frame['position']): Frame {
  const data = JSON.stringify(message);
  const frame: Frame = { data, bytes: data.length };
  if (position !== undefined) frame.position = position;
  if (message.type === 'events') frame.events = message.events.length;
  return frame;
}

/**
 * The frame of an `events` message from its events' JSON texts: the same text as `toFrame`
 * makes of `{ type: 'events', events }`, without serialising the events again.
 */
export function eventsFrame(eventJsons: readonly string[], position: Frame['position']): Frame {
  const data = `{"type":"events","events":[${eventJsons.join(',')}]}`;
  const frame: Frame = { data, bytes: data.length, events: eventJsons.length };
  if (position !== undefined) frame.position = position;
  return frame;
}

/** What one viewer's queue holds and has done, for the stats route and tests. */
export interface ViewerStats {
  id: number;
  lagging: boolean;
  queuedFrames: number;
  queuedBytes: number;
  socketBufferedBytes: number;
  framesSent: number;
  eventsSent: number;
  /** Times the queue was cut. */
  cuts: number;
  /** Events the viewer missed in total, as its `gap` messages reported them. */
  eventsMissed: number;
}

export class Viewer {
  private readonly queue: Frame[] = [];
  private queuedBytes = 0;
  /** True from a cut until the viewer is sent its `gap` and fresh `state`. */
  private lagging = false;
  /** Where the last `events` or `state` frame handed to the socket left the viewer. */
  private sent = { seq: 0, received: 0 };
  private answeredPing = true;
  private stateRequested = false;
  /** A `reset` frame queued and not yet handed to the socket; kept through cuts. */
  private pendingReset: Frame | null = null;
  private malformedCount = 0;
  private readonly stats = { framesSent: 0, eventsSent: 0, cuts: 0, eventsMissed: 0 };

  constructor(
    readonly id: number,
    private readonly socket: WebSocket,
    private readonly limits: StreamLimits,
    private readonly log: FastifyBaseLogger,
  ) {
    socket.on('pong', () => {
      this.answeredPing = true;
    });
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** Queues a frame the viewer must see in order: `hello`, `events`, a requested `state`. */
  offer(frame: Frame): void {
    if (!this.open || this.lagging) return;
    this.queue.push(frame);
    this.queuedBytes += frame.bytes;
    this.pump();
    if (this.overBound()) this.cut();
  }

  /** True when the viewer should be sent the periodic `state`: it has nothing waiting. */
  isKeepingUp(): boolean {
    return (
      this.open &&
      !this.lagging &&
      this.queue.length === 0 &&
      this.socket.bufferedAmount < this.limits.socketBufferedBytesMax / 2
    );
  }

  /** Asks for a `state` with the next periodic one, whether or not the viewer keeps up. */
  requestState(): void {
    this.stateRequested = true;
  }

  /** True once after `requestState`, unless the viewer is lagging (it gets a state anyway). */
  takeStateRequest(): boolean {
    const requested = this.stateRequested && this.open && !this.lagging;
    this.stateRequested = false;
    return requested;
  }

  /** True when a lagging viewer's socket has drained enough to take a `gap` and a `state`. */
  isReadyToResync(): boolean {
    return (
      this.open &&
      this.lagging &&
      this.socket.bufferedAmount < this.limits.socketBufferedBytesMax / 4
    );
  }

  /**
   * Brings a lagging viewer back in step with a fresh snapshot: tells it how many events it
   * missed since the last frame it was sent, then queues the state.
   */
  resync(state: Frame): void {
    const position = state.position;
    if (!this.lagging || position === undefined) return;
    this.lagging = false;
    const missed = position.received - this.sent.received;
    if (missed > 0) {
      this.stats.eventsMissed += missed;
      this.offer(toFrame({ type: 'gap', missed, fromSeq: this.sent.seq + 1, toSeq: position.seq }));
      this.log.debug({ viewer: this.id, missed }, 'viewer resynchronised after a gap');
    }
    this.offer(state);
  }

  /**
   * Starts the viewer over on another cluster: whatever it was waiting for belongs to the old
   * one, so the queue is dropped and a lagging viewer is back in step with the `reset` frame.
   * Unlike any other frame, a reset is never cut: the viewer must drop the old trace, and a
   * later `state` would not tell it to. It is sent once the socket drains.
   */
  reset(frame: Frame): void {
    if (!this.open) return;
    this.dropQueue();
    this.lagging = false;
    this.pendingReset = frame;
    this.queue.push(frame);
    this.queuedBytes += frame.bytes;
    this.pump();
  }

  /** Answers a viewer's malformed message; a viewer that keeps sending them is disconnected. */
  reject(code: string, message: string): void {
    this.malformedCount++;
    if (this.malformedCount > this.limits.malformedMessagesMax) {
      this.log.info({ viewer: this.id }, 'viewer disconnected after too many malformed messages');
      this.socket.close(1008, 'too many malformed messages');
      return;
    }
    this.offer(toFrame({ type: 'error', code, message }));
  }

  /** Pings the viewer; one that did not answer the previous ping is disconnected. */
  checkAlive(): void {
    if (!this.open) return;
    if (!this.answeredPing) {
      this.log.info({ viewer: this.id }, 'viewer did not answer a ping; disconnecting');
      this.socket.terminate();
      return;
    }
    this.answeredPing = false;
    this.socket.ping();
  }

  /** Sends a last frame and closes the socket. */
  close(code: number, reason: string, last?: Frame): void {
    if (!this.open) return;
    if (last !== undefined) this.socket.send(last.data);
    this.socket.close(code, reason);
    this.dropQueue();
  }

  snapshotStats(): ViewerStats {
    return {
      id: this.id,
      lagging: this.lagging,
      queuedFrames: this.queue.length,
      queuedBytes: this.queuedBytes,
      socketBufferedBytes: this.open ? this.socket.bufferedAmount : 0,
      ...this.stats,
    };
  }

  /** Hands queued frames to the socket while its buffer is below its bound. */
  private pump(): void {
    while (this.queue.length > 0 && this.open) {
      if (this.socket.bufferedAmount >= this.limits.socketBufferedBytesMax) return;
      const frame = this.queue.shift() as Frame;
      this.queuedBytes -= frame.bytes;
      if (frame === this.pendingReset) this.pendingReset = null;
      this.socket.send(utf8Of(frame), { binary: false }, (err) => this.onWritten(err));
      this.stats.framesSent++;
      this.stats.eventsSent += frame.events ?? 0;
      if (frame.position !== undefined) this.sent = frame.position;
    }
  }

  private onWritten(err: Error | undefined): void {
    if (err !== undefined && err !== null) {
      this.log.debug({ viewer: this.id, err }, 'viewer socket write failed');
      this.dropQueue();
      return;
    }
    this.pump();
  }

  /**
   * An empty queue is never over the bound: the pump only writes while the socket buffer is
   * below its own, smaller bound, so the socket then holds at most that plus one frame.
   */
  private overBound(): boolean {
    if (this.queue.length === 0) return false;
    return (
      this.queue.length > this.limits.queueFramesMax ||
      this.queuedBytes + this.socket.bufferedAmount > this.limits.queueBytesMax
    );
  }

  private cut(): void {
    this.log.debug(
      { viewer: this.id, frames: this.queue.length, bytes: this.queuedBytes },
      'viewer is not keeping up; its queue is cut',
    );
    this.dropQueue();
    if (this.pendingReset !== null) {
      this.queue.push(this.pendingReset);
      this.queuedBytes += this.pendingReset.bytes;
    }
    this.lagging = true;
    this.stats.cuts++;
  }

  private dropQueue(): void {
    this.queue.length = 0;
    this.queuedBytes = 0;
  }
}
