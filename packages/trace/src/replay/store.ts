/**
 * The events of a trace, kept for replay: the event objects in order, plus columns of their
 * sequence numbers and wall times for binary search.
 *
 * A million parsed events are mostly repetition: the same configuration lists, the same role
 * and message type strings, and each message written out again in its Send, its Deliver and
 * the state events around them. With `intern` on, the store keeps one copy of each: lists and
 * short strings for the whole trace, messages through a recent-window cache (a message's
 * events are close together, and a heartbeat repeats its previous one). Stored events are
 * shared: treat them as read-only.
 */

import type { MessageSummary, NetEvent, StateEvent, TraceEvent } from '../events.ts';
import { Float64Column } from './columns.ts';

/** Bound on the recent-message cache; it is cleared, not evicted one by one, when full. */
const RECENT_MESSAGES_MAX = 8192;
/** Bound on interned lists and strings: a trace has few distinct ones; past this, stop. */
const CONSTANTS_MAX = 4096;

// TODO(replay): a columnar store (typed arrays per field, events built on read) would hold a
// million events in well under the ~200 MiB the interned objects take; until then the browser
// needs that much heap for the largest traces.
export class EventStore {
  private readonly events: TraceEvent[] = [];
  private readonly seqs = new Float64Column(1024);
  /** Running maximum of wall times, so time search works even if clocks step back. */
  private readonly wallHigh = new Float64Column(1024);
  private readonly interner: Interner | null;

  /**
   * `intern` shares repeated parts; `adopt` lets it do so in the events given (which then
   * belong to the store) instead of in copies.
   */
  constructor(opts: { intern: boolean; adopt?: boolean }) {
    this.interner = opts.intern ? new Interner(opts.adopt ?? false) : null;
  }

  get length(): number {
    return this.events.length;
  }

  /** Appends an event; its sequence number must exceed the last one's. */
  push(e: TraceEvent): TraceEvent {
    const n = this.events.length;
    if (n > 0 && e.seq <= this.seqs.at(n - 1)) {
      throw new Error(`event store: seq ${e.seq} after ${this.seqs.at(n - 1)}`);
    }
    const stored = this.interner ? this.interner.event(e) : e;
    this.events.push(stored);
    this.seqs.push(e.seq);
    const high = n > 0 ? Math.max(this.wallHigh.at(n - 1), e.wallMs) : e.wallMs;
    this.wallHigh.push(high);
    return stored;
  }

  /** The event at position `pos` (0-based); `pos` must be below `length`. */
  get(pos: number): TraceEvent {
    return this.events[pos] as TraceEvent;
  }

  seqAt(pos: number): number {
    return this.seqs.at(pos);
  }

  /** How many events have `seq <= seq`: the position just after it. */
  countThrough(seq: number): number {
    return this.seqs.upperBound(seq);
  }

  /** How many events have `seq < seq`. */
  countBefore(seq: number): number {
    return this.seqs.lowerBound(seq);
  }

  /** How many events happened at or before `wallMs` (by the running maximum of wall times). */
  countThroughWall(wallMs: number): number {
    return this.wallHigh.upperBound(wallMs);
  }

  /** Bytes held by the columns (the event objects are not counted: see the benchmark). */
  columnBytes(): number {
    return this.seqs.bytes() + this.wallHigh.bytes();
  }
}

/** Keeps one copy of repeated parts of events. */
class Interner {
  private readonly strings = new Map<string, string>();
  private readonly lists = new Map<string, readonly number[]>();
  private readonly confs = new Map<string, [number[], number[]]>();
  /** Recent messages by a hash of their fields; cleared when `recentCount` reaches the bound. */
  private recent = new Map<number, MessageSummary[]>();
  private recentCount = 0;

  /** With `adopt`, events are the store's own: their parts are replaced in place, not copied. */
  constructor(private readonly adopt: boolean) {}

  event(e: TraceEvent): TraceEvent {
    switch (e.kind) {
      case 'state':
        return this.state(e);
      case 'net':
        return this.net(e);
      default:
        return e;
    }
  }

