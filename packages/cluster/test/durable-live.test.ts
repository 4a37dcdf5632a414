/**
 * Durable storage on a real clock, where a Ready's fsync runs off the event loop and the node
 * goes on stepping messages and proposals meanwhile: concurrent writes, nodes crashed while
 * their disk writes are in flight, and no acknowledged write lost.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RaftCluster } from '../src/cluster.ts';
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
  dataDir = mkdtempSync(join(tmpdir(), 'raftlens-durable-live-'));
});

closeClustersAfterEach(() => rmSync(dataDir, { recursive: true, force: true }));

/** Closed-loop writers until `stop()`; `acked` holds the writes that were acknowledged. */
function writers(c: RaftCluster, count: number) {
  const acked = new Map<string, string>();
  let running = true;
  const loops = Array.from({ length: count }, async (_, w) => {
    for (let i = 0; running; i++) {
      const key = `w${w}-${i}`;
      try {
        await c.put(key, `v${i}`, { timeoutMs: 2_000 });
        acked.set(key, `v${i}`);
      } catch {
        // No leader for a moment, or the node died under the write: not acknowledged.
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  });
  return {
    acked,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe('durable storage on a live cluster', () => {
  it('loses no acknowledged write when nodes crash with disk writes in flight', async () => {
    const c = await liveCluster({ size: 3, storage: 'durable', dataDir });
    const leader = await waitForLeader(c);
    const follower = others(c, leader)[0] as number;
    const load = writers(c, 16);

    await waitUntil(() => load.acked.size >= 100, '100 acknowledged writes');
    await c.crash(follower);
    await waitUntil(() => load.acked.size >= 200, '100 more writes');
    await c.restart(follower);
    await c.crash(leader);
    await waitUntil(() => load.acked.size >= 300, 'writes under a new leader');
    await c.restart(leader);
    await waitUntil(() => load.acked.size >= 400, 'writes with every node back');
    await load.stop();

    const last = Math.max(...[1, 2, 3].map((n) => groupOf(c, n).commit));
    await waitUntil(
      () => [1, 2, 3].every((n) => groupOf(c, n).applied >= last),
      'every node to apply everything',
    );
    for (const node of [1, 2, 3]) {
      const kv = new Map(c.localKv(node));
      const missing = [...load.acked].filter(([k, v]) => kv.get(k) !== v);
      expect(missing).toEqual([]);
    }
  });
});
