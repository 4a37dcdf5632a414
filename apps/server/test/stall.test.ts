import type { StreamMessage } from '@raftlens/trace';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { fakeServer, listen, realServer } from './support/server.ts';
import { openViewer, streamUrl } from './support/viewer-client.ts';

type Of<T extends StreamMessage['type']> = Extract<StreamMessage, { type: T }>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const LIMITS = {
  queueFramesMax: 64,
  queueBytesMax: 256 * 1024,
  socketBufferedBytesMax: 64 * 1024,
  batchEventsMax: 200,
};

/** What the server holds for viewer `id`: its queue and its socket's buffer. */
async function heldBytes(app: FastifyInstance, id: number): Promise<number> {
  const stats = (await app.inject({ method: 'GET', url: '/api/clusters/default/viewers' }))
    .json()
    .viewers.find((v: { id: number }) => v.id === id);
  return stats.queuedBytes + stats.socketBufferedBytes;
}

function eventCount(messages: StreamMessage[]): number {
  return messages
    .filter((m): m is Of<'events'> => m.type === 'events')
    .reduce((n, m) => n + m.events.length, 0);
}

describe('a stalled viewer', () => {
  it('gets a gap then a fresh state, holds bounded memory, never slows the cluster', async () => {
    const app = await realServer({ stream: LIMITS });
    const base = await listen(app);
    const stalled = await openViewer(streamUrl(base, 'default'));
    const healthy = await openViewer(streamUrl(base, 'default'));
    await stalled.waitFor((m) => m.type === 'hello');
    await healthy.waitFor((m) => m.type === 'hello');

    // A browser tab that hangs: it stops reading while the cluster commits write after write.
    stalled.stall();
    let writes = 0;
    let heldMax = 0;
    let cuts = 0;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && (cuts === 0 || writes < 200)) {
      const puts = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          app.inject({
            method: 'PUT',
            url: `/api/clusters/default/kv/k${(writes + i) % 50}`,
            payload: { value: 'x'.repeat(64) },
          }),
        ),
      );
      writes += puts.filter((res) => res.statusCode === 200).length;
      heldMax = Math.max(heldMax, await heldBytes(app, 1));
      const stats = (await app.inject({ method: 'GET', url: '/api/clusters/default/viewers' }))
        .json()
        .viewers.find((v: { id: number }) => v.id === 1);
      cuts = stats.cuts;
    }
    const viewers = (
      await app.inject({ method: 'GET', url: '/api/clusters/default/viewers' })
    ).json().viewers;
    stalled.unstall();
    const gap = (await stalled.waitFor((m) => m.type === 'gap', 10_000)) as Of<'gap'>;
    const gapAt = stalled.messages.indexOf(gap);
    await stalled.waitFor((m) => stalled.messages.indexOf(m) > gapAt);
    const afterGap = stalled.messages[gapAt + 1];

    expect(writes).toBeGreaterThanOrEqual(200);
    expect(viewers[0]).toMatchObject({ id: 1, lagging: true, queuedFrames: 0 });
    expect(viewers[1]).toMatchObject({ id: 2, lagging: false, cuts: 0 });
    // The bound, plus one batch that was already in the socket when the queue was cut.
    expect(heldMax).toBeLessThanOrEqual(LIMITS.queueBytesMax + 256 * 1024);
    expect(gap.missed).toBeGreaterThan(0);
    expect(gap.toSeq).toBeGreaterThanOrEqual(gap.fromSeq);
    expect(afterGap?.type).toBe('state');
    expect((afterGap as Of<'state'>).snapshot.seq).toBe(gap.toSeq);
    expect(healthy.messages.some((m) => m.type === 'gap')).toBe(false);
    expect(eventCount(healthy.messages)).toBeGreaterThan(writes);
    await stalled.close();
    await healthy.close();
  });
});

describe('the stream accounting', () => {
  it('delivers every event to a stalled viewer or counts it in a gap, never both', async () => {
    const { app, made } = await fakeServer({ stream: LIMITS });
    const base = await listen(app);
    const cluster = made.get('default');
    if (cluster === undefined) throw new Error('no default cluster');
    const stalled = await openViewer(streamUrl(base, 'default'));
    const healthy = await openViewer(streamUrl(base, 'default'));
    await stalled.waitFor((m) => m.type === 'hello');
    await healthy.waitFor((m) => m.type === 'hello');

    // About 20 MB of events in two seconds: far more than the socket, the kernel and the bound
    // can hold for a viewer that reads nothing.
    stalled.stall();
    cluster.startFirehose(100, 10, 1000);
    let heldMax = 0;
    for (let i = 0; i < 40; i++) {
      await sleep(50);
      heldMax = Math.max(heldMax, await heldBytes(app, 1));
    }
    cluster.stopFirehose();
    stalled.unstall();
    await stalled.waitFor((m) => m.type === 'gap', 10_000);
    await sleep(400);

    const missed = stalled.messages
      .filter((m): m is Of<'gap'> => m.type === 'gap')
      .reduce((n, m) => n + m.missed, 0);
    expect(heldMax).toBeLessThanOrEqual(LIMITS.queueBytesMax + 256 * 1024);
    expect(missed).toBeGreaterThan(1000);
    expect(eventCount(stalled.messages) + missed).toBe(eventCount(healthy.messages));
    await stalled.close();
    await healthy.close();
  });
});
