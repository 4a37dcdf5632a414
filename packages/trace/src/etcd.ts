/**
 * Import of traces written by etcd raft built with its TLA+ tracing tag: zap JSON log lines
 * whose `event` field holds a state event (`InitState`, `BecomeLeader`, `Commit`,
 * `SendAppendEntriesRequest`, ...) with the node's term, vote, commit, role, log length and
 * configuration.
 *
 * Such traces record less than ours. The importer keeps what is there, pairs each
 * `Send...` with the matching `Receive...` into net events so that messages can be drawn, and
 * says plainly, in `unknowns`, what the format does not tell.
 */

import type {
  MessageSummary,
  NetEvent,
  Role,
  StateEvent,
  StateEventName,
  TraceEvent,
} from './events.ts';
import { STATE_EVENT_NAMES, TRACE_FORMAT, TRACE_VERSION } from './events.ts';
import { parseLine, type TraceParseResult } from './ndjson.ts';

const STATE_NAMES: ReadonlySet<string> = new Set(STATE_EVENT_NAMES);

/** What an etcd raft trace never records, said once per imported trace. */
export const ETCD_TRACE_UNKNOWNS: readonly string[] = [
  "logical ticks: etcd's trace has no tick count, so every event shows tick 0",
  'entry contents and terms: only the length of each log is recorded',
  'learners: configurations list voters only',
  "the leader's progress for each peer, except match and next at the moment of each append",
  'messages lost in the network: a send with no matching receive is shown as never delivered',
  'Raft groups: every event is placed in group 1',
];

interface EtcdEvent {
  name: string;
  nid: string;
  state: { term: number; vote: string; commit: number };
  role: string;
  log: number;
  conf: [string[], string[]];
  msg?: Record<string, unknown>;
  prop?: { match?: number; next?: number; cc?: Record<string, unknown> };
}

/** True when a parsed first line is one of etcd's trace log lines. */
export function looksLikeEtcdTrace(line: Record<string, unknown>): boolean {
  const event = line.event as Record<string, unknown> | undefined;
  return (
    typeof event === 'object' &&
    event !== null &&
    typeof event.name === 'string' &&
    typeof event.nid === 'string'
  );
}

/** Converts etcd's trace lines into this project's events. */
export function importEtcdTrace(lines: readonly string[]): TraceParseResult {
  const events: TraceEvent[] = [];
  const inFlight = new Map<string, NetEvent[]>();
  const skipped = new Map<string, number>();
  let seq = 0;
  let firstMs = 0;
  let msgCount = 0;
  for (let i = 0; i < lines.length; i++) {
    if ((lines[i] ?? '').trim() === '') continue;
    const parsed = parseLine(lines, i);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const raw = parsed.value;
    const problem = etcdEventProblem(raw);
    if (problem) {
      const message = `Line ${i + 1} is not an etcd raft trace event: ${problem}.`;
      return { ok: false, error: { code: 'InvalidEvent', line: i + 1, message } };
    }
    const ev = raw.event as EtcdEvent;
    if (!STATE_NAMES.has(ev.name)) {
      skipped.set(ev.name, (skipped.get(ev.name) ?? 0) + 1);
      continue;
    }
    const wallMs = typeof raw.ts === 'number' ? Math.round(raw.ts * 1000) : 0;
    if (firstMs === 0) firstMs = wallMs;
    const state = toStateEvent(ev, ++seq, wallMs);
    events.push(state);
    if (!state.msg) continue;
    const key = messageKey(state.msg);
    if (ev.name.startsWith('Send')) {
      const net: NetEvent = { ...netBase(state, ++seq), name: 'Send', msgId: `etcd.${++msgCount}` };
      events.push(net);
      const queue = inFlight.get(key) ?? [];
      queue.push(net);
      inFlight.set(key, queue);
    } else if (ev.name.startsWith('Receive')) {
      const sent = inFlight.get(key)?.shift();
      const msgId = sent?.msgId ?? `etcd.${++msgCount}`;
      events.push({ ...netBase(state, ++seq), name: 'Deliver', msgId });
    }
  }
  const unknowns = [...ETCD_TRACE_UNKNOWNS];
  for (const [name, n] of skipped)
    unknowns.push(`${n} events named ${name}, which this reader skips`);
  return {
    ok: true,
    trace: {
      header: {
        format: TRACE_FORMAT,
        version: TRACE_VERSION,
        cluster: 'etcd-import',
        mode: 'live',
        createdAtMs: firstMs,
        importedFrom: 'etcd-raft',
      },
      events,
      unknowns,
    },
  };
}

function etcdEventProblem(raw: Record<string, unknown>): string | null {
  const ev = raw.event as Partial<EtcdEvent> | undefined;
  if (typeof ev !== 'object' || ev === null) return 'no "event" object';
  if (typeof ev.name !== 'string' || typeof ev.nid !== 'string') return 'no event name or node id';
  if (typeof ev.state !== 'object' || ev.state === null) return 'no "state" object';
  if (!Array.isArray(ev.conf)) return 'no "conf" array';
  return null;
}

function toStateEvent(ev: EtcdEvent, seq: number, wallMs: number): StateEvent {
  const event: StateEvent = {
    kind: 'state',
    name: ev.name as StateEventName,
    seq,
    wallMs,
    node: Number(ev.nid),
    group: 1,
    tick: 0,
    term: ev.state.term,
    vote: Number(ev.state.vote),
    commit: ev.state.commit,
    role: ev.role as Role,
    lastIndex: ev.log,
    conf: [ev.conf[0].map(Number), (ev.conf[1] ?? []).map(Number)],
    learners: [],
  };
  if (ev.msg) event.msg = toMessage(ev.msg);
  if (ev.prop?.match !== undefined && ev.prop.next !== undefined) {
    event.progress = { match: ev.prop.match, next: ev.prop.next };
  }
  if (ev.prop?.cc) event.confChange = describeEtcdConfChange(ev.prop.cc);
  return event;
}

function toMessage(m: Record<string, unknown>): MessageSummary {
  const num = (k: string): number => Number(m[k] ?? 0);
  return {
    type: String(m.type ?? 'Unknown'),
    from: num('from'),
    to: num('to'),
    term: num('term'),
    logTerm: num('logTerm'),
    index: num('index'),
    commit: num('commit'),
    vote: num('vote'),
    reject: m.reject === true,
    rejectHint: num('rejectHint'),
    entries: [],
    entryCount: num('entries'),
    bytes: 0,
  };
}

/** etcd writes either the whole new voter set or a list of server additions and removals. */
function describeEtcdConfChange(cc: Record<string, unknown>): string {
  if (Array.isArray(cc.newconf)) return `voters=(${cc.newconf.join(' ')})`;
  if (Array.isArray(cc.changes)) {
    return cc.changes
      .map((c: { nid?: string; action?: string }) => {
        const letter = c.action === 'RemoveServer' ? 'r' : c.action === 'AddLearner' ? 'l' : 'v';
        return `${letter}${c.nid ?? '?'}`;
      })
      .join(' ');
  }
  return '';
}

function messageKey(m: MessageSummary): string {
  return [m.type, m.from, m.to, m.term, m.logTerm, m.index, m.commit, m.reject, m.entryCount].join(
    '|',
  );
}

/** The net event that goes with a state event carrying a message, numbered `seq`. */
function netBase(state: StateEvent, seq: number): Omit<NetEvent, 'name' | 'msgId'> {
  const msg = state.msg as MessageSummary;
  return {
    kind: 'net',
    seq,
    wallMs: state.wallMs,
    node: state.node,
    group: state.group,
    tick: state.tick,
    msg,
  };
}
