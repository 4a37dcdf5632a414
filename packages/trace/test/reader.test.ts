/**
 * The streaming reader: the same trace, the same replay and the same coded, line-numbered
 * errors as `parseTrace`/`openTrace`, however the text is cut into chunks; a trace that starts
 * at a snapshot; and the columnar store giving back every event exactly as read.
 */

import { describe, expect, it } from 'vitest';
import { generateTrace } from '../bench/generate.ts';
import {
  type ClusterSnapshot,
  createTraceReader,
  type OpenTraceResult,
  openTrace,
  openTraceStream,
  parseTrace,
  serializeTrace,
  snapshotLine,
  type TraceEvent,
  type TraceReadProgress,
  TraceReplay,
} from '../src/index.ts';

const run = generateTrace({ events: 6_000, seed: 5, faultEveryTicks: 15 });
const text = serializeTrace(run.header, run.events);

function readInChunks(t: string, size: number): OpenTraceResult {
  const reader = createTraceReader({ checkpointEvery: 128 });
  for (let i = 0; i < t.length; i += size) if (!reader.push(t.slice(i, i + size))) break;
  return reader.finish();
}

function replayOf(r: OpenTraceResult): TraceReplay {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.replay;
}

const seqsOf = (r: TraceReplay) => r.events(0, Number.MAX_SAFE_INTEGER, 1e9).map((e) => e.seq);

describe('createTraceReader', () => {
  const whole = replayOf(openTrace(text));

  it('reads the same events and states whatever the chunk size', () => {
    for (const size of [1, 7, 100, 4096, text.length]) {
      const input = size === 1 ? text.slice(0, text.indexOf('\n', 40_000) + 1) : text;
      const r = replayOf(readInChunks(input, size));
      if (size === 1) {
        expect(r.length).toBeGreaterThan(50);
        continue;
      }
      expect(r.length).toBe(run.events.length);
      expect(r.events(0, r.lastSeq, 1e9)).toEqual(run.events);
      for (const seq of [1, 999, 2500, r.lastSeq]) {
        expect(r.stateAt(seq)).toEqual(whole.stateAt(seq));
      }
    }
  });

  it('reports progress as it reads, ending at the whole text', async () => {
    const seen: TraceReadProgress[] = [];
    async function* chunks() {
      for (let i = 0; i < text.length; i += 65_536) yield text.slice(i, i + 65_536);
    }
    const r = replayOf(await openTraceStream(chunks(), { onProgress: (p) => seen.push(p) }));
    expect(r.length).toBe(run.events.length);
    expect(seen.length).toBe(Math.ceil(text.length / 65_536));
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]?.events).toBeGreaterThanOrEqual(seen[i - 1]?.events ?? 0);
    }
    expect(seen.at(-1)?.chars).toBe(text.length);
    // The last line is only complete at the end of the input.
    expect(seen.at(-1)?.events).toBe(run.events.length);
  });

  it('reads a web ReadableStream of strings', async () => {
    const stream = new ReadableStream<string>({
      start(controller) {
        for (let i = 0; i < text.length; i += 10_000) controller.enqueue(text.slice(i, i + 10_000));
        controller.close();
      },
    });
    const r = replayOf(await openTraceStream(stream));
    expect(seqsOf(r)).toEqual(run.events.map((e) => e.seq));
  });

  it('reads etcd raft traces too, converting them at the end', () => {
    const etcd = [
      '{"level":"debug","event":{"name":"InitState","nid":"1","state":{"term":0,"vote":"0","commit":0},"role":"StateFollower","log":0,"conf":[["1","2"],[]]}}',
      '',
      '{"level":"debug","event":{"name":"BecomeCandidate","nid":"1","state":{"term":1,"vote":"1","commit":0},"role":"StateCandidate","log":0,"conf":[["1","2"],[]]}}',
    ].join('\n');
    const streamed = replayOf(readInChunks(etcd, 13));
    const parsed = parseTrace(etcd);
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(streamed.header.importedFrom).toBe('etcd-raft');
    expect(streamed.events(0, 1e9, 1e9)).toEqual(parsed.trace.events);
  });
});

