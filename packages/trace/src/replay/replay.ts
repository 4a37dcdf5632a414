/**
 * TraceReplay: a recorded trace that can be opened at any moment.
 *
 * Events are appended in order (all at once for a file, one by one for a live stream). The
 * replay machine runs over them once, and every `checkpointEvery` events (K) a clone of it is
 * kept. The state at any sequence number is then the nearest checkpoint at or before it, plus
 * at most K - 1 events applied to a copy. A cursor remembers the last moment built, so
 * stepping forward applies one event, not K.
 *
 * Memory: the events themselves (see `EventStore`), two 8-byte columns per event, the
 * navigation columns (4 bytes per moment and node concerned), one `EntryInfo` per distinct
 * log entry seen, and ceil(N / K) + 1 checkpoints, each O(nodes x groups x (peers + terms in
 * the log) + messages in flight + link rules + active findings): independent of N.
 */

import type { TraceEvent, TraceHeader } from '../events.ts';
import type { Trace, TraceError } from '../ndjson.ts';
import type { ClusterSnapshot } from '../snapshot.ts';
import { EntryBook } from './entry-book.ts';
import { termAt } from './log-runs.ts';
import { ReplayMachine } from './machine.ts';
import { type MomentKind, Navigator } from './navigation.ts';
import { type ReplaySnapshot, toSnapshot } from './snapshot-view.ts';
import type { InFlightMessage, ReplayState } from './state.ts';
import { EventStore, type StoreLayout } from './store.ts';

export const DEFAULT_CHECKPOINT_EVERY = 1000;

export interface TraceReplayOptions {
  /** Events between checkpoints: the most `stateAt` ever applies. Default 1000. */
  checkpointEvery?: number;
  /**
   * How events are kept (see `EventStore`): `columns` (default) or `objects`. `intern: false`
   * keeps the objects as given.
   */
  layout?: StoreLayout;
  /** With `layout: 'objects'`, share repeated parts of events. Default true. */
  intern?: boolean;
  /** What the source of the trace does not record, in plain words (from the importer). */
  unknowns?: readonly string[];
  /**
   * The events given become the replay's: interning may replace their repeated parts in
   * place rather than copy them (faster, less garbage). Only when the caller keeps no use of
   * them; `openTrace` sets it. Default false.
   */
  adoptEvents?: boolean;
  /**
   * The cluster before the first event, for a trace that starts mid-run (`Trace.snapshot`):
   * replay starts from it rather than from nothing.
   */
  start?: ClusterSnapshot;
}

export interface ReplayStats {
  events: number;
  checkpoints: number;
  checkpointEvery: number;
  /** Distinct log entries the trace described. */
  entries: number;
  /** Bytes of the sequence/time columns and the navigation columns. */
  columnBytes: number;
}

/** One log entry at a replayed moment; null where the trace does not say. */
export interface LogEntryView {
  index: number;
  term: number | null;
  type: string | null;
  bytes: number | null;
  summary: string | null;
}

export type OpenTraceResult = { ok: true; replay: TraceReplay } | { ok: false; error: TraceError };

export class TraceReplay {
  readonly header: TraceHeader;
  readonly unknowns: readonly string[];
  readonly checkpointEvery: number;
  private readonly store: EventStore;
  private readonly book = new EntryBook();
  private readonly nav = new Navigator();
  /** The machine after every event appended so far. */
  private readonly head: ReplayMachine;
  /** checkpoints[i] is the machine after the first i * K events. */
  private readonly checkpoints: ReplayMachine[];
  /** A private machine at the last moment built, reused when the next one is ahead of it. */
  private cursor: ReplayMachine | null = null;

  constructor(
    header: TraceHeader,
    events: Iterable<TraceEvent> = [],
    options: TraceReplayOptions = {},
  ) {
    const every = options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
    if (!Number.isInteger(every) || every < 1) {
      throw new Error(`checkpointEvery must be a positive integer, got ${every}`);
    }
    this.header = header;
    this.unknowns = options.unknowns ?? [];
    this.checkpointEvery = every;
    const intern = options.intern ?? true;
    this.store = new EventStore({
      layout: intern ? (options.layout ?? 'columns') : 'objects',
      intern,
      adopt: options.adoptEvents ?? false,
    });
    this.head =
      options.start !== undefined
        ? ReplayMachine.fromSnapshot(header, options.start)
        : new ReplayMachine(header);
    if (options.start !== undefined) this.book.observeSnapshot(options.start);
    this.checkpoints = [this.head.clone()];
    for (const e of events) this.append(e);
  }

  static fromTrace(trace: Trace, options: TraceReplayOptions = {}): TraceReplay {
    return new TraceReplay(trace.header, trace.events, {
      unknowns: trace.unknowns,
      ...(trace.snapshot !== undefined ? { start: trace.snapshot } : {}),
      ...options,
    });
  }

  /** Adds the next event; its `seq` must exceed every earlier one (else this throws). */
  append(event: TraceEvent): void {
    const e = this.store.push(event);
    const pos = this.head.position;
    const did = this.head.apply(e);
    this.book.observe(e);
    this.nav.add(pos, e, did);
    if (this.head.position % this.checkpointEvery === 0) this.checkpoints.push(this.head.clone());
  }

  /** How many events the replay holds. */
  get length(): number {
    return this.store.length;
  }

  /** Sequence number of the first event; 0 when there is none. */
  get firstSeq(): number {
    return this.store.length > 0 ? this.store.seqAt(0) : 0;
  }

  /** Sequence number of the last event; 0 when there is none. */
  get lastSeq(): number {
    return this.store.length > 0 ? this.store.seqAt(this.store.length - 1) : 0;
  }

