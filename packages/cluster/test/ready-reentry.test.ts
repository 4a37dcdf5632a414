/**
 * A Ready is handled in one piece. Sending its messages can report back into the node at once
 * (the transport refuses a message to a crashed peer, and the node reports that peer
 * unreachable), and with durable storage the core may have moved on while the Ready's writes
 * were on their way to the disk. The report must not start handling the next Ready inside the
 * current one: the core refuses a second Ready before `advance`, and a node that hit that
 * stopped for good, a candidate stuck in its term that never sent its votes.
 */

import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../src/storage/memory.ts';
import type { StorageFactory } from '../src/storage/open.ts';
import type { NodeStorage } from '../src/storage/types.ts';
import {
  closeClustersAfterEach,
  groupOf,
  liveCluster,
  others,
  waitForLeader,
  waitUntil,
} from './helpers.ts';

closeClustersAfterEach();

/** A disk whose syncs on one node wait until the test lets them finish. */
class SlowDisk {
  node = 0;
  private waiting: Array<() => void> = [];

  factory(): StorageFactory {
    const wrap = (node: number, inner: NodeStorage): NodeStorage =>
      new Proxy(inner, {
        get: (target, prop, receiver) => {
          if (prop === 'syncAsync') {
            return () => {
              target.sync();
              if (node !== this.node) return null;
              return new Promise<void>((resolve) => this.waiting.push(resolve));
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

  pending(): number {
    return this.waiting.length;
  }

  finish(): void {
    this.node = 0;
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}

describe('handling a Ready', () => {
  it('goes on when a send reports a crashed peer while the core already has the next Ready', async () => {
    const disk = new SlowDisk();
    const c = await liveCluster({
      size: 3,
      storageFactory: disk.factory(),
      // Without PreVote a campaign writes a new term at once, which waits for the slow disk.
      core: { preVote: false, checkQuorum: false },
    });
    const leader = await waitForLeader(c);
    const [candidate, crashed] = others(c, leader) as [number, number];
    await c.put('before', 'crash');
    await c.crash(crashed);

    // The candidate's vote for itself is on its way to the disk; its MsgVotes wait for it.
    disk.node = candidate;
    await c.campaign(candidate);
    await waitUntil(() => disk.pending() > 0, 'the campaign to reach the disk');
    // Meanwhile the core moves on: a second campaign, at a higher term.
    await c.campaign(candidate);
    const term = groupOf(c, candidate).term;
    // The disk answers: the first Ready's MsgVote to the crashed node is refused and reported.
    disk.finish();

    await waitUntil(
      () => groupOf(c, candidate).term > term || groupOf(c, candidate).role === 'StateLeader',
      'the candidate to go on campaigning or to win',
      5_000,
    );
    const written = await c.put('after', 'campaign', { via: candidate, timeoutMs: 5_000 });
    expect(written.index).toBeGreaterThan(0);
  });
});
