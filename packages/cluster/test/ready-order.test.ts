/**
 * The order in which a node handles a Ready, watched from the outside: storage calls recorded by
 * a wrapping store, sends and proposal fates from the trace, all in one timeline. A leader sends
 * its MsgApp before persisting the entries it carries; a follower answers MsgAppResp only after
 * the entries it acknowledges are appended and synced; an entry is applied only after it was
 * synced on the node that applies it.
 */

import type { Entry } from '@raftlens/raft';
import type { TraceEvent } from '@raftlens/trace';
import { afterEach, describe, expect, it } from 'vitest';
import type { RaftCluster } from '../src/cluster.ts';
import { createMemoryStorage } from '../src/storage/memory.ts';
import type { StorageFactory } from '../src/storage/open.ts';
import type { NodeStorage } from '../src/storage/types.ts';
import { others, runUntil, settle, simCluster, stableLeader } from './helpers.ts';

let cluster: RaftCluster | null = null;

afterEach(async () => {
  await cluster?.close();
  cluster = null;
});

type Mark =
  | { what: 'append'; node: number; last: number }
  | { what: 'sync'; node: number }
  | { what: 'event'; event: TraceEvent };

/** A memory store per replica that notes its appends and syncs in `timeline`. */
function recordingFactory(timeline: Mark[]): StorageFactory {
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
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return {
    create: (node, _group, confState) => wrap(node, createMemoryStorage(confState)),
    reopen: (_node, _group, old) => old,
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

describe('the Ready loop', () => {
  it('persists before answering, sends the leader’s appends at once, applies only what is synced', async () => {
    const timeline: Mark[] = [];
    const c = await simCluster({ size: 3, storageFactory: recordingFactory(timeline) });
    cluster = c;
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
    const after = timeline.slice(start);
    const index = written.index;

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
    for (const follower of others(c, leader)) {
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
  });
});
