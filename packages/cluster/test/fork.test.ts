import type { TraceEvent } from '@raftlens/trace';
import { describe, expect, it } from 'vitest';
import { actionLogOf } from '../src/action-log.ts';
import type { RaftCluster } from '../src/cluster.ts';
import { createCluster } from '../src/create.ts';
import { type Fork, ForkError, forkCluster } from '../src/fork.ts';
import type { VirtualScheduler } from '../src/time/scheduler.ts';
import {
  closeClustersAfterEach,
  liveCluster,
  simCluster,
  stableLeader,
  tracked,
} from './helpers.ts';

/**
 * Ends the turn of the event loop, as the pacer's timer does after each stretch of virtual
 * time: whatever awaited an event that happened meanwhile runs now, to its next wait.
 */
const endTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Moves virtual time on in turns of 5 ms, as the pacer would, until `pred` holds. */
async function runUntil(c: RaftCluster, pred: () => boolean, what: string, maxMs = 20_000) {
  for (let t = 0; ; t += 5) {
    await endTurn();
    if (pred()) return;
    if (t > maxMs) throw new Error(`virtual time ran out waiting for ${what}`);
    c.advance(5);
  }
}

async function settle<T>(c: RaftCluster, p: Promise<T>): Promise<T> {
  let done = false;
  const end = () => {
    done = true;
  };
  p.then(end, end);
  await runUntil(c, () => done, 'a request to settle');
  return p;
}

closeClustersAfterEach();

async function fork(source: RaftCluster, atSeq: number, name = `fork-${atSeq}`): Promise<Fork> {
  const f = await forkCluster(source, { name: `${source.name}-${name}`, atSeq });
  tracked(f.cluster);
  return f;
}

/** The first `n` events, or fail: the comparison must not pass on a short trace. */
function prefix(c: RaftCluster, n: number): TraceEvent[] {
  const events = c.events().slice(0, n);
  expect(events).toHaveLength(n);
  return events;
}

function seqOf(c: RaftCluster, name: string, nth = 0): number {
  const found = c.events().filter((e) => e.name === name);
  const e = found[nth];
  if (e === undefined) throw new Error(`no ${name} #${nth} in the trace`);
  return e.seq;
}

/**
 * A run on a manual clock with a person's every kind of input: writes, a held link with
 * messages released and dropped by hand, a partition, a crash and a restart, a pause with steps.
 */
async function actedRun(): Promise<RaftCluster> {
  const c = await simCluster({ seed: 7, size: 5 });
  await runUntil(c, () => stableLeader(c) !== null, 'a leader');
  for (let i = 0; i < 4; i++) await settle(c, c.put(`a${i}`, `v${i}`));
  const leader = stableLeader(c) as number;
  const follower = leader === 1 ? 2 : 1;

  c.setLinkRule(leader, follower, { hold: true });
  c.advance(120);
  const held = c.shaper.heldMessages().map((h) => h.msgId);
  expect(held.length).toBeGreaterThan(2);
  c.releaseHeld(held[0] as string);
  c.advance(7);
  c.dropHeld(held[1] as string);
  c.releaseHeld(held[2] as string);
  c.clearLinkRule(leader, follower);
  c.advance(33);

  c.partition([[leader], [1, 2, 3, 4, 5].filter((n) => n !== leader)]);
  c.advance(900);
  c.heal();
  await runUntil(c, () => stableLeader(c) !== null, 'a leader after the partition');

  const victim = (stableLeader(c) as number) === 3 ? 4 : 3;
  await c.crash(victim);
  for (let i = 0; i < 3; i++) await settle(c, c.put(`b${i}`, `w${i}`));
  await c.restart(victim);
  c.advance(50);

  // Membership changes resume after virtual time has passed, and then act (stop a node, say so).
  const added = await settle(c, c.addNode({ learner: true }));
  await settle(c, c.promoteLearner(added));
  await settle(c, c.removeNode(added));
  await settle(c, c.compact(stableLeader(c) as number));
  await settle(c, c.transferLeader(victim));

  c.pause();
  c.advance(25);
  await c.step('message');
  await c.step('message');
  await c.step('tick');
  c.resume();
  await settle(c, c.get('a1'));
  c.advance(200);
  return c;
}

