/**
 * The events of a trace, kept for replay, with columns of their sequence numbers and wall
 * times for binary search.
 *
 * A million parsed events are mostly repetition: the same configuration lists, the same role
 * and message type strings, and each message written out again in its Send, its Deliver and
 * the state events around them. Two layouts keep them:
 *
 * - `columns` (the default): the state and net events (nine in ten) are taken apart into typed
 *   columns (numbers, small codes, and references to one shared copy of each message and
 *   configuration) and rebuilt on read; any other event, or one whose numbers do not fit the
 *   columns, is kept as its object. About 3 times less heap than the objects, and no per-event
 *   object for the garbage collector to trace while a big file opens.
 * - `objects`: the event objects in order, with repeated parts shared (`intern`) or as given.
 *
 * Either way, what `push` returns and `get` gives are shared: treat them as read-only. The
 * columns keep the fields the trace format defines (docs/trace-format.md); a state or net
 * event with a field the format does not define is kept whole, as an object.
 */

import type { MessageSummary, NetEvent, Role, StateEvent, TraceEvent } from '../events.ts';
import { STATE_EVENT_NAMES } from '../events.ts';
import { Float64Column, Int32Column, Uint8Column } from './columns.ts';

/** Bound on the recent-message cache; it is cleared, not evicted one by one, when full. */
const RECENT_MESSAGES_MAX = 8192;
/** Bound on interned lists and strings: a trace has few distinct ones; past this, stop. */
const CONSTANTS_MAX = 4096;

export type StoreLayout = 'columns' | 'objects';

export interface EventStoreOptions {
  /** Default `columns`. */
  layout?: StoreLayout;
  /** For `objects`: share repeated parts. Default true. */
  intern?: boolean;
  /**
   * The events pushed become the store's: their repeated parts may be replaced in place
   * rather than copied (faster, less garbage). Only when the caller keeps no use of them.
   */
  adopt?: boolean;
}

/** Events in order, and where they are by sequence number and by time. */
export class EventStore {
  private readonly seqs = new Float64Column(1024);
  /** Running maximum of wall times, so time search works even if clocks step back. */
  private readonly wallHigh = new Float64Column(1024);
  private readonly body: ObjectBody | ColumnBody;

  constructor(opts: EventStoreOptions = {}) {
    const adopt = opts.adopt ?? false;
    this.body =
      (opts.layout ?? 'columns') === 'columns'
        ? new ColumnBody(adopt)
        : new ObjectBody((opts.intern ?? true) ? new Interner(adopt) : null);
  }

  get length(): number {
    return this.seqs.length;
  }

  /**
   * Appends an event; its sequence number must exceed the last one's. Returns the event to
   * apply: equal to `e`, its repeated parts shared with the stored copy.
   */
  push(e: TraceEvent): TraceEvent {
    const n = this.seqs.length;
    if (n > 0 && e.seq <= this.seqs.at(n - 1)) {
      throw new Error(`event store: seq ${e.seq} after ${this.seqs.at(n - 1)}`);
    }
    const stored = this.body.push(e, n);
    this.seqs.push(e.seq);
    const high = n > 0 ? Math.max(this.wallHigh.at(n - 1), e.wallMs) : e.wallMs;
    this.wallHigh.push(high);
    return stored;
  }

  /** The event at position `pos` (0-based); `pos` must be below `length`. */
  get(pos: number): TraceEvent {
    return this.body.get(pos, this.seqs.at(pos));
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

  /** Bytes held by the typed columns (objects are not counted: see the benchmark). */
  columnBytes(): number {
    return this.seqs.bytes() + this.wallHigh.bytes() + this.body.bytes();
  }
}

/** The `objects` layout. */
class ObjectBody {
  private readonly events: TraceEvent[] = [];

  constructor(private readonly interner: Interner | null) {}

  push(e: TraceEvent, _pos: number): TraceEvent {
    const stored = this.interner ? this.interner.event(e) : e;
    this.events.push(stored);
    return stored;
  }

  get(pos: number, _seq: number): TraceEvent {
    return this.events[pos] as TraceEvent;
  }

