/**
 * Reading and writing traces as newline-delimited JSON.
 *
 * A reader never throws on bad input: it returns a typed error that names the line, so a
 * dashboard can refuse a file and keep whatever it already had open.
 */

import { importEtcdTrace, looksLikeEtcdTrace } from './etcd.ts';
import { TRACE_FORMAT, TRACE_VERSION, type TraceEvent, type TraceHeader } from './events.ts';

export interface Trace {
  header: TraceHeader;
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

/** Serialises a header and events, one JSON object a line, with a final newline. */
export function serializeTrace(header: TraceHeader, events: Iterable<TraceEvent>): string {
  const lines = [JSON.stringify(header)];
  for (const e of events) lines.push(JSON.stringify(e));
  return `${lines.join('\n')}\n`;
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
  const lines = text.split('\n');
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) return fail('EmptyTrace', 0, 'The file is empty: a trace has at least a header.');
  const head = parseLine(lines, first);
  if (!head.ok) return { ok: false, error: head.error };
  if (looksLikeEtcdTrace(head.value)) return importEtcdTrace(lines);
  const header = head.value as Partial<TraceHeader>;
  if (header.format !== TRACE_FORMAT) {
    return fail(
      'NotATrace',
      first + 1,
      `Line ${first + 1} is not a trace header: expected {"format":"${TRACE_FORMAT}",...} ` +
        'or an etcd raft trace line.',
    );
  }
  if (header.version !== TRACE_VERSION) {
    return fail(
      'UnsupportedVersion',
      first + 1,
      `Trace version ${String(header.version)} is not supported; this build reads version ` +
        `${TRACE_VERSION}.`,
    );
  }
  const events: TraceEvent[] = [];
  let lastSeq = 0;
  for (let i = first + 1; i < lines.length; i++) {
    if ((lines[i] ?? '').trim() === '') continue;
    const parsed = parseLine(lines, i);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const problem = eventProblem(parsed.value);
    if (problem)
      return fail('InvalidEvent', i + 1, `Line ${i + 1} is not a trace event: ${problem}.`);
    const event = parsed.value as unknown as TraceEvent;
    if (event.seq <= lastSeq) {
      return fail(
        'SequenceOutOfOrder',
        i + 1,
        `Line ${i + 1} has sequence number ${event.seq} after ${lastSeq}; events must be in order.`,
      );
    }
    lastSeq = event.seq;
    events.push(event);
  }
  return { ok: true, trace: { header: header as TraceHeader, events, unknowns: [] } };
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

const fail = (code: TraceErrorCode, line: number, message: string): TraceParseResult => ({
  ok: false,
  error: err(code, line, message),
});
