/**
 * A bounded ring of recent trace events with an index by message id.
 *
 * The ring is mutable on purpose: copying tens of thousands of events on every batch would cost
 * more than the drawing. The store owns one ring and bumps a version number whenever it changes,
 * which is what components subscribe to.
 */

import type { NetEvent, TraceEvent } from '@raftlens/trace';

export class TraceRing {
  readonly capacity: number;
  private readonly slots: Array<TraceEvent | undefined>;
  /** Slot of the oldest event. */
  private head = 0;
  private count = 0;
  /** Events pushed out of the ring since it was created or cleared. */
  evicted = 0;
  /** Net events per message id, oldest first; a message leaves when its oldest event does. */
  private readonly byMessage = new Map<string, NetEvent[]>();

  constructor(capacity: number) {
    if (capacity < 1) throw new Error(`ring capacity must be positive, got ${capacity}`);
    this.capacity = capacity;
    this.slots = new Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** The i-th event, 0 being the oldest still held. */
  at(i: number): TraceEvent | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.slots[(this.head + i) % this.capacity];
  }

  get last(): TraceEvent | undefined {
    return this.at(this.count - 1);
  }

  get first(): TraceEvent | undefined {
    return this.at(0);
  }

  push(e: TraceEvent): void {
    if (this.count === this.capacity) this.evictOldest();
    this.slots[(this.head + this.count) % this.capacity] = e;
    this.count++;
    if (e.kind === 'net') {
      const list = this.byMessage.get(e.msgId);
      if (list) list.push(e);
      else this.byMessage.set(e.msgId, [e]);
    }
  }

  /** Every event the ring still holds for one message, in order. */
  messageEvents(msgId: string): readonly NetEvent[] {
    return this.byMessage.get(msgId) ?? [];
  }

  /** Index of the first event whose wall time is at least `wallMs` (events arrive in order). */
  lowerBoundWall(wallMs: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.at(mid);
      if (e && e.wallMs < wallMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the event with sequence number `seq`, or -1 when it is not held. */
  indexOfSeq(seq: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.at(mid);
      if (e && e.seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return this.at(lo)?.seq === seq ? lo : -1;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.count = 0;
    this.evicted = 0;
    this.byMessage.clear();
  }

  private evictOldest(): void {
    const old = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    this.evicted++;
    if (old?.kind !== 'net') return;
    const list = this.byMessage.get(old.msgId);
    if (!list) return;
    list.shift();
    if (list.length === 0) this.byMessage.delete(old.msgId);
  }
}
