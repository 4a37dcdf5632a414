import type { TraceEvent } from '@raftlens/trace';
import { describe, expect, it } from 'vitest';
import type { RaftCluster } from '../src/cluster.ts';
import { runUntil, settle, simCluster } from './helpers.ts';

/** A scenario with elections, writes, faults and a partition, on a manual clock. */
async function scenario(seed: number): Promise<TraceEvent[]> {
  const c: RaftCluster = await simCluster({ name: 'replay', seed, groups: 2 });
  try {
    await runUntil(c, () => c.leaderOf(1) !== null && c.leaderOf(2) !== null, 'leaders');
    for (let i = 0; i < 10; i++) await settle(c, c.put(`k${i}`, `v${i}`));
    const leader = c.leaderOf(1) as number;
    const follower = leader === 1 ? 2 : 1;
    c.setLinkRule(leader, follower, {
      dropRate: 0.3,
      delayMs: 5,
      jitterMs: 10,
      duplicateRate: 0.2,
      reorderRate: 0.2,
    });
    c.partition([[leader], [1, 2, 3, 4, 5].filter((n) => n !== leader)]);
    c.advance(1_000);
    c.heal();
    for (let i = 0; i < 10; i++)
      await settle(
        c,
        c.put(`j${i}`, `w${i}`).catch(() => null),
      );
    await settle(c, c.get('k3'));
    c.advance(500);
    return c.events();
  } finally {
    await c.close();
  }
}

/** Events without their wall times (and latencies, which are wall durations in live mode). */
function strip(events: TraceEvent[]): unknown[] {
  return events.map((e) => {
    const { wallMs: _w, ...rest } = e as TraceEvent & { latencyMs?: number };
    if ('latencyMs' in rest) delete (rest as { latencyMs?: number }).latencyMs;
    return rest;
  });
}

describe('simulated mode', () => {
  it('replays the same run, event for event, from the same seed', async () => {
    const a = await scenario(42);
    const b = await scenario(42);

    expect(a.length).toBeGreaterThan(1_000);
    expect(strip(b)).toEqual(strip(a));
  });

  it('gives a different run for a different seed', async () => {
    const a = await scenario(42);
    const b = await scenario(43);

    expect(strip(b)).not.toEqual(strip(a));
  });
});
