import { describe, expect, it } from 'vitest';
import { generateTrace } from '../../bench/generate.ts';
import {
  isUnknownField,
  openTrace,
  parseTrace,
  type ReplayState,
  serializeTrace,
  type TraceEvent,
  TraceReplay,
  termAt,
} from '../../src/index.ts';

const run = generateTrace({ events: 30_000, seed: 11, faultEveryTicks: 20 });
const K = 256;

function replayOf(events: readonly TraceEvent[], opts: { k?: number; intern?: boolean } = {}) {
  return new TraceReplay(run.header, events, {
    checkpointEvery: opts.k ?? K,
    intern: opts.intern ?? true,
  });
}

/** Seqs spread over the trace, deterministic. */
function sampleSeqs(last: number, n: number): number[] {
  const out: number[] = [];
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(1 + (x % last));
  }
  return out;
}

const firstOf = (name: string, kind = 'net') =>
  run.events.find((e) => e.kind === kind && e.name === name) as TraceEvent;

describe('TraceReplay over a generated run', () => {
  const replay = replayOf(run.events);

  it('replays a fixture that holds every kind of fault', () => {
    const names = new Set(run.events.map((e) => e.name));

    for (const name of ['Hold', 'Release', 'Delay', 'Duplicate', 'Drop', 'PartitionSet']) {
      expect(names).toContain(name);
    }
    for (const name of ['NodeCrashed', 'NodeRestarted', 'Compacted', 'FindingRaised']) {
      expect(names).toContain(name);
    }
  });

  it('ends in the state the simulation itself ended in', () => {
    const state = replay.stateAt(replay.lastSeq);

    const got = state.nodes.map((n) => {
      const g = n.groups[0];
      return {
        id: n.id,
        running: n.status === 'running',
        role: g?.role,
        term: g?.term,
        vote: g?.vote,
        commit: g?.commit,
        lastIndex: g?.log.lastIndex,
        lead: g?.lead,
      };
    });
    expect(got).toEqual(run.final);
  });

  it("knows the term of every entry of every node's log, and gets each right", () => {
    const state = replay.stateAt(replay.lastSeq);

    for (const n of state.nodes) {
      const log = n.groups[0]?.log;
      const truth = run.logs[n.id] ?? [];
      if (!log) throw new Error(`no log for node ${n.id}`);
      expect(log.lastIndex).toBe(truth.length);
      const terms = [];
      for (let i = log.firstIndex; i <= truth.length; i++) terms.push(termAt(log.runs, i));
      expect(terms).toEqual(truth.slice(log.firstIndex - 1));
    }
  });

  it('gives the same state at every checkpoint after a round trip through NDJSON', () => {
    const parsed = parseTrace(serializeTrace(run.header, run.events));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const again = replayOf(parsed.trace.events, { intern: false });
    const opened = openTrace(serializeTrace(run.header, run.events), { checkpointEvery: K });
    if (!opened.ok) throw new Error(opened.error.message);

    for (let seq = 0; seq <= replay.lastSeq; seq += K) {
      expect(again.stateAt(seq)).toEqual(replay.stateAt(seq));
      expect(opened.replay.stateAt(seq)).toEqual(replay.stateAt(seq));
    }
    expect(again.stateAt(again.lastSeq)).toEqual(replay.stateAt(replay.lastSeq));
  });

  it('builds any moment from a checkpoint exactly as replaying from the start does', () => {
    const noCheckpoints = replayOf(run.events, { k: 1_000_000_000 });

    for (const seq of sampleSeqs(replay.lastSeq, 40)) {
      expect(replay.stateAt(seq)).toEqual(noCheckpoints.stateAt(seq));
    }
  });

  it('gives identical states when scrubbing forward, back and at random', () => {
    const seen = new Map<number, ReplayState>();
    const visit = (seq: number) => {
      const s = replay.stateAt(seq);
      const before = seen.get(seq);
      if (before) expect(s).toEqual(before);
      else seen.set(seq, s);
    };
    const start = 5000;

    for (let seq = start; seq < start + 600; seq++) visit(seq);
    for (let seq = start + 600; seq >= start; seq--) visit(seq);
    for (const seq of sampleSeqs(600, 200)) visit(start + seq);
    expect(seen.size).toBe(601);
  });

  it('grows the same when events arrive one by one between reads', () => {
    const live = new TraceReplay(run.header, [], { checkpointEvery: K });
    const probes = sampleSeqs(run.events.length, 30).sort((a, b) => a - b);

    for (const e of run.events) {
      live.append(e);
      if (probes.includes(e.seq)) expect(live.stateAt(e.seq)).toEqual(replay.stateAt(e.seq));
    }
    expect(live.stateAt(live.lastSeq)).toEqual(replay.stateAt(replay.lastSeq));
  });

  it('refuses an event whose seq does not increase', () => {
    const r = replayOf(run.events.slice(0, 10));

    expect(() => r.append(run.events[3] as TraceEvent)).toThrow(/seq/);
  });

  it('starts empty before the first event and stays at the end past the last', () => {
    expect(replay.stateAt(0)).toMatchObject({ seq: 0, position: 0, nodes: [], inFlight: [] });
    expect(replay.stateAt(replay.lastSeq + 1000)).toEqual(replay.stateAt(replay.lastSeq));
  });
});

