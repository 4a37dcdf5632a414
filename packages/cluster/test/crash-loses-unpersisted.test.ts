/**
 * A crash loses exactly what was not persisted. A follower of a live cluster with durable
 * storage is crashed under a stream of writes; the log and hard state it restarts with are
 * those its store held at the crash: every entry it had persisted is still there, nothing
 * beyond what the store held comes back, and term, vote and commit are the stored ones.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  closeClustersAfterEach,
  groupOf,
  liveCluster,
  others,
  waitForLeader,
  waitUntil,
} from './helpers.ts';

let dataDir = '';

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'raftlens-crash-'));
});

closeClustersAfterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('a crashed node', () => {
  it('restarts with exactly what its store held: nothing persisted lost, nothing else back', async () => {
    const c = await liveCluster({ size: 3, storage: 'durable', dataDir });
    const leader = await waitForLeader(c);
    const follower = others(c, leader)[0] as number;
    let running = true;
    const load = Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; running; i++) {
          await c.put(`w${w}-${i}`, 'v', { timeoutMs: 2_000 }).catch(() => undefined);
        }
      }),
    );
    await waitUntil(() => groupOf(c, follower).commit >= 50, 'some writes on the follower');

    const before = groupOf(c, follower);
    await c.crash(follower);
    const stored = groupOf(c, follower);
    c.pause();
    await c.restart(follower);
    const restarted = groupOf(c, follower);
    c.resume();
    running = false;
    await load;

    // Whatever the follower had persisted before the crash survived it.
    expect(stored.persisted).toBeGreaterThanOrEqual(before.persisted);
    expect(stored.term).toBeGreaterThanOrEqual(before.term);
    // It restarts from its store, and from nothing else.
    expect(restarted.log.lastIndex).toBe(stored.log.lastIndex);
    expect(restarted.log.entries.map((e) => [e.index, e.term])).toEqual(
      stored.log.entries.map((e) => [e.index, e.term]),
    );
    expect([restarted.term, restarted.vote]).toEqual([stored.term, stored.vote]);
    expect(restarted.commit).toBe(stored.commit);
    expect(restarted.role).toBe('StateFollower');
    const target = groupOf(c, c.leaderOf() as number).commit;
    await waitUntil(() => groupOf(c, follower).applied >= target, 'the follower to catch up');
  });
});
