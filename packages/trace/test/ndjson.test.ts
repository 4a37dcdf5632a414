import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  newTraceHeader,
  parseTrace,
  serializeTrace,
  summarizeTrace,
  type TraceEvent,
  toShiViz,
} from '../src/index.ts';

const ETCD_EXAMPLE = new URL(
  '../../../../shared/conformance/etcd-raft/trace/example.ndjson',
  import.meta.url,
);

const header = newTraceHeader({ cluster: 'demo', mode: 'simulated', seed: 7, createdAtMs: 1000 });

const msg = {
  type: 'MsgApp',
  from: 1,
  to: 2,
  term: 1,
  logTerm: 1,
  index: 3,
  commit: 3,
  vote: 0,
  reject: false,
  rejectHint: 0,
  entries: [[1, 4, 'EntryNormal', 12]] as Array<[number, number, string, number]>,
  entryCount: 1,
  bytes: 40,
};

const events: TraceEvent[] = [
  {
    kind: 'state',
    name: 'BecomeLeader',
    seq: 1,
    wallMs: 1001,
    node: 1,
    group: 1,
    tick: 12,
    term: 1,
    vote: 1,
    commit: 3,
    role: 'StateLeader',
    lastIndex: 3,
    conf: [[1, 2, 3], []],
    learners: [],
  },
  {
    kind: 'net',
    name: 'Send',
    seq: 2,
    wallMs: 1002,
    node: 1,
    group: 1,
    tick: 12,
    msgId: '1.1',
    msg,
  },
  {
    kind: 'net',
    name: 'Deliver',
    seq: 3,
    wallMs: 1003,
    node: 2,
    group: 1,
    tick: 9,
    msgId: '1.1',
    msg,
  },
];

describe('native traces', () => {
  it('round-trips a header and events through NDJSON unchanged', () => {
    const text = serializeTrace(header, events);

    const parsed = parseTrace(text);

    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.trace.header).toEqual(header);
    expect(parsed.trace.events).toEqual(events);
  });

  it.each([
    ['an empty file', '', 'EmptyTrace', 0],
    ['a file that is not JSON', 'hello\n', 'NotJson', 1],
    ['JSON that is not a trace', '{"a":1}\n', 'NotATrace', 1],
    ['a newer version', '{"format":"raftlens-trace","version":99}\n', 'UnsupportedVersion', 1],
  ])('refuses %s with code %s', (_name, text, code, line) => {
    const parsed = parseTrace(text);

    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.code).toBe(code);
    expect(parsed.error.line).toBe(line);
  });

  it('refuses a truncated file and names the cut line', () => {
    const text = serializeTrace(header, events);
    const cut = text.slice(0, text.length - 20);

    const parsed = parseTrace(cut);

    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatchObject({ code: 'Truncated', line: 4 });
    expect(parsed.error.message).toContain('Line 4');
  });

  it('refuses an event without its base fields, naming the line', () => {
    const text = `${JSON.stringify(header)}\n{"kind":"net","name":"Send","seq":1}\n`;

    const parsed = parseTrace(text);

    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatchObject({ code: 'InvalidEvent', line: 2 });
  });

  it('refuses events out of sequence order', () => {
    const first = events[0] as TraceEvent;
    const text = serializeTrace(header, [events[1] as TraceEvent, first]);

    const parsed = parseTrace(text);

    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatchObject({ code: 'SequenceOutOfOrder', line: 3 });
  });

  it('exports ShiViz vector clocks in which a delivery follows its send', () => {
    const text = toShiViz(events);

    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toContain('(?<host>');
    expect(lines.at(-1)).toBe('n2 {"n1":2,"n2":1}');
  });
});

describe('etcd raft traces', () => {
  const text = readFileSync(ETCD_EXAMPLE, 'utf8');

  it('imports etcd example with its leader, terms and commits', () => {
    const parsed = parseTrace(text);

    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const summary = summarizeTrace(parsed.trace);
    expect(summary.importedFrom).toBe('etcd-raft');
    expect(summary.nodes).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(summary.eventsByKind.state).toBe(4888);
    expect(summary.leaders).toEqual({ 2: 2 });
    expect(summary.termsWithTwoLeaders).toEqual([]);
    expect(summary.highestCommit).toMatchObject({ 1: 12, 2: 129, 4: 44, 7: 91, 10: 0 });
    expect(summary.unknowns.join(' ')).toContain('ticks');
  });

  it('pairs every etcd receive with an earlier matching send', () => {
    const parsed = parseTrace(text);
    if (!parsed.ok) throw new Error(parsed.error.message);

    const sent = new Set<string>();
    let delivered = 0;
    for (const e of parsed.trace.events) {
      if (e.kind !== 'net') continue;
      if (e.name === 'Send') sent.add(e.msgId);
      if (e.name === 'Deliver') {
        expect(sent.has(e.msgId)).toBe(true);
        delivered++;
      }
    }
    expect(delivered).toBeGreaterThan(1000);
  });

  it('refuses an etcd line without its state, naming the line', () => {
    const lines = text.split('\n').slice(0, 3);
    lines.push('{"event":{"name":"Commit","nid":"1"}}');

    const parsed = parseTrace(lines.join('\n'));

    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatchObject({ code: 'InvalidEvent', line: 4 });
  });
});