describe('forkCluster', () => {
  it('replays a run with every kind of input, event for event, up to any point', async () => {
    const c = await actedRun();
    const last = c.recorder.lastSeq();
    expect(last).toBeGreaterThan(500);
    // Code that resumed after waiting left marks the replay must honour.
    expect(
      actionLogOf(c)
        ?.entries()
        .some((e) => e.kind === 'sync'),
    ).toBe(true);
    const points = [
      seqOf(c, 'NodeRemoved'),
      seqOf(c, 'LeaderTransferRequested') + 1,
      1,
      seqOf(c, 'LinkRuleSet'),
      seqOf(c, 'PartitionSet') + 1,
      seqOf(c, 'NodeCrashed'),
      seqOf(c, 'NodeRestarted') + 3,
      seqOf(c, 'Stepped', 1),
      Math.floor(last / 3),
      last,
    ];
    for (const atSeq of points) {
      const f = await fork(c, atSeq);
      expect(f.seq).toBeGreaterThanOrEqual(atSeq);
      // Equal means equal: every field, the time included, which is virtual in both runs.
      expect(prefix(f.cluster, f.seq)).toEqual(prefix(c, f.seq));
      expect(f.cluster.isPaused()).toBe(true);
      await f.cluster.close();
    }
  });

  it('stops after the scheduler callback that emitted the event, and says where', async () => {
    const c = await actedRun();
    const atSeq = seqOf(c, 'PartitionSet') + 1;
    const f = await fork(c, atSeq);
    // The fork's own history starts with the pause that stopped it.
    const own = f.cluster.events(f.seq + 1);
    expect(own[0]).toMatchObject({ seq: f.seq + 1, kind: 'control', name: 'Paused' });
    expect(f.seq - atSeq).toBeLessThan(100);
  });

  it('runs on by itself: what the fork does is not the original, and the reverse', async () => {
    const c = await actedRun();
    const atSeq = seqOf(c, 'PartitionSet');
    const f = await fork(c, atSeq);
    const before = c.recorder.lastSeq();

    f.cluster.heal();
    f.cluster.resume();
    await runUntil(f.cluster, () => stableLeader(f.cluster) !== null, 'a leader in the fork');
    const w = await settle(f.cluster, f.cluster.put('only-in-fork', 'yes'));

    expect(w.key).toBe('only-in-fork');
    expect(c.recorder.lastSeq()).toBe(before);
    const leader = stableLeader(c) as number;
    expect(c.localKv(leader).some(([k]) => k === 'only-in-fork')).toBe(false);
    // The fork took another path from the partition on: it healed at once.
    const healed = (x: RaftCluster) => x.events().find((e) => e.name === 'PartitionHealed')?.seq;
    expect(healed(f.cluster)).toBeLessThan(healed(c) as number);
  });

  it('forks a fork, with the original and the fork inputs both replayed', async () => {
    const c = await actedRun();
    const f = await fork(c, seqOf(c, 'NodeCrashed'));
    f.cluster.resume();
    f.cluster.partition([
      [1, 2],
      [3, 4, 5],
    ]);
    f.cluster.advance(400);
    await settle(
      f.cluster,
      f.cluster.put('x', 'y').catch(() => null),
    );
    const last = f.cluster.recorder.lastSeq();

    const g = await forkCluster(f.cluster, { name: 'fork-of-fork', atSeq: last });
    tracked(g.cluster);

    expect(g.seq).toBe(last);
    expect(prefix(g.cluster, last)).toEqual(prefix(f.cluster, last));
  });

  it('forks a fork whose inputs came between two callbacks of one virtual instant', async () => {
    const c = await actedRun();
    // A fork stops after one callback; often others are due at the same virtual millisecond
    // (every node ticks at once). Inputs given to it there must be replayed there too.
    let f: Fork | null = null;
    for (let atSeq = 200; atSeq < 600 && f === null; atSeq += 13) {
      const candidate = await fork(c, atSeq, `mid-${atSeq}`);
      const s = candidate.cluster.scheduler as VirtualScheduler;
      if (s.nextAtMs() === s.now()) f = candidate;
      else await candidate.cluster.close();
    }
    if (f === null) throw new Error('no fork stopped inside an instant');
    f.cluster.partition([
      [1, 2],
      [3, 4, 5],
    ]);
    f.cluster.resume();
    f.cluster.advance(300);
    const last = f.cluster.recorder.lastSeq();

    const g = await forkCluster(f.cluster, { name: 'fork-of-mid', atSeq: last });
    tracked(g.cluster);

    expect(prefix(g.cluster, last)).toEqual(prefix(f.cluster, last));
  });

  it('replays a paced run, whose inputs land at wall-dependent virtual times', async () => {
    const c = tracked(
      await createCluster({ name: 'paced', mode: 'simulated', seed: 3, tickMs: 5 }),
    );
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const until = async (pred: () => boolean) => {
      for (let i = 0; i < 400 && !pred(); i++) await sleep(5);
      expect(pred()).toBe(true);
    };
    await until(() => stableLeader(c) !== null);
    await c.put('k', 'v');
    const leader = stableLeader(c) as number;
    c.setLinkRule(leader, leader === 1 ? 2 : 1, { hold: true });
    await sleep(40);
    const held = c.shaper.heldMessages()[0];
    if (held !== undefined) c.releaseHeld(held.msgId);
    c.partition([[leader], [1, 2, 3, 4, 5].filter((n) => n !== leader)]);
    await sleep(120);
    c.heal();
    c.clearLinkRule(leader, leader === 1 ? 2 : 1);
    await until(() => stableLeader(c) !== null);
    const other = stableLeader(c) === 5 ? 4 : 5;
    await c.crash(other);
    await c.put('k2', 'v2');
    await c.restart(other);
    await sleep(30);
    c.pause();
    const last = c.recorder.lastSeq();

    for (const atSeq of [seqOf(c, 'PartitionSet'), seqOf(c, 'NodeCrashed') + 2, last]) {
      const f = await fork(c, atSeq);
      expect(prefix(f.cluster, f.seq)).toEqual(prefix(c, f.seq));
      await f.cluster.close();
    }
  });

  it('refuses a live cluster, and a point that is not in the run', async () => {
    const live = await liveCluster({ size: 3 });
    const sim = await simCluster({ size: 3 });
    sim.advance(100);

    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (err) => (err instanceof ForkError ? err.code : String(err)),
      );
    expect(await codeOf(forkCluster(live, { name: 'l', atSeq: 1 }))).toBe('CannotForkLive');
    const beyond = sim.recorder.lastSeq() + 1;
    expect(await codeOf(forkCluster(sim, { name: 'a', atSeq: 0 }))).toBe('SeqOutOfRange');
    expect(await codeOf(forkCluster(sim, { name: 'b', atSeq: beyond }))).toBe('SeqOutOfRange');
    expect(await codeOf(forkCluster(sim, { name: 'c', atSeq: 1.5 }))).toBe('SeqOutOfRange');
  });
});