  bytes(): number {
    return 0;
  }
}

// Codes of the `columns` layout: 0 is an event kept whole; then state names, then net names.
const WHOLE = 0;
const NET_NAMES = ['Send', 'Hold', 'Release', 'Delay', 'Duplicate', 'Deliver', 'Drop'] as const;
const STATE_BASE = 1;
const NET_BASE = STATE_BASE + STATE_EVENT_NAMES.length;
const STATE_CODE = new Map<string, number>(STATE_EVENT_NAMES.map((n, i) => [n, STATE_BASE + i]));
const NET_CODE = new Map<string, number>(NET_NAMES.map((n, i) => [n, NET_BASE + i]));
const ROLES: readonly Role[] = [
  'StateFollower',
  'StateCandidate',
  'StatePreCandidate',
  'StateLeader',
];
const ROLE_CODE = new Map<string, number>(ROLES.map((r, i) => [r, i]));
/** Set in a state row's role byte when the event carries `progress`. */
const HAS_PROGRESS = 0x80;

/**
 * How many keys a columnar event has: state events 14 (plus `msg` and `progress` when set),
 * net events 9. An event with any other key is kept whole.
 */
const STATE_REQUIRED_KEYS = 14;
const NET_KEY_COUNT = 9;

const isInt32 = (v: unknown): v is number => typeof v === 'number' && (v | 0) === v;

/**
 * The `columns` layout. Per event: a code, node, group, tick, wall time and a row; a state
 * row holds term, vote, commit, last index, role, configuration, learners, message and
 * progress; a net row holds the message and the two numbers of its `from.n` id.
 */
class ColumnBody {
  private readonly code = new Uint8Column(1024);
  private readonly node = new Int32Column(1024);
  private readonly group = new Int32Column(1024);
  private readonly tick = new Int32Column(1024);
  private readonly wall = new Float64Column(1024);
  /** The row in the kind's columns, or the index in `whole`. */
  private readonly row = new Int32Column(1024);
  private readonly whole: TraceEvent[] = [];
  // State rows.
  private readonly sTerm = new Int32Column(1024);
  private readonly sVote = new Int32Column(1024);
  private readonly sCommit = new Int32Column(1024);
  private readonly sLast = new Int32Column(1024);
  private readonly sRole = new Uint8Column(1024);
  private readonly sConf = new Int32Column(1024);
  private readonly sLearners = new Int32Column(1024);
  private readonly sMsg = new Int32Column(1024);
  private readonly sMatch = new Int32Column(1024);
  private readonly sNext = new Int32Column(1024);
  // Net rows.
  private readonly nMsg = new Int32Column(1024);
  private readonly nIdA = new Int32Column(1024);
  private readonly nIdB = new Int32Column(1024);
  /** Shared parts, referenced from the rows. */
  private readonly msgs: MessageSummary[] = [];
  private readonly confs: Array<[number[], number[]]> = [];
  private readonly lists: number[][] = [];
  private readonly confIds = new Map<string, number>();
  private readonly listIds = new Map<string, number>();
  private lastConf = -1;
  private lastLearners = -1;
  private recent = new Map<number, number[]>();
  private recentCount = 0;

  constructor(private readonly adopt: boolean) {}

  push(e: TraceEvent, pos: number): TraceEvent {
    const ok =
      isInt32(e.node) &&
      isInt32(e.group) &&
      isInt32(e.tick) &&
      (e.kind === 'state' ? this.pushState(e) : e.kind === 'net' ? this.pushNet(e) : false);
    if (!ok) {
      this.code.push(WHOLE);
      this.row.push(this.whole.length);
      this.whole.push(e);
      this.node.push(0);
      this.group.push(0);
      this.tick.push(0);
      this.wall.push(0);
      return e;
    }
    this.node.push(e.node);
    this.group.push(e.group);
    this.tick.push(e.tick);
    this.wall.push(e.wallMs);
    if (this.adopt) {
      // The parts the rows reference replace the event's own: the applied event shares them.
      if (e.kind === 'state') {
        e.conf = this.confs[this.sConf.at(this.sConf.length - 1)] as [number[], number[]];
        e.learners = this.lists[this.sLearners.at(this.sLearners.length - 1)] as number[];
        const m = this.sMsg.at(this.sMsg.length - 1);
        if (m >= 0) e.msg = this.msgs[m] as MessageSummary;
      } else if (e.kind === 'net') {
        e.msg = this.msgs[this.nMsg.at(this.nMsg.length - 1)] as MessageSummary;
      }
      return e;
    }
    return this.get(pos, e.seq);
  }

