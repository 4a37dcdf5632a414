import { describe, expect, it } from 'vitest';
import {
  closeClustersAfterEach,
  groupOf,
  liveCluster,
  others,
  runUntil,
  settle,
  simCluster,
  stableLeader,
  waitForLeader,
  waitUntil,
} from './helpers.ts';

closeClustersAfterEach();

describe('membership', () => {
  it('adds a voter on a new port that catches up and counts in the quorum (live)', async () => {
    const c = await liveCluster({ size: 3 });
    await waitForLeader(c);
    await c.put('before', '1');

    const id = await c.addNode({ learner: false });

    expect(id).toBe(4);
    const view = c.snapshot().nodes.find((n) => n.id === 4);
    expect(view?.address).toMatch(/^ws:\/\/127\.0\.0\.1:\d+/);
    expect(new Set(c.snapshot().nodes.map((n) => n.address)).size).toBe(4);
    await waitUntil(() => new Map(c.localKv(4)).get('before') === '1', 'the new node to catch up');
    expect(groupOf(c, c.leaderOf() as number).confState.voters).toEqual([1, 2, 3, 4]);
    expect(groupOf(c, 4).confState.voters).toEqual([1, 2, 3, 4]);
    // With 4 voters the quorum is 3: two crashed nodes stop commits only if node 4 counts.
    const leader = c.leaderOf() as number;
    const [a] = others(c, leader).filter((n) => n !== 4);
    await c.crash(a as number);
    await c.put('after', '2');
  });

  it('adds a learner, which replicates but does not vote, then promotes it', async () => {
    const c = await simCluster({ size: 3 });
    await runUntil(c, () => stableLeader(c) !== null, 'a leader');

    const id = await settle(c, c.addNode({ learner: true }));
    await settle(c, c.put('k', 'v'));
    await runUntil(
      c,
      () => groupOf(c, id).applied >= groupOf(c, c.leaderOf() as number).commit,
      'catch-up',
    );

    const leader = c.leaderOf() as number;
    expect(groupOf(c, leader).confState.learners).toEqual([id]);
    expect(groupOf(c, leader).progress?.[String(id)]?.isLearner).toBe(true);
    expect(groupOf(c, id).promotable).toBe(false);

    await settle(c, c.promoteLearner(id));

    expect(groupOf(c, leader).confState.voters).toEqual([1, 2, 3, id]);
    expect(groupOf(c, leader).confState.learners).toEqual([]);
    await runUntil(c, () => groupOf(c, id).promotable, 'the promoted node to know it votes');
  });

  it('refuses to promote a node that is not a learner', async () => {
    const c = await simCluster({ size: 3 });
    await runUntil(c, () => stableLeader(c) !== null, 'a leader');

    await expect(settle(c, c.promoteLearner(2))).rejects.toMatchObject({
      code: 'ConfChangeRejected',
    });
  });

  it('removes a node, which then stops', async () => {
    const c = await simCluster();
    await runUntil(c, () => stableLeader(c) !== null, 'a leader');
    const victim = others(c, c.leaderOf() as number)[0] as number;

    await settle(c, c.removeNode(victim));

    expect(c.snapshot().nodes.find((n) => n.id === victim)?.status).toBe('stopped');
    expect(groupOf(c, c.leaderOf() as number).confState.voters).not.toContain(victim);
    await settle(c, c.put('still', 'works'));
  });

  it('transfers leadership to the node asked for', async () => {
    const c = await simCluster();
    await runUntil(c, () => stableLeader(c) !== null, 'a leader');
    const target = others(c, c.leaderOf() as number)[1] as number;
    const term = groupOf(c, target).term;

    await settle(c, c.transferLeader(target));

    expect(c.leaderOf()).toBe(target);
    expect(groupOf(c, target).term).toBe(term + 1);
    const requested = c
      .events()
      .filter((e) => e.kind === 'control' && e.name === 'LeaderTransferRequested');
    expect(requested).toHaveLength(1);
  });

  it('compacts a log and brings a new node up to date with a snapshot', async () => {
    const c = await simCluster({ size: 3 });
    await runUntil(c, () => stableLeader(c) !== null, 'a leader');
    for (let i = 0; i < 20; i++) await settle(c, c.put(`k${i}`, `v${i}`));
    const leader = c.leaderOf() as number;
    const applied = groupOf(c, leader).applied;

    const index = await c.compact(leader);
    const id = await settle(c, c.addNode({ learner: false }));
    await runUntil(
      c,
      () => new Map(c.localKv(id)).get('k19') === 'v19',
      'the new node to catch up',
    );

    expect(index).toBe(applied);
    expect(groupOf(c, leader).log.firstIndex).toBe(index + 1);
    expect(groupOf(c, id).log.snapshotIndex).toBeGreaterThanOrEqual(index);
    const snaps = c
      .events()
      .filter((e) => e.kind === 'net' && e.name === 'Send' && e.msg.type === 'MsgSnap');
    expect(snaps.length).toBeGreaterThan(0);
    // Compacting again right after the snapshot taken for the new member, and once more with
    // nothing new, moves the log start to what was applied and no further.
    const again = await c.compact(leader);
    expect(again).toBe(groupOf(c, leader).applied);
    expect(await c.compact(leader)).toBe(again);
  });

  it('answers membership requests with typed errors', async () => {
    const c = await simCluster({ size: 3 });

    await expect(c.removeNode(9)).rejects.toMatchObject({ code: 'UnknownNode' });
    await expect(c.addNode({ learner: false })).rejects.toMatchObject({ code: 'NoLeader' });
    await expect(c.transferLeader(2, 7)).rejects.toMatchObject({ code: 'UnknownGroup' });
    await runUntil(c, () => stableLeader(c) !== null, 'a leader');
    const learner = await settle(c, c.addNode({ learner: true }));
    await expect(c.transferLeader(learner)).rejects.toMatchObject({ code: 'InvalidRequest' });
  });
});
