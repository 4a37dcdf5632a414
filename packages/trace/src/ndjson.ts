/**
 * Reading and writing traces as newline-delimited JSON.
 *
 * A reader never throws on bad input: it returns a typed error that names the line, so a
 * dashboard can refuse a file and keep whatever it already had open.
 */

import { importEtcdTrace, looksLikeEtcdTrace } from './etcd.ts';
import { TRACE_FORMAT, TRACE_VERSION, type TraceEvent, type TraceHeader } from './events.ts';
import type { ClusterSnapshot } from './snapshot.ts';

export interface Trace {
  header: TraceHeader;
  /**
   * The cluster just before the first event, for a trace that starts mid-run (a recording
   * whose oldest segments were rotated away); its `seq` is below the first event's.
   */
  snapshot?: ClusterSnapshot;
  events: TraceEvent[];
  /** What the source format did not record, in plain words (empty for native traces). */
  unknowns: string[];
}

export type TraceErrorCode =
  | 'EmptyTrace'
  | 'NotJson'
  | 'NotATrace'
  | 'UnsupportedVersion'
  | 'InvalidEvent'
  | 'SequenceOutOfOrder'
  | 'Truncated';

export interface TraceError {
  code: TraceErrorCode;
  /** 1-based line of the offending input, 0 when the problem is the file as a whole. */
  line: number;
  message: string;
}

export type TraceParseResult = { ok: true; trace: Trace } | { ok: false; error: TraceError };

const KINDS = new Set(['state', 'net', 'ready', 'progress', 'proposal', 'control', 'finding']);
const BASE_FIELDS = ['seq', 'wallMs', 'node', 'group', 'tick'] as const;

/**
 * Serialises a header, an optional starting snapshot and events, one JSON object a line, with
 * a final newline.
 */
export function serializeTrace(
  header: TraceHeader,
  events: Iterable<TraceEvent>,
  snapshot?: ClusterSnapshot,
): string {
  const lines = [JSON.stringify(header)];
  if (snapshot !== undefined) lines.push(snapshotLine(snapshot));
  for (const e of events) lines.push(JSON.stringify(e));
  return `${lines.join('\n')}\n`;
}

/** The event `eventJson` serialised last, and its text. */
let lastEvent: TraceEvent | null = null;
let lastEventJson = '';

/**
 * An event's JSON text. The cluster hands each event to its listeners one after the other, so
 * when two of them serialise it (the trace recording, the viewers' stream) the second gets the
 * first one's text instead of serialising it again. Events are never changed once emitted.
 */
export function eventJson(e: TraceEvent): string {
  if (e !== lastEvent) {
    lastEventJson = JSON.stringify(e);
    lastEvent = e;
  }
  return lastEventJson;
}

/** The line that starts a trace at a snapshot (no final newline). */
export function snapshotLine(snapshot: ClusterSnapshot): string {
  return JSON.stringify({ snapshot });
}

/** A header for a new trace of this project's own format. */
export function newTraceHeader(
  fields: Omit<TraceHeader, 'format' | 'version' | 'createdAtMs'> & { createdAtMs: number },
): TraceHeader {
  return { format: TRACE_FORMAT, version: TRACE_VERSION, ...fields };
}

/**
 * Parses a trace: this project's format, or a trace written by etcd raft's TLA+ trace logger,
 * which is converted (see `importEtcdTrace`).
 */
export function parseTrace(text: string): TraceParseResult {
  const events: TraceEvent[] = [];
  let header: TraceHeader | null = null;
  let snapshot: ClusterSnapshot | undefined;
  const reader = new TraceLineReader({
    header: (h) => {
      header = h;
    },
    snapshot: (s) => {
      snapshot = s;
    },
    event: (e) => {
      events.push(e);
      return null;
    },
  });
  pushText(reader, text);
  const end = reader.finish();
  if (!end.ok) return end;
  if (end.imported) return end.imported;
  const trace: Trace = { header: header as unknown as TraceHeader, events, unknowns: [] };
  if (snapshot !== undefined) trace.snapshot = snapshot;
  return { ok: true, trace };
}

/**
 * Feeds a whole text to a reader in slices: lines cut from a slice of a moderate size parse
 * faster than lines cut from one very long string.
 */
export function pushText(reader: { push(chunk: string): boolean }, text: string): void {
  const SLICE = 1 << 20;
  for (let off = 0; off < text.length; off += SLICE) {
    if (!reader.push(text.slice(off, off + SLICE))) return;
  }
}

