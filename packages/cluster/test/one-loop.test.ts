/**
 * One loop per node ticks every Raft group the node hosts: a single tick of a node moves the
 * election clock of each of its groups by exactly one.
 */

import type { GroupView } from '@raftlens/trace';
import { describe, expect, it } from 'vitest';
import type { RaftCluster } from '../src/cluster.ts';
import { closeClustersAfterEach, runUntil, simCluster } from './helpers.ts';

closeClustersAfterEach();

const GROUPS = [1, 2, 3];

/** Election clocks of the followers of every group, keyed "node/group". */
function followerClocks(c: RaftCluster): Map<string, number> {
  const out = new Map<string, number>();
  for (const n of c.snapshot().nodes) {
    for (const g of n.groups as GroupView[]) {
      if (g.role === 'StateFollower') out.set(`${n.id}/${g.group}`, g.electionElapsedTicks);
    }
  }
  return out;
}

describe('the node loop', () => {
  it('ticks every group of the node once per tick', async () => {
    const c = await simCluster({ size: 3, groups: 3 });
    await runUntil(c, () => GROUPS.every((g) => c.leaderOf(g) !== null), 'a leader per group');
    c.pause();
    const before = followerClocks(c);

    await c.step('tick');
    const after = followerClocks(c);

    expect(before.size).toBeGreaterThanOrEqual(GROUPS.length * 2);
    for (const [key, elapsed] of before) expect([key, after.get(key)]).toEqual([key, elapsed + 1]);
  });
});
