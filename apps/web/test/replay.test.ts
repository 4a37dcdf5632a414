import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newTraceHeader, serializeTrace, type TraceEvent } from '@raftlens/trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localBackend, type ReplayBackend } from '../src/components/replay/backend.ts';
import { ReplayController } from '../src/components/replay/controller.ts';
import { linkParams } from '../src/components/replay/links.ts';
import { createAppStore } from '../src/store/index.ts';
import { msg, net, resetSeq, state } from './fixtures.ts';

/**
 * A three-node run: n1 wins term 2, commits an entry, then n2 wins term 3 after a partition.
 * Returns the NDJSON text and the events, so tests can check the views against the trace.
 */
function run(): { text: string; events: TraceEvent[] } {
  resetSeq(0);
  const conf: [number[], number[]] = [[1, 2, 3], []];
  const s = (name: Parameters<typeof state>[0], node: number, f: Parameters<typeof state>[2]) =>
    state(name, node, { conf, wallMs: 1000 + 10 * (events.length + 1), ...f });
  const events: TraceEvent[] = [];
  const push = (e: TraceEvent) => events.push(e);
  for (const id of [1, 2, 3]) push(s('InitState', id, { term: 1 }));
  push(s('BecomeCandidate', 1, { term: 2, vote: 1, role: 'StateCandidate' }));
  push(net('Send', 'v1', msg('MsgVote', 1, 2, { term: 2 }), 1100));
  push(net('Deliver', 'v1', msg('MsgVote', 1, 2, { term: 2 }), 1110, { node: 2 }));
  push(s('BecomeFollower', 2, { term: 2, vote: 1 }));
  push(s('BecomeLeader', 1, { term: 2, vote: 1, role: 'StateLeader', lastIndex: 1 }));
  push(s('Commit', 1, { term: 2, vote: 1, role: 'StateLeader', lastIndex: 1, commit: 1 }));
  push({
    kind: 'control',
    name: 'PartitionSet',
    seq: 0,
    wallMs: 1300,
    node: 0,
    group: 1,
    tick: 0,
    detail: { groups: [[1], [2, 3]] },
  });
  push({
    kind: 'finding',
    name: 'FindingRaised',
    seq: 0,
    wallMs: 1310,
    node: 1,
    group: 1,
    tick: 0,
    code: 'StaleLeader',
    severity: 'warning',
    summary: 'n1 leads term 2 but cannot reach a quorum',
    nodes: [1],
  });
  push(s('BecomeCandidate', 2, { term: 3, vote: 2, role: 'StateCandidate' }));
  push(s('BecomeLeader', 2, { term: 3, vote: 2, role: 'StateLeader', lastIndex: 2 }));
  // The fixtures number their own events; one sequence for all, in order.
  events.forEach((e, i) => {
    e.seq = i + 1;
  });
  const header = newTraceHeader({
    cluster: 'unit',
    mode: 'simulated',
    seed: 7,
    createdAtMs: 1000,
  });
  return { text: serializeTrace(header, events), events };
}

/** The leader of the highest term, as the summary names it (a cut-off old leader may linger). */
function leaderOf(store: ReturnType<typeof createAppStore>) {
  const snap = store.getState().snapshot;
  const leads = (snap?.nodes ?? []).filter((n) => n.groups[0]?.role === 'StateLeader');
  const lead = leads.sort((a, b) => (b.groups[0]?.term ?? 0) - (a.groups[0]?.term ?? 0))[0];
  return lead ? { id: lead.id, term: lead.groups[0]?.term } : null;
}

function setup(backend: ReplayBackend = localBackend()) {
  const store = createAppStore('default');
  const calls = { suspend: 0, resume: 0 };
  const c = new ReplayController({
    store,
    backend,
    suspendLive: () => calls.suspend++,
    resumeLive: () => calls.resume++,
    schedule: (fn) => setTimeout(fn, 0),
  });
  return { store, c, calls };
}

