import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type ClusterSnapshot,
  openTrace,
  parseTrace,
  serializeTrace,
  type TraceEvent,
  TraceReplay,
} from '@raftlens/trace';
import { afterEach, describe, expect, it } from 'vitest';
import type { RaftCluster } from '../../src/cluster.ts';
import { createCluster } from '../../src/create.ts';
import { createTraceRecorder, type DiskTraceRecorder } from '../../src/recording/index.ts';

let cluster: RaftCluster | null = null;
let recorder: DiskTraceRecorder | null = null;

afterEach(async () => {
  await recorder?.close();
  await cluster?.close();
  recorder = null;
  cluster = null;
});

async function tick(c: RaftCluster, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 5) {
    c.advance(5);
    for (let i = 0; i < 3; i++) await Promise.resolve();
  }
}

async function until(c: RaftCluster, pred: () => boolean, what: string): Promise<void> {
  for (let t = 0; !pred(); t += 5) {
    if (t > 20_000) throw new Error(`virtual time ran out waiting for ${what}`);
    await tick(c, 5);
  }
}

async function settle<T>(c: RaftCluster, p: Promise<T>): Promise<T> {
  let done = false;
  const mark = () => {
    done = true;
  };
  p.then(mark, mark);
  await until(c, () => done, 'a request to settle');
  return p;
}

/**
 * What the dashboard draws of each node, from a snapshot. With `withSelf` false the leader's
 * own progress entry is left out: a trace first tells it at the leader's next progress event,
 * up to one tick after the election.
 */
function picture(snap: ClusterSnapshot, withSelf = true) {
  return {
    nodes: snap.nodes.map((n) => ({
      id: n.id,
      status: n.status,
      groups: n.groups.map((g) => ({
        group: g.group,
        role: g.role,
        term: g.term,
        vote: g.vote,
        lead: g.lead,
        commit: g.commit,
        applied: g.applied,
        lastIndex: g.log.lastIndex,
        voters: g.confState.voters,
        entries: g.log.entries.map((e) => [e.index, e.term]),
        progress:
          g.progress &&
          Object.fromEntries(
            Object.entries(g.progress)
              .filter(([p]) => withSelf || Number(p) !== n.id)
              .map(([p, v]) => [p, [v.match, v.next]]),
          ),
      })),
    })),
    links: snap.links,
    partitions: snap.partitions,
    held: snap.held.map((h) => h.msgId),
  };
}