/** Where the lines of a native trace go, as they are read; an error returned stops reading. */
export interface TraceLineSink {
  header(header: TraceHeader): void;
  snapshot(snapshot: ClusterSnapshot): void;
  event(event: TraceEvent, line: number): TraceError | null | undefined;
}

/** How far a reader got. `chars` counts UTF-16 code units of the text pushed. */
export interface TraceReadProgress {
  chars: number;
  lines: number;
  events: number;
}

export type TraceLinesEnd =
  | { ok: true; imported: TraceParseResult | null }
  | { ok: false; error: TraceError };

/**
 * Reads a trace from text chunks cut anywhere (mid-line included) and hands each header,
 * snapshot and event to a sink as soon as its line is complete, checking each line once:
 * JSON, the base fields, the order of sequence numbers. An etcd raft trace is kept as lines
 * and converted at `finish` (its pairing of sends and receives needs the whole file).
 *
 * A line that is not JSON is refused as `NotJson` once another line follows it, or as
 * `Truncated` at `finish` when it is the last and starts an object.
 */
export class TraceLineReader {
  error: TraceError | null = null;
  private readonly progressNow: TraceReadProgress = { chars: 0, lines: 0, events: 0 };
  private carry = '';
  private mode: 'start' | 'native' | 'etcd' = 'start';
  private lastSeq = 0;
  /** A line that did not parse, waiting to learn whether it was the last. */
  private pending: { line: number; opensObject: boolean } | null = null;
  /** Every line of an etcd trace, for the importer. */
  private etcdLines: string[] = [];

  constructor(private readonly sink: TraceLineSink) {}

  progress(): TraceReadProgress {
    return { ...this.progressNow };
  }

  /** Reads a chunk; false once the input is refused (see `error`): push no more. */
  push(chunk: string): boolean {
    if (this.error !== null) return false;
    this.progressNow.chars += chunk.length;
    let start = 0;
    if (this.carry !== '') {
      const nl = chunk.indexOf('\n');
      if (nl < 0) {
        this.carry += chunk;
        return true;
      }
      const first = this.carry + chunk.slice(0, nl);
      this.carry = '';
      if (!this.line(first)) return false;
      start = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      if (nl < 0) break;
      if (!this.line(chunk.slice(start, nl))) return false;
      start = nl + 1;
    }
    if (start < chunk.length) this.carry = start === 0 ? chunk : chunk.slice(start);
    return true;
  }

  /** Ends the input: the result, or the error that refused it. */
  finish(): TraceLinesEnd {
    if (this.error === null && this.carry !== '') {
      const last = this.carry;
      this.carry = '';
      this.line(last);
    }
    if (this.error === null && this.pending !== null) {
      const { line, opensObject } = this.pending;
      this.error = opensObject
        ? err(
            'Truncated',
            line,
            `Line ${line} ends before its JSON object does: the file is truncated.`,
          )
        : err('NotJson', line, `Line ${line} is not valid JSON.`);
    }
    if (this.error !== null) return { ok: false, error: this.error };
    if (this.mode === 'start') {
      return {
        ok: false,
        error: err('EmptyTrace', 0, 'The file is empty: a trace has at least a header.'),
      };
    }
    if (this.mode === 'etcd') {
      const lines = this.etcdLines;
      this.etcdLines = [];
      return { ok: true, imported: importEtcdTrace(lines) };
    }
    return { ok: true, imported: null };
  }

  private fail(code: TraceErrorCode, line: number, message: string): false {
    this.error = err(code, line, message);
    return false;
  }