  /** The event at a position (0-based), or undefined past the end. */
  eventAt(position: number): TraceEvent | undefined {
    return position >= 0 && position < this.store.length ? this.store.get(position) : undefined;
  }

  /** The event with exactly this sequence number, if any. */
  event(seq: number): TraceEvent | undefined {
    const pos = this.store.countThrough(seq) - 1;
    const e = this.eventAt(pos);
    return e !== undefined && e.seq === seq ? e : undefined;
  }

  /** Events with `fromSeq <= seq <= toSeq`, at most `limit` of them, oldest first. */
  events(fromSeq: number, toSeq: number, limit = 10_000): TraceEvent[] {
    const out: TraceEvent[] = [];
    const end = this.store.countThrough(toSeq);
    for (let p = this.store.countBefore(fromSeq); p < end && out.length < limit; p++) {
      out.push(this.store.get(p));
    }
    return out;
  }

  /** The sequence number of the last event at or before a wall time; 0 if none. */
  seqAtWallMs(wallMs: number): number {
    const n = this.store.countThroughWall(wallMs);
    return n > 0 ? this.store.seqAt(n - 1) : 0;
  }

  /** The cluster after every event with a sequence number up to `seq`. */
  stateAt(seq: number): ReplayState {
    return this.view(this.machineAt(this.store.countThrough(seq)));
  }

  /** The `ClusterSnapshot` view of `stateAt(seq)`. */
  snapshotAt(seq: number): ReplaySnapshot {
    return this.toSnapshot(this.stateAt(seq));
  }

  /** The `ClusterSnapshot` view of a state of this replay, entries described from the trace. */
  toSnapshot(state: ReplayState): ReplaySnapshot {
    return toSnapshot(state, (group, index, term) => this.book.get(group, index, term));
  }

  /**
   * Entries `lo..hi` of a node's log at a replayed moment, with what the trace says of each
   * (null where it says nothing), clipped to the log as it was then.
   */
  entriesOf(
    state: ReplayState,
    node: number,
    group: number,
    lo: number,
    hi: number,
  ): LogEntryView[] {
    const log = state.nodes.find((n) => n.id === node)?.groups.find((g) => g.group === group)?.log;
    if (log === undefined || log.lastIndex === null) return [];
    const out: LogEntryView[] = [];
    for (let index = Math.max(lo, log.firstIndex); index <= Math.min(hi, log.lastIndex); index++) {
      const term = termAt(log.runs, index) ?? null;
      const info = term === null ? undefined : this.book.get(group, index, term);
      out.push({
        index,
        term,
        type: info?.type ?? null,
        bytes: info?.bytes ?? null,
        summary: info?.summary ?? null,
      });
    }
    return out;
  }

  /** The sequence number of the first such moment after `seq`, or null. */
  next(seq: number, what: MomentKind, opts: { node?: number } = {}): number | null {
    const pos = this.nav.firstFrom(what, this.store.countThrough(seq), opts.node);
    return pos < 0 ? null : this.store.seqAt(pos);
  }

  /** The sequence number of the last such moment before `seq`, or null. */
  prev(seq: number, what: MomentKind, opts: { node?: number } = {}): number | null {
    const pos = this.nav.lastBefore(what, this.store.countBefore(seq), opts.node);
    return pos < 0 ? null : this.store.seqAt(pos);
  }

  /** How many such moments the trace holds. */
  count(what: MomentKind, opts: { node?: number } = {}): number {
    return this.nav.count(what, opts.node);
  }

  stats(): ReplayStats {
    return {
      events: this.store.length,
      checkpoints: this.checkpoints.length,
      checkpointEvery: this.checkpointEvery,
      entries: this.book.size(),
      columnBytes: this.store.columnBytes() + this.nav.bytes(),
    };
  }

  /** A machine after exactly `pos` events. The result may be the head: only read it. */
  private machineAt(pos: number): ReplayMachine {
    if (pos === this.head.position) return this.head;
    const k = this.checkpointEvery;
    const nearest = this.checkpoints[Math.floor(pos / k)] as ReplayMachine;
    const c = this.cursor;
    const m =
      c !== null && c.position <= pos && c.position >= nearest.position ? c : nearest.clone();
    while (m.position < pos) m.apply(this.store.get(m.position));
    this.cursor = m;
    return m;
  }

  private view(m: ReplayMachine): ReplayState {
    const inFlight: InFlightMessage[] = m.flightList().map(([msgId, f]) => {
      if (f.known !== undefined) {
        return {
          msgId,
          from: f.known.msg.from,
          to: f.known.msg.to,
          group: f.known.group,
          msg: f.known.msg,
          sentSeq: f.known.seq,
          sentAtMs: f.known.wallMs,
          copyOf: f.copyOf,
          held: f.heldAtMs !== null,
          heldAtMs: f.heldAtMs,
          delayedUntilMs: f.delayedUntilMs,
        };
      }
      const sent = this.store.get(f.pos);
      if (sent.kind !== 'net') throw new Error(`replay: flight ${msgId} not sent by a net event`);
      return {
        msgId,
        from: sent.msg.from,
        to: sent.msg.to,
        group: sent.group,
        msg: sent.msg,
        sentSeq: sent.seq,
        sentAtMs: sent.wallMs,
        copyOf: f.copyOf,
        held: f.heldAtMs !== null,
        heldAtMs: f.heldAtMs,
        delayedUntilMs: f.delayedUntilMs,
      };
    });
    return {
      header: this.header,
      seq: m.seq,
      position: m.position,
      wallMs: m.wallMs,
      nodes: m.nodeViews(),
      paused: m.paused,
      speed: m.speed,
      tickMs: m.tickMs,
      links: m.linkViews(),
      partitions: m.partitionView(),
      inFlight,
      findings: m.findingList(),
    };
  }
}
