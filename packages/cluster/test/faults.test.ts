import { describe, expect, it } from 'vitest';
import {
  closeClustersAfterEach,
  groupOf,
  others,
  runUntil,
  settle,
  simCluster,
  stableLeader,
} from './helpers.ts';

closeClustersAfterEach();

const allNodes = (fault: string, size = 5) =>
  Object.fromEntries(Array.from({ length: size }, (_, i) => [i + 1, [fault]])) as Record<
    number,
    never[]
  >;

describe('integration faults', () => {
  it('no-initial-conf: the node cannot campaign and says why', async () => {
    const c = await simCluster({ faults: { 1: ['no-initial-conf'] } });

    await runUntil(c, () => stableLeader(c) !== null, 'a leader');
    c.advance(2_000);

    const g = groupOf(c, 1);
    expect(g.promotable).toBe(false);
    expect(g.confState.voters).toEqual([]);
    expect(
      c.events().some((e) => e.kind === 'state' && e.node === 1 && e.name === 'BecomeCandidate'),
    ).toBe(false);
    expect(
      c.events().some((e) => e.kind === 'state' && e.node === 1 && e.name === 'BecomePreCandidate'),
    ).toBe(false);
  });

  it('no-initial-conf on every node: no leader, ever', async () => {
    const c = await simCluster({ faults: allNodes('no-initial-conf') });

    c.advance(5_000);

    expect(c.leaderOf()).toBeNull();
    expect(c.snapshot().nodes.every((n) => n.groups[0]?.promotable === false)).toBe(true);
  });

  it('voters-exclude-self: the node believes in a configuration without itself', async () => {
    const c = await simCluster({ faults: { 2: ['voters-exclude-self'] } });

    await runUntil(c, () => stableLeader(c) !== null, 'a leader');
    c.advance(2_000);

    const g = groupOf(c, 2);
    expect(g.confState.voters).toEqual([1, 3, 4, 5]);
    expect(g.promotable).toBe(false);
    expect(c.leaderOf()).not.toBe(2);
  });

  it('double-tick: the node’s logical clock runs twice as fast', async () => {
    const c = await simCluster({ faults: { 3: ['double-tick'] } });

    c.advance(1_000);

    const ticks = new Map(c.snapshot().nodes.map((n) => [n.id, n.tick]));
    expect(ticks.get(1)).toBe(100);
    expect(ticks.get(3)).toBe(199);
  });

  it('never-advance everywhere: a leader is elected but commit stays put', async () => {
    // Every node runs the same buggy loop. Each takes one Ready and then none: the followers
    // cast their votes in it, the winner becomes leader inside but never sends an append.
    const c = await simCluster({
      faults: allNodes('never-advance'),
      core: { preVote: false, checkQuorum: false },
    });

    await runUntil(c, () => c.leaderOf() !== null, 'a leader');
    const leader = c.leaderOf() as number;
    const write = c.put('k', 'v', { via: leader, timeoutMs: 1_000 });
    c.advance(2_000);

    expect(c.leaderOf()).toBe(leader);
    expect(c.snapshot().nodes.every((n) => n.groups[0]?.commit === 0)).toBe(true);
    expect(groupOf(c, leader).log.lastIndex).toBeGreaterThan(0);
    await expect(settle(c, write)).rejects.toMatchObject({ code: 'Timeout' });
  });

  it('never-advance everywhere with PreVote: no leader at all', async () => {
    const c = await simCluster({ faults: allNodes('never-advance') });

    c.advance(3_000);

    expect(c.leaderOf()).toBeNull();
    const readies = c.events().filter((e) => e.kind === 'ready');
    expect(readies.length).toBeLessThanOrEqual(5);
  });

  it('never-advance on a follower: it stops at its first Ready while the others go on', async () => {
    const c = await simCluster({ faults: { 5: ['never-advance'] } });
    await runUntil(
      c,
      () => c.leaderOf() !== null && groupOf(c, c.leaderOf() as number).commit > 0,
      'a commit',
    );

    for (let i = 0; i < 5; i++) await settle(c, c.put(`k${i}`, 'v'));
    c.advance(500);

    const leader = c.leaderOf() as number;
    expect(leader).not.toBe(5);
    const commit = groupOf(c, leader).commit;
    expect(groupOf(c, 5).commit).toBeLessThan(commit);
    expect(groupOf(c, 5).applied).toBe(0);
    expect(groupOf(c, leader).progress?.['5']?.match ?? 0).toBeLessThan(commit);
    const readies = c.events().filter((e) => e.kind === 'ready' && e.node === 5);
    expect(readies).toHaveLength(1);
  });

  it('drop-persisted-messages: the leader never hears that the node stored anything', async () => {
    const c = await simCluster({
      faults: { 4: ['drop-persisted-messages'], 5: ['drop-persisted-messages'] },
    });
    await runUntil(c, () => stableLeader(c) !== null, 'a leader');
    if (c.leaderOf() === 4 || c.leaderOf() === 5) await settle(c, c.transferLeader(1));

    for (let i = 0; i < 5; i++) await settle(c, c.put(`k${i}`, 'v'));
    c.advance(500);

    const leader = c.leaderOf() as number;
    const g = groupOf(c, leader);
    expect(g.progress?.['4']?.match).toBe(0);
    expect(g.progress?.['5']?.match).toBe(0);
    expect(g.progress?.['4']?.recentActive).toBe(true);
    expect(g.progress?.['4']?.state).toBe('StateProbe');
    const faultDrops = c
      .events()
      .filter((e) => e.kind === 'net' && e.name === 'Drop' && e.reason === 'fault');
    expect(faultDrops.length).toBeGreaterThan(0);
    expect(faultDrops.every((e) => e.node === 4 || e.node === 5)).toBe(true);
  });

  it('never-report-snapshot: a follower whose snapshot was lost never catches up', async () => {
    const broken = await snapshotLostScenario(true);
    const healthy = await snapshotLostScenario(false);

    expect(broken.caughtUp).toBe(false);
    expect(broken.progressState).toBe('StateSnapshot');
    expect(healthy.caughtUp).toBe(true);
  });

  it('ack-on-append: a write is acknowledged, then lost', async () => {
    const c = await simCluster({ faults: allNodes('ack-on-append') });
    await runUntil(c, () => stableLeader(c) !== null, 'a leader');
    const oldLeader = c.leaderOf() as number;
    c.partition([[oldLeader], others(c, oldLeader)]);

    const acked = await settle(c, c.put('lost', 'yes', { via: oldLeader }));
    await runUntil(
      c,
      () => {
        const l = c.leaderOf();
        return l !== null && l !== oldLeader;
      },
      'a new leader',
    );
    await settle(c, c.put('other', 'x', { via: c.leaderOf() as number }));
    c.heal();
    await runUntil(
      c,
      () => groupOf(c, oldLeader).role === 'StateFollower',
      'the old leader to step down',
    );
    c.advance(500);

    expect(acked.index).toBeGreaterThan(0);
    const read = await settle(c, c.get('lost'));
    expect(read.value).toBeNull();
  });

  it('without ack-on-append, the same write fails instead of being acknowledged', async () => {
    const c = await simCluster();
    await runUntil(c, () => stableLeader(c) !== null, 'a leader');
    const oldLeader = c.leaderOf() as number;
    c.partition([[oldLeader], others(c, oldLeader)]);

    const write = c.put('lost', 'yes', { via: oldLeader, timeoutMs: 5_000 });
    await runUntil(
      c,
      () => {
        const l = c.leaderOf();
        return l !== null && l !== oldLeader;
      },
      'a new leader',
    );
    await settle(c, c.put('other', 'x', { via: c.leaderOf() as number }));
    c.heal();

    const outcome = await settle(c, write).then(
      () => 'acknowledged',
      (err: { code: string }) => err.code,
    );
    expect(['ProposalDropped', 'Timeout']).toContain(outcome);
  });
});

async function snapshotLostScenario(neverReport: boolean) {
  const c = await simCluster({ faults: neverReport ? allNodes('never-report-snapshot') : {} });
  try {
    await runUntil(c, () => stableLeader(c) !== null, 'a leader');
    const leader = c.leaderOf() as number;
    const lagging = others(c, leader)[0] as number;
    await c.crash(lagging);
    for (let i = 0; i < 10; i++) await settle(c, c.put(`k${i}`, 'v'));
    await c.compact(leader);
    c.setLinkRule(leader, lagging, { dropRate: 1, types: ['MsgSnap'] });
    await c.restart(lagging);
    await runUntil(
      c,
      () =>
        c.events().some((e) => e.kind === 'net' && e.name === 'Drop' && e.msg.type === 'MsgSnap'),
      'a lost snapshot',
    );
    c.clearLinkRule(leader, lagging);
    c.advance(2_000);
    const target = groupOf(c, leader).commit;
    return {
      caughtUp: groupOf(c, lagging).applied >= target,
      progressState: groupOf(c, leader).progress?.[String(lagging)]?.state,
    };
  } finally {
    const errors = c.internalErrors();
    await c.close();
    expect(errors).toEqual([]);
  }
}
