/**
 * Each integration fault on a live cluster, its nodes talking over real WebSockets on
 * 127.0.0.1 and ticking on the wall clock: every fault shows its symptom there as it does in a
 * simulated run.
 */

import { describe, expect, it } from 'vitest';
import type { IntegrationFault } from '../src/api.ts';
import {
  closeClustersAfterEach,
  groupOf,
  liveCluster,
  others,
  waitForLeader,
  waitUntil,
} from './helpers.ts';

closeClustersAfterEach();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const onAll = (fault: IntegrationFault, size = 3) =>
  Object.fromEntries(Array.from({ length: size }, (_, i) => [i + 1, [fault]]));

async function live(faults: Record<number, IntegrationFault[]>, extra = {}) {
  const c = await liveCluster({ size: 3, faults, ...extra });
  expect(c.snapshot().nodes.every((n) => n.address.startsWith('ws://127.0.0.1:'))).toBe(true);
  return c;
}

describe('integration faults on a live cluster', () => {
  it('no-initial-conf: the node never campaigns, the others elect a leader', async () => {
    const c = await live({ 1: ['no-initial-conf'] });
    const leader = await waitForLeader(c);
    await sleep(500);

    expect(leader).not.toBe(1);
    expect(groupOf(c, 1).promotable).toBe(false);
    expect(groupOf(c, 1).confState.voters).toEqual([]);
    const campaigned = c
      .events()
      .some(
        (e) =>
          e.kind === 'state' &&
          e.node === 1 &&
          (e.name === 'BecomeCandidate' || e.name === 'BecomePreCandidate'),
      );
    expect(campaigned).toBe(false);
  });

  it('voters-exclude-self: the node believes in a configuration without itself', async () => {
    const c = await live({ 2: ['voters-exclude-self'] });
    const leader = await waitForLeader(c);
    await sleep(500);

    expect(leader).not.toBe(2);
    expect(groupOf(c, 2).confState.voters).toEqual([1, 3]);
    expect(groupOf(c, 2).promotable).toBe(false);
  });

  it('double-tick: the node’s logical clock runs twice as fast', async () => {
    const c = await live({ 3: ['double-tick'] });
    await waitForLeader(c);
    const before = new Map(c.snapshot().nodes.map((n) => [n.id, n.tick]));
    await sleep(1_000);
    const after = new Map(c.snapshot().nodes.map((n) => [n.id, n.tick]));

    const gained = (id: number) => (after.get(id) ?? 0) - (before.get(id) ?? 0);
    expect(gained(1)).toBeGreaterThan(20);
    expect(gained(3) / gained(1)).toBeGreaterThan(1.7);
    expect(gained(3) / gained(1)).toBeLessThan(2.3);
    expect(gained(2) / gained(1)).toBeGreaterThan(0.8);
    expect(gained(2) / gained(1)).toBeLessThan(1.25);
  });

  it('never-advance everywhere: a leader is elected but commit stays at 0', async () => {
    const c = await live(onAll('never-advance'), {
      core: { preVote: false, checkQuorum: false },
    });
    await waitUntil(() => c.leaderOf() !== null, 'a leader');
    const leader = c.leaderOf() as number;

    const outcome = await c.put('k', 'v', { via: leader, timeoutMs: 500 }).then(
      () => 'acknowledged',
      (err: { code: string }) => err.code,
    );

    expect(outcome).toBe('Timeout');
    expect(c.leaderOf()).toBe(leader);
    expect(groupOf(c, leader).log.lastIndex).toBeGreaterThan(0);
    expect(c.snapshot().nodes.every((n) => n.groups[0]?.commit === 0)).toBe(true);
  });

  it('drop-persisted-messages: the leader never hears that the node stored anything', async () => {
    const c = await live({ 3: ['drop-persisted-messages'] });
    let leader = await waitForLeader(c);
    if (leader === 3) {
      await c.transferLeader(1);
      await waitUntil(() => c.leaderOf() === 1, 'node 1 to lead');
      leader = 1;
    }
    for (let i = 0; i < 5; i++) await c.put(`k${i}`, 'v', { via: leader });
    await sleep(300);

    const g = groupOf(c, leader);
    const healthy = others(c, leader).find((n) => n !== 3) as number;
    expect(g.progress?.['3']?.match).toBe(0);
    expect(g.progress?.[String(healthy)]?.match).toBeGreaterThanOrEqual(g.commit);
    // Node 3 did store entries; its answers saying so never left it.
    expect(groupOf(c, 3).persisted).toBeGreaterThan(0);
    const drops = c
      .events()
      .filter((e) => e.kind === 'net' && e.name === 'Drop' && e.reason === 'fault');
    expect(drops.length).toBeGreaterThan(0);
    expect(drops.every((e) => e.node === 3)).toBe(true);
  });

  it.each([
    { broken: true, name: 'with never-report-snapshot, never catches up' },
    { broken: false, name: 'without the fault, catches up once the link is clear' },
  ])('a follower whose snapshot was lost, $name', async ({ broken }) => {
    const c = await live(broken ? onAll('never-report-snapshot') : {});
    const leader = await waitForLeader(c);
    const lagging = others(c, leader)[0] as number;
    await c.crash(lagging);
    for (let i = 0; i < 10; i++) await c.put(`k${i}`, 'v', { via: leader });
    await c.compact(leader);
    c.setLinkRule(leader, lagging, { dropRate: 1, types: ['MsgSnap'] });
    await c.restart(lagging);
    await waitUntil(
      () =>
        c.events().some((e) => e.kind === 'net' && e.name === 'Drop' && e.msg.type === 'MsgSnap'),
      'a lost snapshot',
    );
    c.clearLinkRule(leader, lagging);
    const target = groupOf(c, leader).commit;
    const caughtUp = () => groupOf(c, lagging).applied >= target;
    if (broken) await sleep(1_500);
    else await waitUntil(caughtUp, 'the lagging follower to catch up');

    expect(caughtUp()).toBe(!broken);
    if (broken) expect(groupOf(c, leader).progress?.[String(lagging)]?.state).toBe('StateSnapshot');
  });

  it('ack-on-append: a write is acknowledged, then lost', async () => {
    const c = await live(onAll('ack-on-append'));
    const oldLeader = await waitForLeader(c);
    c.partition([[oldLeader], others(c, oldLeader)]);

    const acked = await c.put('lost', 'yes', { via: oldLeader, timeoutMs: 2_000 });
    await waitUntil(() => {
      const l = c.leaderOf();
      return l !== null && l !== oldLeader && groupOf(c, l).term > groupOf(c, oldLeader).term;
    }, 'a new leader');
    const newLeader = c.leaderOf() as number;
    await c.put('other', 'x', { via: newLeader });
    c.heal();
    await waitUntil(
      () =>
        groupOf(c, oldLeader).role === 'StateFollower' &&
        groupOf(c, oldLeader).applied >= groupOf(c, newLeader).commit,
      'the old leader to step down and catch up',
    );
    const read = await c.get('lost', { via: newLeader });

    expect(acked.index).toBeGreaterThan(0);
    expect(read.value).toBeNull();
    expect(new Map(c.localKv(oldLeader)).has('lost')).toBe(false);
  });
});
