/**
 * The flow-control window of one follower: the MsgApp messages the leader has sent to it and
 * not yet seen acknowledged.
 */

import type { LogIndex } from '../types.ts';

interface Inflight {
  /** The index of the last entry the message carried. */
  index: LogIndex;
  /** The payload bytes of the entries the message carried. */
  bytes: number;
}

/**
 * A sliding window of in-flight append messages, limited by their count and, optionally, by
 * their total payload bytes. The leader records each MsgApp it sends with the index of its last
 * entry (indexes must be added in increasing order) and frees the window up to the index a
 * follower acknowledges. While the window is full the leader stops sending entries to that
 * follower, which keeps a slow follower from swallowing unbounded memory and bandwidth.
 *
 * The window is a ring buffer of at most `size` slots that grows on demand, so a large limit
 * costs nothing until it is used.
 */
export class Inflights {
  /** Ring position of the oldest in-flight message. */
  private start = 0;
  /** Number of messages in flight. Invariant: 0 <= inflightCount <= size. */
  private inflightCount = 0;
  /** Sum of the bytes of the messages in flight. */
  private inflightBytes = 0;
  private buffer: Inflight[] = [];

  /**
   * @param size the most messages in flight at once (etcd's MaxInflightMsgs). A size of 0 makes
   *   a window that is always full, as in etcd; raft's config validation rules it out.
   * @param maxBytes the most payload bytes in flight at once; 0 means no byte limit.
   */
  constructor(
    readonly size: number,
    readonly maxBytes: number,
  ) {
    if (!(size >= 0)) throw new Error(`inflights size must not be negative, got ${size}`);
    if (!(maxBytes >= 0)) throw new Error(`inflights maxBytes must not be negative: ${maxBytes}`);
  }

  /** An independent copy with the same window and limits. */
  clone(): Inflights {
    const copy = new Inflights(this.size, this.maxBytes);
    copy.start = this.start;
    copy.inflightCount = this.inflightCount;
    copy.inflightBytes = this.inflightBytes;
    copy.buffer = this.buffer.map((f) => ({ ...f }));
    return copy;
  }

  /**
   * Records a message whose last entry is `index`, carrying `bytes` payload bytes. The caller
   * must have checked `full()` first: adding to a full window is a bug, and it throws.
   */
  add(index: LogIndex, bytes: number): void {
    if (this.full()) throw new Error('cannot add into a full inflights window');
    let slot = this.start + this.inflightCount;
    if (slot >= this.size) slot -= this.size;
    // Slots fill in order from 0 and the start only moves over filled slots, so the buffer
    // never has holes: a slot is either already allocated or exactly the next one.
    this.buffer[slot] = { index, bytes };
    this.inflightCount++;
    this.inflightBytes += bytes;
  }

  /**
   * Frees every message whose last entry is at or below `to`: the follower has acknowledged
   * them. Indexes below the window are ignored, as stale acknowledgements are.
   */
  freeLE(to: LogIndex): void {
    if (this.inflightCount === 0 || to < this.at(this.start).index) return;
    let slot = this.start;
    let freed = 0;
    let freedBytes = 0;
    while (freed < this.inflightCount) {
      const f = this.at(slot);
      if (f.index > to) break;
      freedBytes += f.bytes;
      freed++;
      slot++;
      if (slot >= this.size) slot -= this.size;
    }
    this.inflightCount -= freed;
    this.inflightBytes -= freedBytes;
    // An empty window restarts at slot 0 so that the buffer does not grow needlessly.
    this.start = this.inflightCount === 0 ? 0 : slot;
  }

  /**
   * True when no more messages may be sent: the count limit is reached, or the byte limit is
   * reached or passed. A single message may overshoot the byte limit; it is the next one that
   * has to wait.
   */
  full(): boolean {
    if (this.inflightCount === this.size) return true;
    return this.maxBytes !== 0 && this.inflightBytes >= this.maxBytes;
  }

  /** The number of messages in flight. */
  count(): number {
    return this.inflightCount;
  }

  /** The payload bytes in flight. */
  bytes(): number {
    return this.inflightBytes;
  }

  /** The last-entry indexes of the messages in flight, oldest first (for display). */
  indexes(): LogIndex[] {
    const out: LogIndex[] = [];
    for (let i = 0; i < this.inflightCount; i++)
      out.push(this.at((this.start + i) % this.size).index);
    return out;
  }

  /** Forgets every message in flight, as when the follower's progress changes state. */
  reset(): void {
    this.start = 0;
    this.inflightCount = 0;
    this.inflightBytes = 0;
  }

  private at(slot: number): Inflight {
    const f = this.buffer[slot];
    if (f === undefined) throw new Error(`inflights slot ${slot} read before it was written`);
    return f;
  }
}
