import type { ProposalEvent } from '@raftlens/trace';
import { describe, expect, it } from 'vitest';
import type { RaftCluster } from '../src/cluster.ts';
import {
  closeClustersAfterEach,
  others,
  runUntil,
  settle,
  simCluster,
  stableLeader,
} from './helpers.ts';

closeClustersAfterEach();

function fates(c: RaftCluster, proposalId: string): string[] {
  return c
    .events()
    .filter((e): e is ProposalEvent => e.kind === 'proposal' && e.proposalId === proposalId)
    .map((e) => e.name);
}

async function withLeader(): Promise<RaftCluster> {
  const c = await simCluster();
  await runUntil(c, () => stableLeader(c) !== null, 'a leader');
  return c;
}

describe('writes', () => {
  it('fail at once with ProposalDropped and the core’s reason when no leader is known', async () => {
    const c = await simCluster();

    const write = c.put('k', 'v');

    await expect(write).rejects.toMatchObject({
      code: 'ProposalDropped',
      detail: { reason: 'NoLeader' },
    });
    const id = (await write.catch(
      (e: { detail: { proposalId: string } }) => e.detail.proposalId,
    )) as string;
    expect(fates(c, id)).toEqual(['Proposed', 'Dropped', 'Answered']);
  });

  it('are forwarded by a follower and resolve once applied there, with each fate traced', async () => {
    const c = await withLeader();
    const leader = c.leaderOf() as number;
    const follower = others(c, leader)[0] as number;

    const result = await settle(c, c.put('k', 'v', { via: follower }));

    expect(result.leader).toBe(leader);
    expect(result.term).toBeGreaterThan(0);
    expect(new Map(c.localKv(follower)).get('k')).toBe('v');
    const id = `p${follower}.1`;
    expect(fates(c, id)).toEqual([
      'Proposed',
      'Forwarded',
      'Appended',
      'Committed',
      'Applied',
      'Answered',
    ]);
  });

  it('time out, never hang and never succeed, through a leader cut off from the rest', async () => {
    const c = await withLeader();
    const leader = c.leaderOf() as number;
    c.partition([[leader]]);

    const write = c.put('k', 'v', { via: leader, timeoutMs: 300 });

    await expect(settle(c, write)).rejects.toMatchObject({ code: 'Timeout' });
  });

  it('fail as soon as a new leader overwrites their entry', async () => {
    const c = await withLeader();
    const oldLeader = c.leaderOf() as number;
    c.partition([[oldLeader]]);
    const write = c.put('lost', 'yes', { via: oldLeader, timeoutMs: 60_000 });
    let outcome = '';
    write.then(
      () => {
        outcome = 'acknowledged';
      },
      (e: { code: string; detail: { reason?: string } }) => {
        outcome = `${e.code}/${e.detail.reason}`;
      },
    );
    await runUntil(c, () => c.leaderOf() !== oldLeader && c.leaderOf() !== null, 'a new leader');
    await settle(c, c.put('other', 'x', { via: c.leaderOf() as number }));

    c.heal();
    await runUntil(c, () => outcome !== '', 'the write to fail', 5_000);

    expect(outcome).toBe('ProposalDropped/EntryOverwritten');
    expect(c.scheduler.now()).toBeLessThan(30_000);
  });

  it('refuse bad requests with typed errors, as rejections', async () => {
    const c = await withLeader();

    await expect(c.put('', 'v')).rejects.toMatchObject({ code: 'InvalidRequest' });
    await expect(c.put('k', 'v', { via: 42 })).rejects.toMatchObject({ code: 'UnknownNode' });
    await expect(c.put('k', 'v', { timeoutMs: -1 })).rejects.toMatchObject({
      code: 'InvalidRequest',
    });
    await expect(c.get('k', { group: 9 })).rejects.toMatchObject({ code: 'UnknownGroup' });
    const follower = others(c, c.leaderOf() as number)[0] as number;
    await c.crash(follower);
    await expect(c.put('k', 'v', { via: follower })).rejects.toMatchObject({
      code: 'NodeCrashed',
    });
  });

  it('fail with NodeCrashed when the node they wait on crashes', async () => {
    const c = await withLeader();
    const leader = c.leaderOf() as number;
    c.partition([[leader]]);
    const write = c.put('k', 'v', { via: leader, timeoutMs: 10_000 });

    await c.crash(leader);

    await expect(write).rejects.toMatchObject({ code: 'NodeCrashed' });
  });
});

describe('reads', () => {
  it('are linearizable through a follower: they see every write acknowledged before them', async () => {
    const c = await withLeader();
    const leader = c.leaderOf() as number;
    const follower = others(c, leader)[2] as number;
    const w = await settle(c, c.put('k', 'v1', { via: leader }));

    const r = await settle(c, c.get('k', { via: follower }));

    expect(r).toMatchObject({ key: 'k', value: 'v1', node: follower });
    expect(r.readIndex).toBeGreaterThanOrEqual(w.index);
    const missing = await settle(c, c.get('nope'));
    expect(missing.value).toBeNull();
  });

  it('fail with NoLeader on a node that knows no leader', async () => {
    const c = await simCluster();

    await expect(c.get('k')).rejects.toMatchObject({ code: 'NoLeader' });
  });

  it('time out on a leader that cannot confirm it still leads', async () => {
    const c = await withLeader();
    const leader = c.leaderOf() as number;
    c.partition([[leader]]);

    const read = c.get('k', { via: leader, timeoutMs: 200 });

    await expect(settle(c, read)).rejects.toMatchObject({ code: 'Timeout' });
  });
});

describe('a closed cluster', () => {
  it('refuses everything with ClusterClosed', async () => {
    const c = await simCluster();
    await c.close();

    await expect(c.put('k', 'v')).rejects.toMatchObject({ code: 'ClusterClosed' });
    expect(() => c.pause()).toThrowError(expect.objectContaining({ code: 'ClusterClosed' }));
  });
});
