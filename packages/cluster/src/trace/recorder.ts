/**
 * Numbers trace events, keeps the most recent ones and hands each to the subscribers in order.
 * The runtime builds events and calls `emit`; nothing else assigns sequence numbers.
 */

import type { TraceEvent, UnsequencedEvent } from '@raftlens/trace';

export type TraceListener = (e: TraceEvent) => void;

export interface SubscribeOptions {
  /** Replay the retained events with `seq >= fromSeq` before live ones. */
  fromSeq?: number;
}

export class TraceRecorder {
  private seq = 0;
  private readonly ring: TraceEvent[] = [];
  private ringStart = 0;
  private readonly listeners = new Set<TraceListener>();

  constructor(
    /** How many recent events are kept for late subscribers and tests. */
    private readonly retainedMax: number,
    private readonly onListenerError: (err: unknown) => void,
  ) {}

  /** The sequence number of the last event emitted; 0 before any. */
  lastSeq(): number {
    return this.seq;
  }

  /**
   * Numbers `e` and hands it on. `e` must be a fresh object that the caller does not keep: it
   * becomes the event, its sequence number added in place (a copy of every event's fields cost
   * more than anything else done with it here).
   */
  emit(e: UnsequencedEvent): TraceEvent {
    const event = e as TraceEvent;
    event.seq = ++this.seq;
    if (this.retainedMax > 0) {
      this.ring.push(event);
      // Trim in chunks: shifting one element per event would make emit O(n).
      if (this.ring.length > this.retainedMax * 1.25) {
        const cut = this.ring.length - this.retainedMax;
        this.ring.splice(0, cut);
        this.ringStart += cut;
      }
    }
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError(err);
      }
    }
    return event;
  }

  subscribe(listener: TraceListener, opts: SubscribeOptions = {}): () => void {
    if (opts.fromSeq !== undefined) {
      for (const e of this.retained(opts.fromSeq)) listener(e);
    }
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Retained events with `seq >= fromSeq`, oldest first. */
  retained(fromSeq = 0): TraceEvent[] {
    const first = this.ring[0]?.seq ?? this.seq + 1;
    const skip = Math.max(0, fromSeq - first);
    return this.ring.slice(skip);
  }

  /** Count of listeners, for tests and diagnostics. */
  listenerCount(): number {
    return this.listeners.size;
  }

  /** The index of the oldest retained event in the whole trace (0-based). */
  retainedFrom(): number {
    return this.ringStart;
  }
}