describe('a simulated run, recorded to disk and replayed', () => {
  it('shows, at the end and at moments along the way, what the cluster reported', async () => {
    const c = await createCluster({
      name: 'recorded',
      mode: 'simulated',
      clock: 'manual',
      tickMs: 10,
      seed: 21,
    });
    cluster = c;
    const dir = mkdtempSync(path.join(tmpdir(), 'raftlens-run-'));
    const rec = createTraceRecorder({ dir, maxBytes: 64 << 20, header: c.traceHeader() });
    recorder = rec;
    const events: TraceEvent[] = [];
    c.subscribe(
      (e) => {
        events.push(e);
        rec.record(e);
      },
      { fromSeq: 1 },
    );

    const moments: ClusterSnapshot[] = [];
    await until(c, () => c.leaderOf() !== null, 'a leader');
    // The leader's own progress is first told by the progress event of its next tick.
    await tick(c, c.options.tickMs);
    moments.push(c.snapshot());
    for (let i = 0; i < 20; i++) await settle(c, c.put(`k${i}`, `v${i}`));
    moments.push(c.snapshot());
    const leader = c.leaderOf() as number;
    const follower = leader === 1 ? 2 : 1;
    c.setLinkRule(leader, follower, { hold: true });
    await settle(c, c.put('held', 'x'));
    moments.push(c.snapshot());
    await c.crash(follower === 2 ? 3 : 2);
    c.partition([[leader === 5 ? 4 : 5]]);
    await tick(c, 500);
    const end = c.snapshot();
    await rec.flush();

    const opened = openTrace(await rec.readAll());
    if (!opened.ok) throw new Error(opened.error.message);
    const replay = opened.replay;
    expect(replay.lastSeq).toBe(end.seq);
    const replayed = replay.snapshotAt(replay.lastSeq);
    expect(picture(replayed)).toEqual(picture(end));
    for (const m of moments) expect(picture(replay.snapshotAt(m.seq))).toEqual(picture(m));
    expect(end.held.length).toBeGreaterThan(0);
    expect(end.nodes.some((n) => n.status === 'crashed')).toBe(true);
    // The copy kept in memory replays to the same moment as the file.
    const fromMemory = new TraceReplay(c.traceHeader(), events);
    expect(fromMemory.stateAt(end.seq).nodes).toEqual(replay.stateAt(end.seq).nodes);
  });

  it('matches the cluster at every step, and so does its NDJSON export', async () => {
    const c = await createCluster({
      name: 'sampled',
      mode: 'simulated',
      clock: 'manual',
      tickMs: 10,
      seed: 5,
    });
    cluster = c;
    const events: TraceEvent[] = [];
    c.subscribe((e) => events.push(e), { fromSeq: 1 });
    const moments: ClusterSnapshot[] = [];
    const sample = async (ms: number) => {
      for (let t = 0; t < ms; t += 5) {
        await tick(c, 5);
        moments.push(c.snapshot());
      }
    };

    await sample(300);
    const leader = c.leaderOf() as number;
    const writes = Array.from({ length: 10 }, (_, i) => c.put(`a${i}`, 'v'));
    await sample(100);
    await Promise.allSettled(writes);
    await c.crash(leader);
    await sample(400);
    await c.restart(leader);
    c.setLinkRule(leader, leader === 1 ? 2 : 1, { delayMs: 30 });
    await sample(300);
    c.pause();
    await c.step('tick');
    moments.push(c.snapshot());
    c.resume();
    await sample(100);

    const replay = new TraceReplay(c.traceHeader(), events, { checkpointEvery: 64 });
    // The same events exported as NDJSON and imported again.
    const imported = openTrace(serializeTrace(c.traceHeader(), events), { checkpointEvery: 64 });
    if (!imported.ok) throw new Error(imported.error.message);
    const same = (m: ClusterSnapshot) =>
      JSON.stringify(picture(replay.snapshotAt(m.seq), false)) ===
        JSON.stringify(picture(m, false)) &&
      JSON.stringify(picture(imported.replay.snapshotAt(m.seq), false)) ===
        JSON.stringify(picture(m, false));
    expect(moments.length).toBeGreaterThan(200);
    const first = moments.find((m) => !same(m));
    // On a mismatch, show the first one as a diff.
    if (first) expect(picture(replay.snapshotAt(first.seq), false)).toEqual(picture(first, false));
    expect(moments.filter((m) => !same(m)).map((m) => m.seq)).toEqual([]);
  });

  it('is rerun from its seed event for event, as its recording on disk says', async () => {
    /** Elections, writes, a held link, a crash and a partition, on virtual time. */
    const drive = async (c: RaftCluster) => {
      await until(c, () => c.leaderOf() !== null, 'a leader');
      for (let i = 0; i < 10; i++) await settle(c, c.put(`k${i}`, `v${i}`));
      const leader = c.leaderOf() as number;
      const follower = leader === 1 ? 2 : 1;
      c.setLinkRule(leader, follower, { dropRate: 0.3, duplicateRate: 0.2, delayMs: 7 });
      await settle(c, Promise.allSettled(Array.from({ length: 5 }, (_, i) => c.put(`j${i}`, 'w'))));
      await c.crash(follower);
      c.partition([[leader]]);
      await tick(c, 600);
      c.heal();
      await c.restart(follower);
      await tick(c, 600);
    };
    const options = {
      name: 'rerun',
      mode: 'simulated',
      clock: 'manual',
      tickMs: 10,
      seed: 77,
    } as const;
    // Wall times (and the latencies measured with them) are the only fields a rerun may change.
    const strip = (events: TraceEvent[]) =>
      events.map((e) => {
        const { wallMs: _w, ...rest } = e as TraceEvent & { latencyMs?: number };
        delete (rest as { latencyMs?: number }).latencyMs;
        return rest;
      });

    const first = await createCluster(options);
    cluster = first;
    const dir = mkdtempSync(path.join(tmpdir(), 'raftlens-rerun-'));
    const rec = createTraceRecorder({ dir, maxBytes: 64 << 20, header: first.traceHeader() });
    recorder = rec;
    first.subscribe((e) => rec.record(e), { fromSeq: 1 });
    await drive(first);
    await rec.flush();
    const recorded = parseTrace(await rec.readAll());
    if (!recorded.ok) throw new Error(recorded.error.message);
    await first.close();

    const second = await createCluster(options);
    cluster = second;
    await drive(second);
    const rerun = second.events();

    expect(recorded.trace.header.seed).toBe(77);
    expect(recorded.trace.events.length).toBeGreaterThan(2_000);
    expect(recorded.trace.events.some((e) => e.kind === 'net' && e.name === 'Drop')).toBe(true);
    expect(strip(rerun)).toEqual(strip(recorded.trace.events));
  });
});
