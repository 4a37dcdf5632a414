import type { RaftCluster } from '@raftlens/cluster';
import { describe, expect, it } from 'vitest';
import {
  conditions,
  getScenario,
  type Scenario,
  ScenarioRunner,
  startScenario,
} from '../src/index.ts';

function scenario(id: string): Scenario {
  const s = getScenario(id);
  if (s === undefined) throw new Error(`no scenario ${id}`);
  return s;
}

/** A two-step scenario whose second step expects things that do not happen. */
const wrong: Scenario = {
  id: 'wrong',
  title: 'Wrong on purpose',
  summary: 'A scenario whose expectations fail, to show that they can.',
  audience: ['student'],
  category: 'basics',
  cluster: { size: 3, seed: 5 },
  steps: [
    {
      title: 'Elect',
      narration: 'A leader is elected (node {leader}).',
      until: { description: 'a leader', test: conditions.stableLeader, withinMs: 5_000 },
      after: (ctx, view) => {
        const leader = view.stableLeader();
        if (leader !== null) ctx.name('leader', leader);
      },
      expect: { leader: 'leader' },
    },
    {
      title: 'Expect the impossible',
      narration: 'Nothing happens (node {nobody}).',
      until: { description: 'never', test: () => false, withinMs: 300 },
      expect: {
        leader: null,
        roles: { leader: 'StateFollower', nobody: 'StateLeader' },
        commitAtLeast: 50,
        findings: ['SplitVote'],
        ops: { missing: 'ok' },
      },
    },
  ],
};

