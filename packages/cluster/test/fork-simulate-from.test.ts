import type { ClusterSnapshot } from '@raftlens/trace';
import { describe, expect, it } from 'vitest';
import { SimulateFromError, simulateFrom } from '../src/simulate-from.ts';
import {
  closeClustersAfterEach,
  liveCluster,
  runUntil,
  settle,
  stableLeader,
  tracked,
  waitForLeader,
} from './helpers.ts';

closeClustersAfterEach();

/** What a node's store holds, per node: the hard state and the log's (index, term) pairs. */
function persisted(s: ClusterSnapshot) {
  return s.nodes.map((n) => ({
    id: n.id,
    groups: n.groups.map((g) => ({
      group: g.group,
      term: g.term,
      vote: g.vote,
      commit: g.commit,
      firstIndex: g.log.firstIndex,
      lastIndex: g.log.lastIndex,
      snapshotIndex: g.log.snapshotIndex,
      entries: g.log.entries.map((e) => [e.index, e.term, e.type, e.bytes]),
    })),
  }));
}

describe('simulateFrom', () => {
  it('starts a simulated cluster from a live one’s stores, and it carries on from there', async () => {
    const live = await liveCluster({ size: 3, groups: 2 });
    await waitForLeader(live);
    for (let i = 0; i < 6; i++) await live.put(`k${i}`, `v${i}`);
    await live.put('g2', 'x', { group: 2 });
    await live.compact(stableLeader(live) as number);

    // The stores are read in the same turn as this snapshot: nothing happens in between.
    const cut = live.snapshot();
    const started = await simulateFrom(live, { name: 'from-live', clock: 'manual' });
    const sim = tracked(started.cluster);

    expect(started.atSeq).toBe(cut.seq);
    expect(sim.options.mode).toBe('simulated');
    expect(sim.isPaused()).toBe(true);
    expect(persisted(sim.snapshot())).toEqual(persisted(cut));
    expect(cut.nodes.some((n) => n.groups.some((g) => g.log.snapshotIndex > 0))).toBe(true);

    // Its state machines hold what was committed, and it elects and commits on its own.
    sim.resume();
    // A node applied what it knew committed at the cut: the leaders everything they answered.
    const has = (group: number, pair: [string, string]) =>
      [1, 2, 3].some((n) => sim.localKv(n, group).some(([k, v]) => k === pair[0] && v === pair[1]));
    expect(has(1, ['k5', 'v5'])).toBe(true);
    expect(has(2, ['g2', 'x'])).toBe(true);
    expect(has(1, ['g2', 'x'])).toBe(false);
    await runUntil(sim, () => stableLeader(sim) !== null, 'a leader in the simulation');
    const w = await settle(sim, sim.put('after', 'yes'));
    expect(w.term).toBeGreaterThan(0);
    expect(w.index).toBeGreaterThan(cut.nodes[0]?.groups[0]?.log.lastIndex ?? 0);
  });

  it('refuses a point in the past, and a node it cannot read', async () => {
    const live = await liveCluster({ size: 3 });
    await waitForLeader(live);
    const past = live.recorder.lastSeq() - 1;

    const refused = await simulateFrom(live, { name: 'x', atSeq: past }).catch((e) => e);
    expect(refused).toBeInstanceOf(SimulateFromError);
    expect(refused.code).toBe('StateNotRecorded');
    expect(refused.message).toMatch(/without their data/);

    await live.crash(2);
    const crashed = await simulateFrom(live, { name: 'y' }).catch((e) => e);
    expect(crashed.code).toBe('SimulateFromUnsupported');
  });
});
