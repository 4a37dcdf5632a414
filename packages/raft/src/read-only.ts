/**
 * ReadIndex requests waiting for a quorum to confirm the leader's leadership
 * (`ReadOnlySafe`).
 *
 * The leader records the commit index at the time of each request, then piggybacks the
 * request's context on a round of heartbeats. Once a quorum has acknowledged a context, that
 * request, and every request queued before it, can be answered: no other leader can have
 * committed anything the reads should see.
 */
import type { LogIndex, Message, NodeId, ReadOnlyOption } from './types.ts';
import { bytesKey } from './util.ts';

/** A pending ReadIndex request. */
export interface ReadIndexStatus {
  /** The MsgReadIndex; its single entry's data is the request context. */
  req: Message;
  /** The commit index when the request arrived: the read index it will be answered with. */
  index: LogIndex;
  /** The nodes that have acknowledged this request's heartbeat round. */
  acks: Map<NodeId, boolean>;
}

export class ReadOnly {
  readonly option: ReadOnlyOption;
  private readonly pending = new Map<string, ReadIndexStatus>();
  /** Request contexts (as keys) in arrival order. */
  private queue: string[] = [];

  constructor(option: ReadOnlyOption) {
    this.option = option;
  }

  /** Queues a request read at `index`; a request whose context is already queued is ignored. */
  addRequest(index: LogIndex, m: Message): void {
    const key = bytesKey(requestCtx(m));
    if (this.pending.has(key)) return;
    this.pending.set(key, { index, req: m, acks: new Map() });
    this.queue.push(key);
  }

  /**
   * Records that `id` acknowledged the heartbeat round carrying `context`. Returns the
   * acknowledgements so far, or undefined if no such request is pending.
   */
  recvAck(id: NodeId, context: Uint8Array): Map<NodeId, boolean> | undefined {
    const rs = this.pending.get(bytesKey(context));
    if (rs === undefined) return undefined;
    rs.acks.set(id, true);
    return rs.acks;
  }

  /**
   * Dequeues the request with the context of `m` and all requests before it, and returns them
   * in order; an empty list if that context is not queued.
   */
  advance(m: Message): ReadIndexStatus[] {
    const key = bytesKey(m.context);
    const at = this.queue.indexOf(key);
    if (at < 0) return [];
    const done = this.queue.slice(0, at + 1);
    this.queue = this.queue.slice(at + 1);
    const out: ReadIndexStatus[] = [];
    for (const k of done) {
      const rs = this.pending.get(k);
      if (rs === undefined)
        throw new Error('cannot find corresponding read state from pending map');
      this.pending.delete(k);
      out.push(rs);
    }
    return out;
  }

  /** The context of the latest queued request, or undefined if none is queued. */
  lastPendingRequestCtx(): Uint8Array | undefined {
    const key = this.queue[this.queue.length - 1];
    if (key === undefined) return undefined;
    return requestCtx((this.pending.get(key) as ReadIndexStatus).req);
  }

  /** The number of queued requests. */
  pendingCount(): number {
    return this.queue.length;
  }
}

/** The context of a MsgReadIndex: the data of its single entry. */
export function requestCtx(m: Message): Uint8Array {
  const e = m.entries[0];
  if (e === undefined) throw new Error('MsgReadIndex without a context entry');
  return e.data;
}