describe('errors while streaming', () => {
  const head = JSON.stringify(run.header);
  const ev = (seq: number) => JSON.stringify({ ...(run.events[seq - 1] as TraceEvent), seq });
  const snap = (seq: number) => snapshotLine({ ...emptySnapshot(), seq });
  const cases: Array<[string, string, string, number]> = [
    ['empty', '\n\n', 'EmptyTrace', 0],
    ['not JSON in the middle', [head, ev(1), '{"kind":', ev(2)].join('\n'), 'NotJson', 3],
    ['cut off at the end', [head, ev(1), ev(2).slice(0, 30)].join('\n'), 'Truncated', 3],
    ['cut off before blank lines', `${[head, ev(1), '{"seq":'].join('\n')}\n\n`, 'Truncated', 3],
    ['not a trace', '{"hello":1}\n', 'NotATrace', 1],
    ['another version', '\n{"format":"raftlens-trace","version":9}\n', 'UnsupportedVersion', 2],
    ['an event without a seq', [head, '{"kind":"state","name":"x"}'].join('\n'), 'InvalidEvent', 2],
    ['events out of order', [head, ev(2), ev(1)].join('\n'), 'SequenceOutOfOrder', 3],
    ['a snapshot after events', [head, ev(1), snap(1)].join('\n'), 'InvalidEvent', 3],
    ['an event not after its snapshot', [head, snap(5), ev(5)].join('\n'), 'SequenceOutOfOrder', 3],
    [
      'a snapshot without nodes',
      [head, '{"snapshot":{"seq":1,"wallMs":0}}'].join('\n'),
      'InvalidEvent',
      2,
    ],
    ['an array line', [head, '[1,2]'].join('\n'), 'NotJson', 2],
  ];
  for (const [what, input, code, line] of cases) {
    it(`refuses ${what} as ${code} at line ${line}, in any chunks`, () => {
      const parsed = parseTrace(input);
      expect(parsed.ok).toBe(false);
      if (parsed.ok) return;
      expect([parsed.error.code, parsed.error.line]).toEqual([code, line]);
      for (const size of [1, 5, input.length]) {
        const r = readInChunks(input, size);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error).toEqual(parsed.error);
      }
    });
  }

  it('stops taking chunks once it refused the input', () => {
    const reader = createTraceReader();
    expect(reader.push('{"nope":1}\n')).toBe(false);
    expect(reader.push(`${JSON.stringify(run.header)}\n`)).toBe(false);
    expect(reader.error?.code).toBe('NotATrace');
    expect(reader.finish().ok).toBe(false);
  });

  it('refuses an event the replay cannot apply by its line, without throwing', () => {
    const bad = [
      head,
      ev(1),
      '{"kind":"net","name":"Send","seq":2,"wallMs":1,"node":1,"group":1,"tick":1}',
    ];
    const r = readInChunks(bad.join('\n'), 64);
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.error.code, r.error.line]).toEqual(['InvalidEvent', 3]);
  });
});

function emptySnapshot(): ClusterSnapshot {
  return {
    cluster: 'c',
    mode: 'simulated',
    paused: false,
    speed: 1,
    tickMs: 10,
    groups: [1],
    nodes: [],
    links: [],
    partitions: [],
    held: [],
    seq: 0,
    wallMs: 0,
  };
}

describe('a trace that starts at a snapshot', () => {
  const full = new TraceReplay(run.header, run.events, { checkpointEvery: 200 });
  const cut = 3_000;
  const start = full.snapshotAt(cut);
  const rest = run.events.filter((e) => e.seq > cut);
  const tail = serializeTrace(run.header, rest, start);

  it('writes the snapshot as the line after the header, and reads it back', () => {
    expect(tail.split('\n')[1]?.startsWith('{"snapshot":{')).toBe(true);
    const parsed = parseTrace(tail);
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.trace.snapshot?.seq).toBe(cut);
    expect(parsed.trace.events).toEqual(rest);
  });

  it('replays from the snapshot: the same roles, terms, commits and logs as the whole trace', () => {
    const from = replayOf(readInChunks(tail, 8192));
    const view = (seq: number, r: TraceReplay) =>
      r.snapshotAt(seq).nodes.map((n) => ({
        id: n.id,
        status: n.status,
        groups: n.groups.map((g) => [g.role, g.term, g.vote, g.commit, g.log.lastIndex, g.lead]),
      }));
    expect(from.stateAt(cut).seq).toBe(cut);
    for (const seq of [cut, cut + 1, cut + 500, full.lastSeq]) {
      expect(view(seq, from)).toEqual(view(seq, full));
    }
    // Without the snapshot, the same events know nothing of the nodes at first.
    const bare = new TraceReplay(run.header, rest);
    expect(view(cut + 1, bare)).not.toEqual(view(cut + 1, full));
  });
});

describe('the columnar store', () => {
  it('gives back every event as read, odd ones included', () => {
    const base = run.events.find((e) => e.kind === 'state' && e.msg) as TraceEvent;
    const net = run.events.find((e) => e.kind === 'net' && e.name === 'Send') as TraceEvent;
    const odd: TraceEvent[] = [
      { ...base, seq: 1, extra: 'kept' } as unknown as TraceEvent,
      { ...base, seq: 2, term: 2 ** 40 } as TraceEvent,
      { ...net, seq: 3, msgId: 'abc' } as TraceEvent,
      { ...net, seq: 4, msgId: '01.2' } as TraceEvent,
      { ...net, seq: 5, wallMs: 12.75 } as TraceEvent,
      { ...base, seq: 6, node: -3, tick: 2 ** 33 } as TraceEvent,
      { ...base, seq: 7, conf: [[1, 2], [3]], learners: [9] } as TraceEvent,
      { ...net, seq: 8, msgId: '7.2147483647' } as TraceEvent,
    ];
    const text2 = serializeTrace(run.header, odd);
    const r = replayOf(readInChunks(text2, 50));
    expect(r.events(0, 100, 100)).toEqual(
      JSON.parse(`[${text2.trim().split('\n').slice(1).join(',')}]`),
    );
    const objects = new TraceReplay(run.header, odd, { layout: 'objects' });
    expect(objects.events(0, 100, 100)).toEqual(r.events(0, 100, 100));
  });
});
