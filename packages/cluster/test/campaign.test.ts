import type { TraceEvent } from '@raftlens/trace';
import { describe, expect, it } from 'vitest';
import type { RaftCluster } from '../src/cluster.ts';
import {
  closeClustersAfterEach,
  groupOf,
  others,
  runUntil,
  simCluster,
  stableLeader,
} from './helpers.ts';

closeClustersAfterEach();

function controls(c: RaftCluster, name: string): Array<TraceEvent & { kind: 'control' }> {
  return c
    .events()
    .filter((e): e is TraceEvent & { kind: 'control' } => e.kind === 'control')
    .filter((e) => e.name === name);
}

describe('campaign', () => {
  it('makes the node asked for the leader of a quiet cluster', async () => {
    const c = await simCluster({ size: 3 });

    await c.campaign(3);
    await runUntil(c, () => stableLeader(c) !== null, 'a leader', 50);

    expect(c.leaderOf()).toBe(3);
    expect(groupOf(c, 3).term).toBe(1);
    const [requested] = controls(c, 'Campaigned');
    expect(requested?.node).toBe(3);
    expect(requested?.detail).toEqual({ group: 1, queued: false });
    const campaigners = c
      .events()
      .filter((e) => e.kind === 'state' && /^Become(Pre)?Candidate$/.test(e.name))
      .map((e) => e.node);
    expect(new Set(campaigners)).toEqual(new Set([3]));
  });

  it('answers NodeCrashed for a crashed node, UnknownNode and UnknownGroup', async () => {
    const c = await simCluster({ size: 3 });
    await c.crash(2);

    await expect(c.campaign(2)).rejects.toMatchObject({ code: 'NodeCrashed' });
    await expect(c.campaign(9)).rejects.toMatchObject({ code: 'UnknownNode' });
    await expect(c.campaign(1, 2)).rejects.toMatchObject({ code: 'UnknownGroup' });
    expect(controls(c, 'Campaigned')).toEqual([]);
  });

  it('waits in the inbox while paused, visible as pending, until a step runs it', async () => {
    const c = await simCluster({ size: 3 });
    c.pause();

    await c.campaign(2);
    c.advance(500);

    const pending = c.snapshot().pending;
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ from: 2, to: 2, group: 1, type: 'Campaign' });
    expect(groupOf(c, 2).role).toBe('StateFollower');
    expect(controls(c, 'Campaigned')[0]?.detail).toEqual({ group: 1, queued: true });

    const step = await c.step('message');

    expect(step.did).toBe('message');
    expect(groupOf(c, 2).role).toBe('StatePreCandidate');
    c.resume();
    await runUntil(c, () => stableLeader(c) !== null, 'a leader', 50);
    expect(c.leaderOf()).toBe(2);
  });

  it('keeps a healthy leader: with PreVote and CheckQuorum the pre-vote fails', async () => {
    const c = await simCluster({ size: 3 });
    await runUntil(c, () => stableLeader(c) !== null, 'a leader');
    const leader = c.leaderOf() as number;
    const term = groupOf(c, leader).term;
    const follower = others(c, leader)[0] as number;

    await c.campaign(follower);
    c.advance(500);

    expect(stableLeader(c)).toBe(leader);
    expect(groupOf(c, follower).term).toBe(term);
    const preCandidate = c
      .events()
      .find((e) => e.kind === 'state' && e.name === 'BecomePreCandidate' && e.node === follower);
    expect(preCandidate).toBeDefined();
  });
});