describe('navigation', () => {
  const replay = replayOf(run.events);
  const leaders = run.events.filter((e) => e.kind === 'state' && e.name === 'BecomeLeader');

  it('jumps between elections forward and back', () => {
    expect(leaders.length).toBeGreaterThan(2);
    const [a, b] = leaders as [TraceEvent, TraceEvent];

    expect(replay.next(0, 'election')).toBe(a.seq);
    expect(replay.next(a.seq, 'election')).toBe(b.seq);
    expect(replay.prev(b.seq, 'election')).toBe(a.seq);
    expect(replay.prev(a.seq, 'election')).toBeNull();
    expect(replay.next(leaders.at(-1)?.seq ?? 0, 'election')).toBeNull();
    expect(replay.count('election')).toBe(leaders.length);
  });

  it('finds the elections one node won', () => {
    const node = (leaders[0] as TraceEvent).node;
    const won = leaders.filter((e) => e.node === node).map((e) => e.seq);
    const found: number[] = [];

    for (let s = replay.next(0, 'election', { node }); s !== null; ) {
      found.push(s);
      s = replay.next(s, 'election', { node });
    }
    expect(found).toEqual(won);
  });

  it('lands on commits where a commit index rises, and on faults and findings', () => {
    const commit = replay.next(0, 'commit');
    if (commit === null) throw new Error('no commit');
    const before = replay.stateAt(commit - 1);
    const after = replay.stateAt(commit);
    const node = replay.event(commit)?.node;
    const commitOf = (s: ReplayState) => s.nodes.find((n) => n.id === node)?.groups[0]?.commit;

    expect(commitOf(after)).toBeGreaterThan(commitOf(before) ?? 0);
    expect(replay.event(replay.next(0, 'fault') ?? 0)?.kind).toBe('control');
    expect(replay.event(replay.next(0, 'finding') ?? 0)?.kind).toBe('finding');
    expect(replay.event(replay.next(0, 'message') ?? 0)?.kind).toBe('net');
  });
});

