/**
 * Redials back off: the delay grows exponentially up to its cap, never collapses to zero, and
 * spreads with jitter; against a real listener that cuts every connection, a node dials a few
 * times a second at most rather than in a busy loop.
 */

import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../src/transport/backoff.ts';
import { sleep, startNode, type TestNode } from './helpers.ts';

const nodes: TestNode[] = [];
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.t.close()));
  await Promise.all(
    servers.splice(0).map((s) => new Promise((resolve) => s.close(() => resolve(null)))),
  );
});

describe('backoffDelayMs', () => {
  const opts = { baseMs: 50, maxMs: 2_000 };

  it('doubles per attempt, between half and all of the step, up to the cap', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const step = Math.min(2_000, 50 * 2 ** attempt);
      expect(backoffDelayMs(attempt, opts, () => 0)).toBe(step / 2);
      expect(backoffDelayMs(attempt, opts, () => 0.999_999)).toBeLessThanOrEqual(step);
      expect(backoffDelayMs(attempt, opts, () => 0.999_999)).toBeGreaterThan(step * 0.99);
    }
    expect(backoffDelayMs(1_000, opts, () => 0.5)).toBe(1_500);
  });

  it('spreads the redials of many nodes', () => {
    let x = 1;
    const random = () => {
      x = (x * 48_271) % 2_147_483_647;
      return x / 2_147_483_647;
    };
    const delays = Array.from({ length: 50 }, () => backoffDelayMs(3, opts, random));
    expect(new Set(delays.map((d) => Math.round(d))).size).toBeGreaterThan(25);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(200);
  });
});

describe('redialling a peer that cuts every connection', () => {
  it('dials a handful of times, not in a busy loop, with growing gaps', async () => {
    const dials: number[] = [];
    const server = createServer((socket) => {
      dials.push(Date.now());
      socket.destroy();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const a = await startNode(1, { backoff: { baseMs: 20, maxMs: 400 } });
    nodes.push(a);

    a.t.connect(2, `ws://127.0.0.1:${address.port}/raft`);
    await sleep(1_500);

    // 10+20+40+80+160+200*n ms at the fastest: at most about 10 dials in 1.5 s.
    expect(dials.length).toBeGreaterThanOrEqual(3);
    expect(dials.length).toBeLessThanOrEqual(12);
    const gaps = dials.slice(1).map((t, i) => t - (dials[i] as number));
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(150);
    expect(a.t.stats().connectedPeers).not.toContain(2);
    // The first dial is not a redial; the last may still be on its way.
    expect(a.t.stats().reconnects).toBeGreaterThanOrEqual(dials.length - 1);
    expect(a.t.stats().reconnects).toBeLessThanOrEqual(dials.length);
  });
});
