import { describe, expect, it } from 'vitest';
import {
  closeClustersAfterEach,
  groupOf,
  liveCluster,
  others,
  waitForLeader,
  waitUntil,
} from './helpers.ts';

closeClustersAfterEach();

describe('a live cluster over WebSockets', () => {
  it('elects one leader that every node follows', async () => {
    const cluster = await liveCluster();

    const leader = await waitForLeader(cluster);

    const snap = cluster.snapshot();
    expect(snap.nodes).toHaveLength(5);
    expect(snap.nodes.every((n) => n.address.startsWith('ws://127.0.0.1:'))).toBe(true);
    const leaders = snap.nodes.filter((n) => n.groups[0]?.role === 'StateLeader');
    expect(leaders.map((n) => n.id)).toEqual([leader]);
  });

  it('applies 1,000 writes on every node', async () => {
    const c = await liveCluster();
    await waitForLeader(c);

    const results = await Promise.all(
      // A generous deadline: on a loaded machine a thousand writes at once take seconds.
      Array.from({ length: 1000 }, (_, i) =>
        c.put(`key-${i}`, `value-${i}`, { timeoutMs: 30_000 }),
      ),
    );

    const last = Math.max(...results.map((r) => r.index));
    await waitUntil(
      () => c.snapshot().nodes.every((n) => (n.groups[0]?.applied ?? 0) >= last),
      'every node to apply the last write',
    );
    for (const node of c.nodes.keys()) {
      const kv = new Map(c.localKv(node));
      expect(kv.size).toBe(1000);
      expect(kv.get('key-999')).toBe('value-999');
    }
    const read = await c.get('key-500', { via: others(c, c.leaderOf() ?? 0)[0] });
    expect(read.value).toBe('value-500');
    expect(read.readIndex).toBeGreaterThanOrEqual(last);
  });

  it('elects a new leader at a higher term when the leader is cut off; the old one follows', async () => {
    const c = await liveCluster();
    const oldLeader = await waitForLeader(c);
    const oldTerm = groupOf(c, oldLeader).term;
    await c.put('before', '1');

    c.partition([[oldLeader], others(c, oldLeader)]);
    await waitUntil(() => {
      const l = c.leaderOf();
      return l !== null && l !== oldLeader;
    }, 'a leader on the majority side');
    const newLeader = c.leaderOf() as number;
    await c.put('during', '2', { via: newLeader });
    c.heal();

    await waitUntil(
      () =>
        groupOf(c, oldLeader).lead === newLeader && groupOf(c, oldLeader).role === 'StateFollower',
      'the old leader to follow the new one',
    );
    expect(groupOf(c, newLeader).term).toBeGreaterThan(oldTerm);
    await waitUntil(() => new Map(c.localKv(oldLeader)).get('during') === '2', 'catch-up');
  });

  it('stalls commit while MsgApp is held and advances once it is released', async () => {
    const c = await liveCluster();
    const leader = await waitForLeader(c);
    await c.put('warm', 'up');
    const commitBefore = groupOf(c, leader).commit;
    for (const f of others(c, leader)) c.setLinkRule(leader, f, { hold: true, types: ['MsgApp'] });

    const write = c.put('held', 'x', { timeoutMs: 10_000 });
    await waitUntil(() => c.snapshot().held.length >= 4, 'MsgApps to be held');
    await new Promise((r) => setTimeout(r, 100));
    expect(groupOf(c, leader).commit).toBe(commitBefore);
    expect(groupOf(c, leader).log.lastIndex).toBe(commitBefore + 1);

    for (const f of others(c, leader)) c.clearLinkRule(leader, f);
    for (const h of c.snapshot().held) c.releaseHeld(h.msgId);

    const result = await write;
    expect(result.index).toBe(commitBefore + 1);
    expect(groupOf(c, leader).commit).toBeGreaterThan(commitBefore);
    const trace = c.events();
    expect(trace.some((e) => e.kind === 'net' && e.name === 'Hold')).toBe(true);
    expect(trace.some((e) => e.kind === 'net' && e.name === 'Release')).toBe(true);
  });

  it('leaves a follower behind while everything to it is dropped, and catches it up after', async () => {
    const c = await liveCluster();
    const leader = await waitForLeader(c);
    const follower = others(c, leader)[0] as number;
    c.setLinkRule(leader, follower, { dropRate: 1 });

    for (let i = 0; i < 20; i++) await c.put(`k${i}`, `v${i}`, { via: leader });
    const leaderCommit = groupOf(c, leader).commit;
    expect(groupOf(c, follower).commit).toBeLessThan(leaderCommit);
    const drops = c.events().filter((e) => e.kind === 'net' && e.name === 'Drop');
    expect(drops.length).toBeGreaterThan(0);
    expect(drops.every((e) => e.kind === 'net' && e.reason === 'link-rule')).toBe(true);

    c.clearLinkRule(leader, follower);

    await waitUntil(() => groupOf(c, follower).applied >= leaderCommit, 'the follower to catch up');
    expect(new Map(c.localKv(follower)).get('k19')).toBe('v19');
  });

  it('restarts crashed nodes from what they persisted, losing no acknowledged write', async () => {
    const c = await liveCluster();
    const leader = await waitForLeader(c);
    const follower = others(c, leader)[0] as number;
    await c.put('a', '1');

    await c.crash(follower);
    await c.put('b', '2');
    await c.crash(leader);
    const newLeader = await waitForLeader(c);
    await c.put('c', '3', { via: newLeader });
    expect(c.snapshot().nodes.find((n) => n.id === leader)?.status).toBe('crashed');
    await c.restart(follower);
    await c.restart(leader);

    const last = groupOf(c, newLeader).commit;
    await waitUntil(
      () => groupOf(c, follower).applied >= last && groupOf(c, leader).applied >= last,
      'the restarted nodes to catch up',
    );
    for (const node of [follower, leader]) {
      expect(c.localKv(node)).toEqual([
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ]);
    }
    await expect(c.crash(follower).then(() => c.crash(follower))).rejects.toMatchObject({
      code: 'NodeCrashed',
    });
  });
});

describe('a live cluster with several groups', () => {
  it('runs every group over one transport per node, each with its own leader and data', async () => {
    const c = await liveCluster({ size: 3, groups: 3 });

    await waitUntil(() => [1, 2, 3].every((g) => c.leaderOf(g) !== null), 'a leader per group');
    await c.put('k', 'one', { group: 1 });
    await c.put('k', 'two', { group: 2 });

    const read1 = await c.get('k', { group: 1 });
    const read2 = await c.get('k', { group: 2 });
    const read3 = await c.get('k', { group: 3 });
    expect([read1.value, read2.value, read3.value]).toEqual(['one', 'two', null]);
    const groupsSeen = new Set(
      c.events().flatMap((e) => (e.kind === 'net' && e.name === 'Deliver' ? [e.group] : [])),
    );
    expect(groupsSeen).toEqual(new Set([1, 2, 3]));
    const addresses = new Set(c.snapshot().nodes.map((n) => n.address));
    expect(addresses.size).toBe(3);
    expect(c.snapshot().nodes.every((n) => n.groups.length === 3)).toBe(true);
  });
});