  private pushState(e: StateEvent): boolean {
    const code = STATE_CODE.get(e.name);
    const role = ROLE_CODE.get(e.role);
    if (code === undefined || role === undefined) return false;
    if (!isInt32(e.term) || !isInt32(e.vote) || !isInt32(e.commit) || !isInt32(e.lastIndex)) {
      return false;
    }
    const p = e.progress;
    if (p !== undefined && (!isInt32(p.match) || !isInt32(p.next))) return false;
    // Count keys only when the event has more than its required ones: an extra field means
    // the event is kept whole rather than losing it.
    // The fields read above and below, and no others: counting the keys is enough to know
    // that the columns lose nothing (an extra field keeps the event whole).
    let keys = 0;
    for (const _ in e) keys++;
    const optional = (e.msg !== undefined ? 1 : 0) + (p !== undefined ? 1 : 0);
    if (keys !== STATE_REQUIRED_KEYS + optional) return false;
    if (!Array.isArray(e.conf) || !Array.isArray(e.learners)) return false;
    const conf = this.confId(e.conf);
    const learners = this.listId(e.learners);
    if (conf < 0 || learners < 0) return false;
    const msg = e.msg === undefined ? -1 : this.msgId(e.msg);
    if (msg === -2) return false;
    this.code.push(code);
    this.row.push(this.sTerm.length);
    this.sTerm.push(e.term);
    this.sVote.push(e.vote);
    this.sCommit.push(e.commit);
    this.sLast.push(e.lastIndex);
    this.sRole.push(role | (p !== undefined ? HAS_PROGRESS : 0));
    this.sConf.push(conf);
    this.sLearners.push(learners);
    this.sMsg.push(msg);
    this.sMatch.push(p?.match ?? 0);
    this.sNext.push(p?.next ?? 0);
    return true;
  }

  private pushNet(e: NetEvent): boolean {
    const code = NET_CODE.get(e.name);
    if (code === undefined || typeof e.msgId !== 'string') return false;
    let keys = 0;
    for (const _ in e) keys++;
    if (keys !== NET_KEY_COUNT) return false;
    const id = splitMsgId(e.msgId);
    if (id < 0) return false;
    const msg = this.msgId(e.msg);
    if (msg < 0) return false;
    this.code.push(code);
    this.row.push(this.nMsg.length);
    this.nMsg.push(msg);
    this.nIdA.push(idA);
    this.nIdB.push(idB);
    return true;
  }

  get(pos: number, seq: number): TraceEvent {
    const code = this.code.at(pos);
    const row = this.row.at(pos);
    if (code === WHOLE) return this.whole[row] as TraceEvent;
    const node = this.node.at(pos);
    const group = this.group.at(pos);
    const tick = this.tick.at(pos);
    const wallMs = this.wall.at(pos);
    if (code < NET_BASE) {
      const roleByte = this.sRole.at(row);
      const e: StateEvent = {
        kind: 'state',
        name: STATE_EVENT_NAMES[code - STATE_BASE] as StateEvent['name'],
        seq,
        wallMs,
        node,
        group,
        tick,
        term: this.sTerm.at(row),
        vote: this.sVote.at(row),
        commit: this.sCommit.at(row),
        role: ROLES[roleByte & 0x7f] as Role,
        lastIndex: this.sLast.at(row),
        conf: this.confs[this.sConf.at(row)] as [number[], number[]],
        learners: this.lists[this.sLearners.at(row)] as number[],
      };
      const m = this.sMsg.at(row);
      if (m >= 0) e.msg = this.msgs[m] as MessageSummary;
      if (roleByte & HAS_PROGRESS) {
        e.progress = { match: this.sMatch.at(row), next: this.sNext.at(row) };
      }
      return e;
    }
    return {
      kind: 'net',
      name: NET_NAMES[code - NET_BASE] as NetEvent['name'],
      seq,
      wallMs,
      node,
      group,
      tick,
      msgId: `${this.nIdA.at(row)}.${this.nIdB.at(row)}`,
      msg: this.msgs[this.nMsg.at(row)] as MessageSummary,
    };
  }

