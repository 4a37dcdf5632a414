/**
 * A recording whose oldest segments were deleted by rotation still replays from its first
 * line: every segment after the first starts with the cluster's snapshot, and the replay starts
 * from it. Checked against the snapshots the cluster itself reported along the way.
 */

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type ClusterSnapshot,
  createTraceReader,
  openTrace,
  parseTrace,
  type TraceEvent,
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

/** What the dashboard draws of each node, without the leader's own progress entry. */
function picture(snap: ClusterSnapshot) {
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
        firstIndex: g.log.firstIndex,
        voters: g.confState.voters,
        entries: g.log.entries.map((e) => [e.index, e.term]),
        progress:
          g.progress &&
          Object.fromEntries(
            Object.entries(g.progress)
              .filter(([p]) => Number(p) !== n.id)
              .map(([p, v]) => [p, [v.match, v.next]]),
          ),
      })),
    })),
    links: snap.links,
    partitions: snap.partitions,
    held: snap.held.map((h) => h.msgId),
  };
}

/**
 * A simulated cluster of seed `seed` and a recorder in four segments for it, which starts each
 * with the cluster's snapshot; the events still have to be subscribed.
 */
async function recordedRun(seed: number, maxBytes: number, flushIntervalMs?: number) {
  const c = await createCluster({
    name: `rotated-${seed}`,
    mode: 'simulated',
    clock: 'manual',
    tickMs: 10,
    seed,
  });
  cluster = c;
  const dir = mkdtempSync(path.join(tmpdir(), 'raftlens-rot-'));
  const rec = createTraceRecorder({
    dir,
    maxBytes,
    segments: 4,
    header: c.traceHeader(),
    snapshot: () => c.snapshot(),
    ...(flushIntervalMs !== undefined ? { flushIntervalMs } : {}),
  });
  recorder = rec;
  return { c, rec, dir };
}

describe('a rotated recording', () => {
  it('starts each later segment with a snapshot and replays from its first line', async () => {
    const { c, rec, dir } = await recordedRun(9, 600_000, 1);
    const events: TraceEvent[] = [];
    c.subscribe(
      (e) => {
        events.push(e);
        rec.record(e);
      },
      { fromSeq: 1 },
    );

    // Writes, a held link, a crash and a partition, sampling the cluster as it goes.
    const moments: ClusterSnapshot[] = [];
    let n = 0;
    const writeFor = async (ms: number) => {
      for (let t = 0; t < ms; t += 20) {
        void c.put(`k${n}`, `v${n++}`).catch(() => undefined);
        for (let k = 0; k < 4; k++) {
          await tick(c, 5);
          moments.push(c.snapshot());
        }
      }
    };
    await tick(c, 300);
    await writeFor(1500);
    const leader = c.leaderOf() ?? 1;
    const other = leader === 1 ? 2 : 1;
    c.setLinkRule(leader, other, { hold: true });
    await writeFor(500);
    await c.crash(other === 2 ? 3 : 2);
    await writeFor(1500);
    await rec.flush();

    const stats = rec.stats();
    const files = readdirSync(dir).filter((f) => f.endsWith('.ndjson'));
    // Rotation deleted the first segments; every one left starts with a snapshot line.
    expect(stats.snapshots).toBeGreaterThanOrEqual(3);
    expect(stats.snapshotsSkipped).toBe(0);
    expect(files).not.toContain('trace-000001.ndjson');
    for (const f of files) {
      const second = readFileSync(path.join(dir, f), 'utf8').split('\n')[1] ?? '';
      expect(second.startsWith('{"snapshot":')).toBe(true);
    }

    const text = await rec.readAll();
    const parsed = parseTrace(text);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const start = parsed.trace.snapshot;
    expect(start).toBeDefined();
    const firstSeq = parsed.trace.events[0]?.seq ?? 0;
    expect(start?.seq).toBe(firstSeq - 1);
    // Exported: one header, one snapshot line (the later segments' are left out), then events.
    expect(text.split('\n').filter((l) => l.startsWith('{"snapshot":'))).toHaveLength(1);
    expect(parsed.trace.events.map((e) => e.seq)).toEqual(
      events.filter((e) => e.seq >= firstSeq).map((e) => e.seq),
    );

    // Every moment the recording still covers replays as the cluster reported it, from the
    // first line on; both through openTrace and the streaming reader fed small chunks.
    const opened = openTrace(text);
    if (!opened.ok) throw new Error(opened.error.message);
    const reader = createTraceReader({ checkpointEvery: 50 });
    for (let i = 0; i < text.length; i += 4093) reader.push(text.slice(i, i + 4093));
    const streamed = reader.finish();
    if (!streamed.ok) throw new Error(streamed.error.message);
    const covered = moments.filter((m) => m.seq >= (start?.seq ?? 0));
    expect(covered.length).toBeGreaterThan(30);
    expect(opened.replay.stateAt(start?.seq ?? 0).nodes.length).toBe(5);
    for (const replay of [opened.replay, streamed.replay]) {
      const wrong = covered.filter(
        (m) => JSON.stringify(picture(replay.snapshotAt(m.seq))) !== JSON.stringify(picture(m)),
      );
      if (wrong[0]) expect(picture(replay.snapshotAt(wrong[0].seq))).toEqual(picture(wrong[0]));
      expect(wrong).toEqual([]);
    }
  });

  it('cuts a segment after the event that overflows it when one turn records a lot', async () => {
    const { c, rec, dir } = await recordedRun(4, 400_000);
    c.subscribe(rec.record, { fromSeq: 1 });
    await tick(c, 300);
    // Seconds of writes in one synchronous run: no microtask runs between the events, so a
    // full segment cannot wait for the end of the turn and is cut at an event.
    for (let n = 0; n < 200; n++) void c.put(`k${n}`, `v${n}`).catch(() => undefined);
    c.advance(3_000);
    await rec.flush();

    expect(rec.stats().snapshots).toBeGreaterThanOrEqual(2);
    for (const f of readdirSync(dir).filter((name) => name.endsWith('.ndjson'))) {
      const lines = readFileSync(path.join(dir, f), 'utf8').split('\n');
      if (!lines[1]?.startsWith('{"snapshot":')) continue;
      const snapSeq = (JSON.parse(lines[1]) as { snapshot: ClusterSnapshot }).snapshot.seq;
      const firstSeq = (JSON.parse(lines[2] ?? '{}') as { seq?: number }).seq;
      // The segment goes on right after what its snapshot shows.
      expect(firstSeq).toBe(snapSeq + 1);
    }
    const parsed = parseTrace(await rec.readAll());
    if (!parsed.ok) throw new Error(parsed.error.message);
  });
});