describe('the network at a moment', () => {
  const replay = replayOf(run.events);

  it('shows a message in flight from its send until its delivery', () => {
    const deliver = firstOf('Deliver') as TraceEvent & { kind: 'net' };
    const send = run.events.find(
      (e) => e.kind === 'net' && e.name === 'Send' && e.msgId === deliver.msgId,
    ) as TraceEvent;
    const ids = (seq: number) => replay.stateAt(seq).inFlight.map((f) => f.msgId);

    expect(ids(send.seq - 1)).not.toContain(deliver.msgId);
    expect(ids(send.seq)).toContain(deliver.msgId);
    expect(ids(deliver.seq - 1)).toContain(deliver.msgId);
    expect(ids(deliver.seq)).not.toContain(deliver.msgId);
  });

  it('shows held messages, the rule that holds them, and their release', () => {
    const hold = firstOf('Hold') as TraceEvent & { kind: 'net' };
    const state = replay.stateAt(hold.seq);
    const snap = replay.toSnapshot(state);

    const flight = state.inFlight.find((f) => f.msgId === hold.msgId);
    expect(flight).toMatchObject({ held: true, heldAtMs: hold.wallMs });
    expect(snap.held.map((h) => h.msgId)).toContain(hold.msgId);
    expect(state.links).toContainEqual({
      from: hold.msg.from,
      to: hold.msg.to,
      rule: { hold: true },
    });
    const end = run.events.find(
      (e) =>
        e.kind === 'net' && e.msgId === hold.msgId && (e.name === 'Release' || e.name === 'Drop'),
    ) as TraceEvent;
    const later = replay.stateAt(end.seq).inFlight.find((f) => f.msgId === hold.msgId);
    expect(later?.held ?? false).toBe(false);
  });

  it('shows partitions while they last and crashed nodes as crashed', () => {
    const set = firstOf('PartitionSet', 'control') as TraceEvent & { kind: 'control' };
    const healed = run.events.find(
      (e) => e.kind === 'control' && e.name === 'PartitionHealed' && e.seq > set.seq,
    ) as TraceEvent;
    const crash = firstOf('NodeCrashed', 'control') as TraceEvent & { kind: 'control' };

    expect(replay.stateAt(set.seq).partitions).toEqual(set.detail.groups);
    expect(replay.stateAt(healed.seq).partitions).toEqual([]);
    const crashed = replay.stateAt(crash.seq).nodes.find((n) => n.id === crash.detail.node);
    expect(crashed?.status).toBe('crashed');
  });

  it('keeps duplicates apart from their originals', () => {
    const dup = firstOf('Duplicate') as TraceEvent & { kind: 'net' };
    const state = replay.stateAt(dup.seq);

    expect(state.inFlight.find((f) => f.msgId === dup.copyId)).toMatchObject({
      copyOf: dup.msgId,
      msg: dup.msg,
    });
  });
});

describe('the ClusterSnapshot view of a native trace', () => {
  const replay = replayOf(run.events);
  const snap = replay.snapshotAt(replay.lastSeq);

  it('knows what a native trace records: ticks, applied, progress, entry terms', () => {
    const leader = snap.nodes.find((n) => n.groups[0]?.role === 'StateLeader');
    if (!leader) throw new Error('no leader at the end');
    const g = leader.groups[0];

    expect(isUnknownField(snap, { node: leader.id, field: 'tick' })).toBe(false);
    expect(isUnknownField(snap, { node: leader.id, group: 1, field: 'applied' })).toBe(false);
    expect(leader.tick).toBeGreaterThan(0);
    expect(g?.applied).toBe(g?.commit);
    expect(Object.keys(g?.progress ?? {})).toHaveLength(4);
    expect(snap.unknown.filter((p) => p.includes('.progress.'))).toEqual([]);
    expect(g?.log.entries).toHaveLength(64);
    const terms = g?.log.entries.map((e) => e.term) ?? [];
    expect(terms.every((t, i) => t > 0 && t >= (terms[i - 1] ?? 0))).toBe(true);
    expect(terms.at(-1)).toBe(g?.term);
    expect(g?.log.entries.at(-1)?.summary).toMatch(/^put k\d+$/);
  });

  it('lists any stretch of a log with terms, types and the proposals that landed there', () => {
    const end = replay.stateAt(replay.lastSeq);
    const node = end.nodes[0];
    const last = node?.groups[0]?.log.lastIndex ?? 0;
    const truth = run.logs[node?.id ?? 0] ?? [];

    const entries = replay.entriesOf(end, node?.id ?? 0, 1, last - 199, last + 10);

    expect(entries.map((e) => e.index)).toEqual(
      Array.from({ length: 200 }, (_, i) => last - 199 + i),
    );
    expect(entries.map((e) => e.term)).toEqual(truth.slice(last - 200, last));
    expect(entries.every((e) => e.type === 'EntryNormal')).toBe(true);
    expect(entries.filter((e) => e.summary?.startsWith('put ')).length).toBeGreaterThan(150);
  });

  it('still marks what no trace records: addresses, election timers, kv size', () => {
    expect(snap.unknown).toContain('nodes.1.address');
    expect(snap.unknown).toContain('nodes.1.groups.1.electionElapsedTicks');
    expect(snap.nodes[0]?.kvSize).toBe(-1);
    expect(snap.tickMs).toBe(10);
    expect(snap.speed).toBe(1);
  });
});
