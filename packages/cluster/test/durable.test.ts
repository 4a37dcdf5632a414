import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  closeClustersAfterEach,
  groupOf,
  others,
  runUntil,
  settle,
  simCluster,
  stableLeader,
} from './helpers.ts';

let dataDir = '';

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'raftlens-durable-'));
});

closeClustersAfterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('durable storage', () => {
  it('restarts crashed nodes from disk with every acknowledged write', async () => {
    const c = await simCluster({ storage: 'durable', dataDir });
    await runUntil(c, () => stableLeader(c) !== null, 'a leader');
    for (let i = 0; i < 20; i++) await settle(c, c.put(`k${i}`, `v${i}`));
    const leader = c.leaderOf() as number;
    const follower = others(c, leader)[0] as number;

    await c.crash(leader);
    await c.crash(follower);
    await runUntil(c, () => stableLeader(c) !== null, 'a new leader');
    await settle(c, c.put('late', 'x'));
    await c.restart(leader);
    await c.restart(follower);
    const commit = groupOf(c, c.leaderOf() as number).commit;
    await runUntil(
      c,
      () => groupOf(c, leader).applied >= commit && groupOf(c, follower).applied >= commit,
      'the restarted nodes to catch up',
    );

    for (const node of [leader, follower]) {
      const kv = new Map(c.localKv(node));
      expect(kv.size).toBe(21);
      expect(kv.get('k19')).toBe('v19');
      expect(kv.get('late')).toBe('x');
    }
  });

  it('keeps a compacted log across a restart', async () => {
    const c = await simCluster({ storage: 'durable', dataDir, size: 3 });
    await runUntil(c, () => stableLeader(c) !== null, 'a leader');
    for (let i = 0; i < 10; i++) await settle(c, c.put(`k${i}`, `v${i}`));
    const follower = others(c, c.leaderOf() as number)[0] as number;
    await runUntil(c, () => groupOf(c, follower).applied >= 11, 'the follower to apply');

    const index = await c.compact(follower);
    await c.crash(follower);
    await c.restart(follower);

    expect(groupOf(c, follower).log.firstIndex).toBe(index + 1);
    expect(new Map(c.localKv(follower)).get('k9')).toBe('v9');
  });
});