describe('the replay controller', () => {
  let trace: ReturnType<typeof run>;
  beforeEach(() => {
    trace = run();
  });

  it('opens a trace at its last event, suspending the live stream, and every view reads it', async () => {
    const { store, c, calls } = setup();

    expect(await c.open(trace.text, { kind: 'file', label: 'unit.ndjson' })).toBe(true);

    const s = store.getState();
    expect(calls.suspend).toBe(1);
    expect(s.replay?.info.length).toBe(trace.events.length);
    expect(s.replay?.seq).toBe(trace.events.at(-1)?.seq);
    expect(leaderOf(store)).toEqual({ id: 2, term: 3 });
    // The ring (space-time, diagnostics) and the feed hold the events up to the cursor.
    expect(s.ring.size).toBe(trace.events.length);
    expect(s.feed.at(-1)?.text).toMatch(/n2 became leader for term 3/);
    expect(s.marks.filter((m) => m.kind === 'leader')).toHaveLength(2);
    expect(s.follow).toBe(false);
  });

  it('scrubs: the state at a position is what the trace says up to that event', async () => {
    const { store, c } = setup();
    await c.open(trace.text, { kind: 'file', label: 'unit.ndjson' });
    const firstLeader = trace.events.findIndex((e) => e.name === 'BecomeLeader');

    c.seek({ position: firstLeader });
    await c.settled();

    expect(store.getState().replay?.seq).toBe(trace.events[firstLeader]?.seq);
    expect(leaderOf(store)).toEqual({ id: 1, term: 2 });
    expect(store.getState().ring.last?.seq).toBe(trace.events[firstLeader]?.seq);

    c.step(-1);
    await c.settled();
    expect(leaderOf(store)).toBeNull();
    expect(store.getState().replay?.position).toBe(firstLeader - 1);
  });

  it('jumps to the next and previous moment of a kind, and says when there is none', async () => {
    const { store, c } = setup();
    await c.open(trace.text, { kind: 'file', label: 'unit.ndjson' }, 1);
    const elections = trace.events.filter((e) => e.name === 'BecomeLeader').map((e) => e.seq);

    expect(await c.jump('election', 1)).toBe(true);
    expect(store.getState().replay?.seq).toBe(elections[0]);
    expect(await c.jump('election', 1)).toBe(true);
    expect(store.getState().replay?.seq).toBe(elections[1]);
    expect(await c.jump('election', 1)).toBe(false);
    expect(store.getState().notices.at(-1)?.text).toMatch(/No election after event/);

    expect(await c.jump('fault', -1)).toBe(true);
    expect(store.getState().replay?.seq).toBe(
      trace.events.find((e) => e.name === 'PartitionSet')?.seq,
    );
    expect(store.getState().replay?.info.counts).toMatchObject({ election: 2, fault: 1 });
  });

  it('refuses a malformed file with its line and keeps the open trace as it was', async () => {
    const { store, c } = setup();
    await c.open(trace.text, { kind: 'file', label: 'good.ndjson' }, 5);
    const before = store.getState().replay;
    const lines = trace.text.split('\n');
    lines[3] = '{"kind":"state", this is not json';
    lines.splice(5, 0, 'garbage');

    expect(await c.open(lines.join('\n'), { kind: 'file', label: 'bad.ndjson' })).toBe(false);

    const s = store.getState();
    expect(s.replayError).toMatchObject({ code: 'NotJson', line: 4, label: 'bad.ndjson' });
    expect(s.replayError?.message).toMatch(/Line 4/);
    expect(s.replay).toBe(before);
    expect(s.replay?.source.label).toBe('good.ndjson');
    expect(s.replay?.seq).toBe(5);
    expect(s.replayLoading).toBeNull();
  });

  describe('from a URL', () => {
    let server: Server | null = null;
    afterEach(() => {
      server?.close();
      server = null;
    });

    /** Serves `respond` on loopback; resolves with the base URL. */
    async function serve(respond: Parameters<typeof createServer>[1]): Promise<string> {
      server = createServer(respond);
      await new Promise<void>((done) => server?.listen(0, '127.0.0.1', done));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }

    it('downloads a trace in chunks of unknown length, reading it as it arrives', async () => {
      const seen: Array<string | undefined> = [];
      const url = await serve((req, res) => {
        seen.push(req.headers.authorization);
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        // Chunks that cut lines, and even characters, in two; no content-length.
        const bytes = Buffer.from(trace.text);
        for (let at = 0; at < bytes.length; at += 97) res.write(bytes.subarray(at, at + 97));
        res.end();
      });
      const { store, c } = setup();
      const phases: Array<string | undefined> = [];
      const unsubscribe = store.subscribe((s) => phases.push(s.replayLoading?.phase));

      const download = { url: `${url}/t.ndjson`, headers: { authorization: 'Bearer k' } };
      expect(await c.open(download, { kind: 'url', label: 't.ndjson', url: download.url })).toBe(
        true,
      );
      unsubscribe();

      expect(seen).toEqual(['Bearer k']);
      expect(phases).toContain('downloading');
      expect(store.getState().replay?.info.length).toBe(trace.events.length);
      expect(leaderOf(store)).toEqual({ id: 2, term: 3 });
    });

    it("says why a download was refused, in the server's words, and keeps the open trace", async () => {
      const url = await serve((_req, res) => {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'UnknownCluster', message: 'No cluster x.' } }));
      });
      const { store, c } = setup();
      await c.open(trace.text, { kind: 'file', label: 'good.ndjson' }, 5);
      const before = store.getState().replay;

      const download = { url: `${url}/x`, headers: {} };
      expect(await c.open(download, { kind: 'url', label: 'x', url: download.url })).toBe(false);

      const s = store.getState();
      expect(s.notices.at(-1)?.text).toMatch(/x was not opened: No cluster x\./);
      expect(s.replay).toBe(before);
      expect(s.replayLoading).toBeNull();
    });

    it('refuses a download cut off mid-line as truncated', async () => {
      const url = await serve((_req, res) => {
        res.writeHead(200);
        res.end(trace.text.slice(0, trace.text.length - 20));
      });
      const { store, c } = setup();
      const download = { url: `${url}/cut`, headers: {} };

      expect(await c.open(download, { kind: 'url', label: 'cut', url: download.url })).toBe(false);

      expect(store.getState().replayError?.code).toBe('Truncated');
    });
  });

  it('refuses a truncated file as truncated', async () => {
    const { store, c, calls } = setup();
    const cut = trace.text.slice(0, trace.text.length - 20);

    expect(await c.open(cut, { kind: 'file', label: 'cut.ndjson' })).toBe(false);

    expect(store.getState().replayError?.code).toBe('Truncated');
    expect(store.getState().replay).toBeNull();
    // Nothing was open, so the live stream was never suspended.
    expect(calls.suspend).toBe(0);
  });

  it('collapses a burst of moves into the latest, one frame at a time', async () => {
    const inner = localBackend();
    let frames = 0;
    const counting: ReplayBackend = {
      open: (s, p) => inner.open(s, p),
      jump: (s, k, d) => inner.jump(s, k, d),
      frame: (at) => {
        frames++;
        return inner.frame(at);
      },
    };
    const { store, c } = setup(counting);
    await c.open(trace.text, { kind: 'file', label: 'unit.ndjson' });
    frames = 0;

    for (let p = 0; p < trace.events.length; p++) c.seek({ position: p });
    await c.settled();

    expect(frames).toBe(1);
    expect(store.getState().replay?.position).toBe(trace.events.length - 1);
  });

  it('hands the findings open at the moment to the diagnosis, as the stream would', async () => {
    const { store, c } = setup();
    await c.open(trace.text, { kind: 'file', label: 'unit.ndjson' });
    const raised = trace.events.findIndex((e) => e.kind === 'finding');

    expect(store.getState().streamFindings).toMatchObject([
      { code: 'StaleLeader', nodes: [1], seq: trace.events[raised]?.seq, wallMs: 1310 },
    ]);
    expect(store.getState().replay?.findings.map((f) => f.code)).toEqual(['StaleLeader']);
    const version = store.getState().findingsVersion;

    c.seek({ position: raised - 1 });
    await c.settled();

    expect(store.getState().streamFindings).toEqual([]);
    expect(store.getState().findingsVersion).toBeGreaterThan(version);
    expect(await c.jump('finding', 1)).toBe(true);
    expect(store.getState().replay?.position).toBe(raised);
  });

  it('goes back to live on exit', async () => {
    const { store, c, calls } = setup();
    await c.open(trace.text, { kind: 'file', label: 'unit.ndjson' });

    c.exit();

    expect(store.getState().replay).toBeNull();
    expect(calls.resume).toBe(1);
  });

  it("names the moment in a link: by URL, by cluster, or by a simulated run's seed", async () => {
    const { store, c } = setup();
    await c.open(trace.text, { kind: 'file', label: 'unit.ndjson' }, 4);
    const r = store.getState().replay;
    if (!r) throw new Error('no replay');

    expect(String(linkParams(r, 'default'))).toBe('seed=7&size=3&at=4');
    expect(
      String(linkParams({ ...r, source: { kind: 'url', label: 'x', url: '/t.ndjson' } }, 'd')),
    ).toBe('trace=%2Ft.ndjson&at=4');
    expect(
      String(linkParams({ ...r, source: { kind: 'cluster', label: 'x', cluster: 'c1' } }, 'd')),
    ).toBe('cluster=c1&at=4');
    const live = { ...r, info: { ...r.info, header: { ...r.info.header, mode: 'live' as const } } };
    expect(linkParams(live, 'd')).toBeNull();
    expect(String(linkParams(null, 'default', 812))).toBe('cluster=default&at=812');
  });
});