  private line(text: string): boolean {
    const n = ++this.progressNow.lines;
    if (this.mode === 'etcd') {
      this.etcdLines.push(text);
      return true;
    }
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '')) return true;
    if (this.pending !== null) {
      const line = this.pending.line;
      return this.fail('NotJson', line, `Line ${line} is not valid JSON.`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.pending = { line: n, opensObject: text.trimStart().startsWith('{') };
      return true;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return this.fail('NotJson', n, `Line ${n} is not a JSON object.`);
    }
    const v = value as Record<string, unknown>;
    if (this.mode === 'native') {
      if (v.kind === undefined && v.snapshot !== undefined) return this.snapshotLine(v, n);
      const problem = eventProblem(v);
      if (problem)
        return this.fail('InvalidEvent', n, `Line ${n} is not a trace event: ${problem}.`);
      return this.accept(v as unknown as TraceEvent, n);
    }
    return this.headerLine(v, n, text);
  }

  private accept(e: TraceEvent, n: number): boolean {
    const seq = e.seq;
    if (seq <= this.lastSeq) {
      return this.fail(
        'SequenceOutOfOrder',
        n,
        `Line ${n} has sequence number ${seq} after ${this.lastSeq}; events must be in order.`,
      );
    }
    this.lastSeq = seq;
    this.progressNow.events++;
    const refused = this.sink.event(e, n);
    if (refused) {
      this.error = refused;
      return false;
    }
    return true;
  }

  private headerLine(v: Record<string, unknown>, n: number, text: string): boolean {
    if (looksLikeEtcdTrace(v)) {
      this.mode = 'etcd';
      // The importer counts lines from the start of the file: blank ones stay in place.
      this.etcdLines = new Array<string>(n - 1).fill('');
      this.etcdLines.push(text);
      return true;
    }
    const header = v as Partial<TraceHeader>;
    if (header.format !== TRACE_FORMAT) {
      return this.fail(
        'NotATrace',
        n,
        `Line ${n} is not a trace header: expected {"format":"${TRACE_FORMAT}",...} ` +
          'or an etcd raft trace line.',
      );
    }
    if (header.version !== TRACE_VERSION) {
      return this.fail(
        'UnsupportedVersion',
        n,
        `Trace version ${String(header.version)} is not supported; this build reads version ` +
          `${TRACE_VERSION}.`,
      );
    }
    this.mode = 'native';
    this.sink.header(header as TraceHeader);
    return true;
  }

  private snapshotLine(v: Record<string, unknown>, n: number): boolean {
    if (this.progressNow.events > 0 || this.lastSeq > 0) {
      return this.fail(
        'InvalidEvent',
        n,
        `Line ${n} is a snapshot after events; a snapshot line comes right after the header.`,
      );
    }
    const problem = snapshotProblem(v.snapshot);
    if (problem) return this.fail('InvalidEvent', n, `Line ${n} is not a snapshot: ${problem}.`);
    const snap = v.snapshot as ClusterSnapshot;
    this.lastSeq = snap.seq;
    this.sink.snapshot(snap);
    return true;
  }
}

type LineResult = { ok: true; value: Record<string, unknown> } | { ok: false; error: TraceError };

/** Parses line `i` (0-based) as a JSON object, telling a cut-off last line from garbage. */
export function parseLine(lines: readonly string[], i: number): LineResult {
  const text = lines[i] ?? '';
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { ok: false, error: err('NotJson', i + 1, `Line ${i + 1} is not a JSON object.`) };
    }
    return { ok: true, value: value as Record<string, unknown> };
  } catch {
    const isLast = lines.slice(i + 1).every((l) => l.trim() === '');
    if (isLast && text.trimStart().startsWith('{')) {
      const message = `Line ${i + 1} ends before its JSON object does: the file is truncated.`;
      return { ok: false, error: err('Truncated', i + 1, message) };
    }
    return { ok: false, error: err('NotJson', i + 1, `Line ${i + 1} is not valid JSON.`) };
  }
}

/** A cheap structural check of a snapshot line: what the replay reads first. */
function snapshotProblem(s: unknown): string | null {
  if (s === null || typeof s !== 'object' || Array.isArray(s))
    return '"snapshot" must be an object';
  const snap = s as Record<string, unknown>;
  if (typeof snap.seq !== 'number' || !Number.isFinite(snap.seq) || snap.seq < 0) {
    return 'field "seq" must be a number';
  }
  if (typeof snap.wallMs !== 'number') return 'field "wallMs" must be a number';
  if (!Array.isArray(snap.nodes)) return 'field "nodes" must be a list';
  for (const node of snap.nodes as unknown[]) {
    const n = node as Record<string, unknown> | null;
    if (n === null || typeof n !== 'object' || typeof n.id !== 'number') {
      return 'each node needs a numeric "id"';
    }
    if (!Array.isArray(n.groups)) return `node ${String(n.id)} needs a list of "groups"`;
  }
  return null;
}

function eventProblem(v: Record<string, unknown>): string | null {
  for (const f of BASE_FIELDS) {
    if (typeof v[f] !== 'number' || !Number.isFinite(v[f])) return `field "${f}" must be a number`;
  }
  if (typeof v.kind !== 'string' || !KINDS.has(v.kind)) return 'field "kind" is missing or unknown';
  if (typeof v.name !== 'string') return 'field "name" must be a string';
  return null;
}

const err = (code: TraceErrorCode, line: number, message: string): TraceError => ({
  code,
  line,
  message,
});