  private state(e: StateEvent): StateEvent {
    const out: StateEvent = this.adopt ? e : { ...e };
    out.name = this.str(e.name);
    out.role = this.str(e.role);
    out.conf = this.conf(e.conf);
    out.learners = this.list(e.learners) as number[];
    if (e.msg) out.msg = this.msg(e.msg);
    return out;
  }

  private net(e: NetEvent): NetEvent {
    const out: NetEvent = this.adopt ? e : { ...e };
    out.name = this.str(e.name);
    out.msg = this.msg(e.msg);
    return out;
  }

  private str<S extends string>(s: S): S {
    const hit = this.strings.get(s);
    if (hit !== undefined) return hit as S;
    if (this.strings.size < CONSTANTS_MAX) this.strings.set(s, s);
    return s;
  }

  private list(l: readonly number[]): readonly number[] {
    const key = l.join(',');
    const hit = this.lists.get(key);
    if (hit !== undefined) return hit;
    if (this.lists.size < CONSTANTS_MAX) this.lists.set(key, l);
    return l;
  }

  private conf(c: [number[], number[]]): [number[], number[]] {
    const key = `${c[0].join(',')}|${c[1].join(',')}`;
    const hit = this.confs.get(key);
    if (hit !== undefined) return hit;
    const out: [number[], number[]] = [this.list(c[0]) as number[], this.list(c[1]) as number[]];
    if (this.confs.size < CONSTANTS_MAX) this.confs.set(key, out);
    return out;
  }

  private msg(m: MessageSummary): MessageSummary {
    const h = hashMessage(m);
    const bucket = this.recent.get(h);
    if (bucket !== undefined) {
      for (const c of bucket) if (sameMessage(c, m)) return c;
    }
    const out: MessageSummary = this.adopt ? m : { ...m };
    out.type = this.str(m.type);
    if (m.entries.length === 0) out.entries = NO_ENTRIES;
    if (this.recentCount >= RECENT_MESSAGES_MAX) {
      this.recent = new Map();
      this.recentCount = 0;
    }
    const list = bucket !== undefined && this.recentCount > 0 ? bucket : [];
    if (list.length === 0) this.recent.set(h, list);
    list.push(out);
    this.recentCount++;
    return out;
  }
}

/** A hash of a message's numeric fields; equal messages hash equal. */
function hashMessage(m: MessageSummary): number {
  let h = Math.imul(m.from, 0x9e3779b1) ^ m.to;
  h = Math.imul(h ^ m.term, 0x85ebca6b) ^ m.index;
  h = Math.imul(h ^ m.logTerm, 0xc2b2ae35) ^ m.commit;
  h = Math.imul(h ^ m.entryCount, 0x27d4eb2f) ^ m.bytes;
  h = Math.imul(h ^ m.rejectHint, 0x165667b1) ^ (m.vote + (m.reject ? 1 : 0));
  return (h ^ m.type.length) | 0;
}

function sameMessage(a: MessageSummary, b: MessageSummary): boolean {
  if (
    a.type !== b.type ||
    a.from !== b.from ||
    a.to !== b.to ||
    a.term !== b.term ||
    a.logTerm !== b.logTerm ||
    a.index !== b.index ||
    a.commit !== b.commit ||
    a.vote !== b.vote ||
    a.reject !== b.reject ||
    a.rejectHint !== b.rejectHint ||
    a.entryCount !== b.entryCount ||
    a.bytes !== b.bytes ||
    a.entries.length !== b.entries.length ||
    a.snapshot?.index !== b.snapshot?.index ||
    a.snapshot?.term !== b.snapshot?.term
  ) {
    return false;
  }
  for (let i = 0; i < a.entries.length; i++) {
    const x = a.entries[i] as [number, number, string, number];
    const y = b.entries[i] as [number, number, string, number];
    if (x[0] !== y[0] || x[1] !== y[1] || x[2] !== y[2] || x[3] !== y[3]) return false;
  }
  return true;
}

/** Shared by every message without entries; frozen so that no reader can fill it. */
const NO_ENTRIES = Object.freeze([]) as unknown as Array<[number, number, string, number]>;