describe('ScenarioRunner', () => {
  it('reports a deadline missed and every failed expectation with what it saw', async () => {
    const runner = await ScenarioRunner.start(wrong);
    const first = await runner.forward();

    const second = await runner.forward();

    expect(first.passed).toBe(true);
    expect(second.passed).toBe(false);
    expect(second.untilMet).toBe(false);
    expect(second.endedAtMs - second.startedAtMs).toBe(300);
    expect(second.checks.filter((c) => c.ok)).toEqual([]);
    expect(second.checks.map((c) => c.description)).toEqual([
      'No node leads',
      expect.stringMatching(/^Node \d \(leader\) is a follower$/),
      'The node called nobody is the leader',
      'The leader has committed index 50',
      "Operation 'missing' is ok",
      'The diagnosis names SplitVote',
    ]);
    expect(second.checks[3]?.actual).toBe('its commit index is 1');
    expect(second.narration).toBe('Nothing happens.');
    await runner.close();
  });

  it('fills the narration with the nodes the run chose, and leaves unknown ones out', async () => {
    const runner = await ScenarioRunner.start(scenario('leader-crash'));

    const before = runner.state();
    await runner.forward();
    const after = runner.state();

    expect(before.next?.narration).toContain('campaigns and wins.');
    expect(after.step?.narration).toMatch(/campaigns and wins \(node \d\)\./);
    expect(after.next?.narration).toMatch(/through the leader \(node \d\)/);
    await runner.close();
  });

  it('starts a catalogue scenario by id, and refuses an unknown one', async () => {
    const runner = await startScenario('split-vote', { clusterName: 'class-1' });

    expect(runner.state()).toMatchObject({ scenarioId: 'split-vote', cluster: 'class-1' });
    await expect(startScenario('no-such')).rejects.toMatchObject({ code: 'UnknownScenario' });
    await runner.close();
  });

  it('refuses to go past the last step or before the first', async () => {
    const runner = await ScenarioRunner.start(scenario('split-vote'));

    await expect(runner.back()).rejects.toMatchObject({ code: 'AtStart' });
    await runner.goTo(runner.scenario.steps.length);
    await expect(runner.forward()).rejects.toMatchObject({ code: 'AtEnd' });
    await runner.close();
    await expect(runner.forward()).rejects.toMatchObject({ code: 'RunnerClosed' });
  });

  it('hands the cluster over for free play, and back() returns to the story', async () => {
    const runner = await ScenarioRunner.start(scenario('log-replication'));
    await runner.forward();
    const guided = JSON.stringify(runner.state().snapshot);

    const cluster = await runner.handOver({ pace: false });
    const write = cluster.put('free', 'play');
    const tick0 = cluster.snapshot().nodes[0]?.tick ?? 0;
    cluster.advance(1_000);
    const played = cluster.snapshot();
    await expect(write).resolves.toMatchObject({ key: 'free', value: 'play' });
    await expect(runner.forward()).rejects.toMatchObject({ code: 'HandedOver' });
    const state = await runner.back();

    expect((played.nodes[0]?.tick ?? 0) - tick0).toBe(10);
    expect(state.handedOver).toBe(false);
    expect(state.position).toBe(1);
    expect(JSON.stringify(runner.state().snapshot)).toBe(guided);
    expect(runner.cluster).not.toBe(cluster);
    await runner.close();
  });

  it('keeps a handed-over cluster running on the wall clock', async () => {
    const runner = await ScenarioRunner.start(scenario('leader-election'));
    const cluster = await runner.handOver();
    cluster.setSpeed(10);
    const t0 = cluster.scheduler.now();

    await new Promise((r) => setTimeout(r, 200));

    expect(cluster.scheduler.now() - t0).toBeGreaterThan(500);
    expect(cluster.leaderOf()).not.toBeNull();
    await runner.close();
  });

  it('tells listeners about each new cluster a replay starts', async () => {
    const runner = await ScenarioRunner.start(scenario('split-vote'));
    const seen: Array<[RaftCluster, RaftCluster | null]> = [];
    runner.onCluster((c, prev) => seen.push([c, prev]));
    const first = runner.cluster;
    await runner.forward();

    await runner.back();
    await runner.restart();

    expect(seen.length).toBe(2);
    expect(seen[0]?.[1]).toBe(first);
    expect(seen[1]?.[1]).toBe(seen[0]?.[0]);
    expect(seen[1]?.[0]).toBe(runner.cluster);
    expect(() => first.advance(1)).toThrow(/is closed/);
    await runner.close();
  });

  it('keeps the speed a class chose across a replay', async () => {
    const runner = await ScenarioRunner.start(scenario('split-vote'));
    runner.cluster.setSpeed(0.25);
    await runner.forward();

    await runner.back();

    expect(runner.cluster.snapshot().speed).toBe(0.25);
    await runner.close();
  });

  it('serialises calls: a back() issued during a forward() waits for it', async () => {
    const runner = await ScenarioRunner.start(scenario('leader-crash'));

    const [outcome, state] = await Promise.all([runner.forward(), runner.back()]);

    expect(outcome.index).toBe(0);
    expect(state.position).toBe(0);
    await runner.close();
  });

  it('waits while the cluster is paused during a paced step, and close() ends the wait', async () => {
    const runner = await ScenarioRunner.start(scenario('leader-election'), { paced: true });
    runner.cluster.setSpeed(100);
    runner.cluster.pause();
    const t0 = runner.cluster.scheduler.now();

    const step = runner.forward();
    const settled = step.then(
      () => 'resolved',
      (err: { code?: string }) => err.code,
    );
    await new Promise((r) => setTimeout(r, 150));
    const waited = runner.cluster.scheduler.now() - t0;
    await runner.close();

    expect(waited).toBe(0);
    expect(await settled).toBe('RunnerClosed');
    expect(runner.state().position).toBe(0);
  });

  it('gives a JSON-safe state', async () => {
    const runner = await ScenarioRunner.start(scenario('read-index'));
    await runner.goTo(4);

    const state = runner.state();

    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(state.ops.map((o) => o.label)).toEqual(['w1', 'r1', 'r2']);
    expect(state.names).toEqual({
      old: expect.any(Number),
      reader: expect.any(Number),
    });
    await runner.close();
  });
});