  bytes(): number {
    let n = 0;
    for (const c of [
      this.code,
      this.node,
      this.group,
      this.tick,
      this.wall,
      this.row,
      this.sTerm,
      this.sVote,
      this.sCommit,
      this.sLast,
      this.sRole,
      this.sConf,
      this.sLearners,
      this.sMsg,
      this.sMatch,
      this.sNext,
      this.nMsg,
      this.nIdA,
      this.nIdB,
    ]) {
      n += c.bytes();
    }
    return n;
  }

  /** The id of a configuration pair, or -1 when it is not one. */
  private confId(c: [number[], number[]]): number {
    const last = this.confs[this.lastConf];
    if (last !== undefined && sameList(last[0], c[0]) && sameList(last[1], c[1])) {
      return this.lastConf;
    }
    if (c.length !== 2 || !isIntList(c[0]) || !isIntList(c[1])) return -1;
    const key = `${c[0].join(',')}|${c[1].join(',')}`;
    let id = this.confIds.get(key);
    if (id === undefined) {
      id = this.confs.length;
      this.confs.push([c[0], c[1]]);
      this.confIds.set(key, id);
    }
    this.lastConf = id;
    return id;
  }

  private listId(l: number[]): number {
    const last = this.lists[this.lastLearners];
    if (last !== undefined && sameList(last, l)) return this.lastLearners;
    if (!isIntList(l)) return -1;
    const key = l.join(',');
    let id = this.listIds.get(key);
    if (id === undefined) {
      id = this.lists.length;
      this.lists.push(l);
      this.listIds.set(key, id);
    }
    this.lastLearners = id;
    return id;
  }

  /**
   * The id of one shared copy of `m`: equal messages met recently (a message's Send, Deliver
   * and state events are close together) get the same. -2 when `m` is not a message.
   */
  private msgId(m: MessageSummary): number {
    if (typeof m !== 'object' || m === null || !Array.isArray(m.entries)) return -2;
    const h = hashMessage(m);
    const bucket = this.recent.get(h);
    if (bucket !== undefined) {
      for (const id of bucket) if (sameMessage(this.msgs[id] as MessageSummary, m)) return id;
    }
    const out: MessageSummary = this.adopt ? m : { ...m };
    if (m.entries.length === 0) out.entries = NO_ENTRIES;
    const id = this.msgs.length;
    this.msgs.push(out);
    if (this.recentCount >= RECENT_MESSAGES_MAX) {
      this.recent = new Map();
      this.recentCount = 0;
    }
    const list = bucket !== undefined && this.recent.has(h) ? bucket : [];
    if (list.length === 0) this.recent.set(h, list);
    list.push(id);
    this.recentCount++;
    return id;
  }
}

// The two numbers of the last id `splitMsgId` read.
let idA = 0;
let idB = 0;

/**
 * Reads a message id of the runtime's form `a.b` (decimal, no leading zeros, each below 2^31)
 * into `idA` and `idB`; returns -1 for any other form, which is then kept whole.
 */
function splitMsgId(s: string): number {
  const n = s.length;
  let i = 0;
  let a = 0;
  let b = 0;
  const start = i;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    a = a * 10 + (c - 48);
    i++;
  }
  if (i === start || i - start > 9 || (s.charCodeAt(start) === 48 && i - start > 1)) return -1;
  if (i >= n || s.charCodeAt(i) !== 46) return -1;
  i++;
  const mid = i;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    b = b * 10 + (c - 48);
    i++;
  }
  if (i === mid || i - mid > 9 || (s.charCodeAt(mid) === 48 && i - mid > 1)) return -1;
  idA = a;
  idB = b;
  return 0;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (!Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isIntList(l: unknown): l is number[] {
  if (!Array.isArray(l)) return false;
  for (const v of l) if (typeof v !== 'number') return false;
  return true;
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
