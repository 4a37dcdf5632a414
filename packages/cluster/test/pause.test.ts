import type { ClusterSnapshot } from '@raftlens/trace';
import { describe, expect, it } from 'vitest';
import {
  closeClustersAfterEach,
  liveCluster,
  runUntil,
  simCluster,
  waitForLeader,
  waitUntil,
} from './helpers.ts';

closeClustersAfterEach();

/** Every field of every node's Raft state, as a comparable string. */
function raftState(snap: ClusterSnapshot): string {
  return JSON.stringify(
    snap.nodes.map((n) => ({
      id: n.id,
      tick: n.tick,
      groups: n.groups.map((g) => ({ ...g, log: { ...g.log } })),
    })),
  );
}

describe('pause and step', () => {
  it('changes no Raft state over several tick periods while paused (live)', async () => {
    const c = await liveCluster();
    await waitForLeader(c);
    await c.put('a', '1');

    c.pause();
    const before = raftState(c.snapshot());
    await new Promise((r) => setTimeout(r, 10 * c.options.tickMs));
    const after = c.snapshot();

    expect(raftState(after)).toBe(before);
    expect(after.paused).toBe(true);
    // A tick step makes the leader send heartbeats; they arrive and wait in the inboxes.
    await c.step('tick');
    await waitUntil(() => c.snapshot().pending.length >= 4, 'heartbeats to queue in inboxes');
    await new Promise((r) => setTimeout(r, 3 * c.options.tickMs));
    expect(
      c.events().some((e) => e.kind === 'net' && e.name === 'Deliver' && e.seq > after.seq),
    ).toBe(false);
  });

  it('steps one pending message at a time, oldest first (live)', async () => {
    const c = await liveCluster();
    await waitForLeader(c);
    c.pause();
    await c.step('tick');
    await waitUntil(() => c.snapshot().pending.length >= 4, 'pending messages');
    const oldest = c.snapshot().pending[0]?.msgId;
    const fromSeq = c.recorder.lastSeq() + 1;

    const result = await c.step('message');

    expect(result).toEqual({ did: 'message', msgId: oldest });
    const delivered = c.events(fromSeq).filter((e) => e.kind === 'net' && e.name === 'Deliver');
    expect(delivered.map((e) => (e.kind === 'net' ? e.msgId : ''))).toEqual([oldest]);
    expect(c.snapshot().pending.some((p) => p.msgId === oldest)).toBe(false);
  });

  it('advances every node one tick on a tick step', async () => {
    const c = await simCluster();
    await runUntil(c, () => c.leaderOf() !== null, 'a leader');
    c.pause();
    const ticks = c.snapshot().nodes.map((n) => n.tick);

    const result = await c.step('tick');

    expect(result).toEqual({ did: 'tick' });
    expect(c.snapshot().nodes.map((n) => n.tick)).toEqual(ticks.map((t) => t + 1));
  });

  it('refuses to step a running cluster', async () => {
    const c = await simCluster();

    await expect(c.step('message')).rejects.toMatchObject({ code: 'NotPaused' });
  });

  it('queues a write made while paused and runs it on resume', async () => {
    const c = await simCluster();
    await runUntil(c, () => c.leaderOf() !== null, 'a leader');
    c.pause();

    let answered = false;
    const write = c.put('k', 'v').then((r) => {
      answered = true;
      return r;
    });
    c.advance(200);
    const leader = c.leaderOf() as number;
    const lastIndex = c.snapshot().nodes.find((n) => n.id === leader)?.groups[0]?.log.lastIndex;
    expect(answered).toBe(false);
    expect(c.snapshot().pending.some((p) => p.type === 'Propose')).toBe(true);
    c.resume();
    await runUntil(c, () => answered, 'the write');

    expect((await write).index).toBe((lastIndex ?? 0) + 1);
  });

  it('slows time with the speed factor', async () => {
    const c = await liveCluster({ tickMs: 10 });
    await waitForLeader(c);
    const leader = c.leaderOf() as number;
    const tick0 = c.snapshot().nodes.find((n) => n.id === leader)?.tick ?? 0;

    c.setSpeed(0.05);
    await new Promise((r) => setTimeout(r, 200));
    const ticked = (c.snapshot().nodes.find((n) => n.id === leader)?.tick ?? 0) - tick0;

    // At full speed 200 ms is 20 ticks; at 0.05 it is one.
    expect(ticked).toBeLessThanOrEqual(3);
    expect(c.snapshot().speed).toBe(0.05);
  });
});
