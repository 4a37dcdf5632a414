/**
 * The order in which a node handles a Ready, watched from the outside: storage calls recorded by
 * a wrapping store, sends and proposal fates from the trace, all in one timeline. A leader sends
 * its MsgApp before persisting the entries it carries; a follower answers MsgAppResp only after
 * the entries it acknowledges are appended and synced; an entry is applied only after it was
 * synced on the node that applies it. On a real clock with durable storage, "synced" is when
 * the disk answered the asynchronous sync.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entry } from '@raftlens/raft';
import type { TraceEvent } from '@raftlens/trace';
import { describe, expect, it } from 'vitest';
import type { RaftCluster } from '../src/cluster.ts';
import { createMemoryStorage } from '../src/storage/memory.ts';
import { durableStorageFactory, type StorageFactory } from '../src/storage/open.ts';
import type { NodeStorage } from '../src/storage/types.ts';
import {
  closeClustersAfterEach,
  liveCluster,
  others,
  runUntil,
  settle,
  simCluster,
  stableLeader,
  waitForLeader,
  waitUntil,
} from './helpers.ts';

closeClustersAfterEach();

type Mark =
  | { what: 'append'; node: number; last: number }
  | { what: 'sync'; node: number }
  | { what: 'event'; event: TraceEvent };

/**
 * Stores per replica (memory, or those of `inner`) that note their appends and syncs in
 * `timeline`; an asynchronous sync is noted when the disk has answered.
 */
function recordingFactory(timeline: Mark[], inner?: StorageFactory): StorageFactory {
  const wrap = (node: number, inner: NodeStorage): NodeStorage =>
    new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === 'append') {
          return (entries: readonly Entry[]) => {
            target.append(entries);
            const last = entries[entries.length - 1];
            if (last !== undefined) timeline.push({ what: 'append', node, last: last.index });
          };
        }
        if (prop === 'sync') {
          return () => {
            target.sync();
            timeline.push({ what: 'sync', node });
          };
        }
        if (prop === 'syncAsync' && target.syncAsync !== undefined) {
          return () => {
            const durable = target.syncAsync?.() ?? null;
            if (durable === null) timeline.push({ what: 'sync', node });
            else void durable.then(() => timeline.push({ what: 'sync', node }));
            return durable;
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return {
    create: (node, group, confState) =>
      wrap(node, inner?.create(node, group, confState) ?? createMemoryStorage(confState)),
    reopen: (node, group, old) =>
      inner === undefined ? old : wrap(node, inner.reopen(node, group, old)),
  };
}

/** Position in `timeline` of the first sync on `node` after an append there reaching `index`. */
function syncedAt(timeline: Mark[], node: number, index: number): number {
  let appended = false;
  for (let i = 0; i < timeline.length; i++) {
    const m = timeline[i] as Mark;
    if (m.what === 'append' && m.node === node && m.last >= index) appended = true;
    if (appended && m.what === 'sync' && m.node === node) return i;
  }
  return -1;
}

function firstEvent(timeline: Mark[], pred: (e: TraceEvent) => boolean): number {
  return timeline.findIndex((m) => m.what === 'event' && pred(m.event));
}

/** The order of one write's handling, as seen in `after`, on its leader and followers. */
function expectReadyOrder(after: Mark[], leader: number, followers: number[], index: number) {
  const isSend = (type: string, from: number, to?: number) => (e: TraceEvent) =>
    e.kind === 'net' &&
    e.name === 'Send' &&
    e.msg.type === type &&
    e.msg.from === from &&
    (to === undefined || e.msg.to === to) &&
    (type === 'MsgApp'
      ? e.msg.entries.some(([, i]) => i === index)
      : e.msg.index >= index && !e.msg.reject);

  const leaderSync = syncedAt(after, leader, index);
  expect(leaderSync).toBeGreaterThan(-1);
  for (const follower of followers) {
    const app = firstEvent(after, isSend('MsgApp', leader, follower));
    const followerSync = syncedAt(after, follower, index);
    const resp = firstEvent(after, isSend('MsgAppResp', follower, leader));
    // The leader replicates in parallel with its own write.
    expect(app).toBeGreaterThan(-1);
    expect(app).toBeLessThan(leaderSync);
    // The follower vouches only for what is on its disk.
    expect(followerSync).toBeGreaterThan(-1);
    expect(resp).toBeGreaterThan(followerSync);
  }
  const applied = firstEvent(
    after,
    (e) => e.kind === 'proposal' && e.name === 'Applied' && e.index === index,
  );
  expect(applied).toBeGreaterThan(leaderSync);
}

describe('the Ready loop', () => {
  it('persists before answering, sends the leader’s appends at once, applies only what is synced', async () => {
    const timeline: Mark[] = [];
    const c = await simCluster({ size: 3, storageFactory: recordingFactory(timeline) });
    c.subscribe((event) => timeline.push({ what: 'event', event }));
    await runUntil(c, () => stableLeader(c) !== null, 'a leader');
    const leader = c.leaderOf() as number;
    // Once a write has committed, the leader replicates to followers it knows to be in step.
    await settle(c, c.put('warm', 'up'));

    const start = timeline.length;
    const written = await settle(c, c.put('k', 'v'));
    await runUntil(
      c,
      () =>
        others(c, leader).every(
          (n) => (c.snapshot().nodes[n - 1]?.groups[0]?.applied ?? 0) >= written.index,
        ),
      'every node to apply the write',
    );
    expectReadyOrder(timeline.slice(start), leader, others(c, leader), written.index);
  });

  it('waits for the disk on a live cluster with durable storage before a follower answers', async () => {
    const timeline: Mark[] = [];
    const dataDir = mkdtempSync(join(tmpdir(), 'raftlens-ready-order-'));
    let c: RaftCluster | undefined;
    try {
      const live = await liveCluster({
        size: 3,
        storage: 'durable',
        dataDir,
        storageFactory: recordingFactory(
          timeline,
          durableStorageFactory({ name: 'order', dataDir }),
        ),
      });
      c = live;
      live.subscribe((event) => timeline.push({ what: 'event', event }));
      const leader = await waitForLeader(live);
      await live.put('warm', 'up');

      const start = timeline.length;
      const written = await live.put('k', 'v');
      await waitUntil(
        () => live.snapshot().nodes.every((n) => (n.groups[0]?.applied ?? 0) >= written.index),
        'every node to apply the write',
      );
      expectReadyOrder(timeline.slice(start), leader, others(live, leader), written.index);
    } finally {
      // Closed before its folder goes; the close after the test then finds it closed.
      await c?.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
