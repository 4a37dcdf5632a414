/**
 * A node tells its Raft core when a peer cannot be reached: when the transport loses the peer,
 * or refuses a message to it, the leader's progress for that peer leaves StateReplicate for
 * StateProbe (etcd's ReportUnreachable). Nothing else would move it: a crashed follower sends no
 * rejection.
 */

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

describe('an unreachable peer', () => {
  it('is reported to the leader’s core, which probes it instead of streaming to it', async () => {
    const c = await liveCluster({ size: 3 });
    const leader = await waitForLeader(c);
    await c.put('k', 'v');
    const follower = others(c, leader)[0] as number;
    const stateOf = () => groupOf(c, leader).progress?.[String(follower)]?.state;
    await waitUntil(() => stateOf() === 'StateReplicate', 'the follower to replicate');

    await c.crash(follower);
    await waitUntil(
      () => stateOf() === 'StateProbe',
      'the leader to probe the lost follower',
      3_000,
    );

    // The survivors still commit; the leader goes on probing the crashed node.
    await c.put('after', 'crash');
    expect(groupOf(c, leader).role).toBe('StateLeader');
    expect(stateOf()).toBe('StateProbe');
  });
});
