import type { StreamMessage } from '@raftlens/trace';
import { describe, expect, it } from 'vitest';
import { fakeServer, listen } from './support/server.ts';
import { openViewer, streamUrl } from './support/viewer-client.ts';

type Of<T extends StreamMessage['type']> = Extract<StreamMessage, { type: T }>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const LIMITS = {
  queueFramesMax: 64,
  queueBytesMax: 512 * 1024,
  socketBufferedBytesMax: 128 * 1024,
  batchEventsMax: 200,
};

describe('a stalled viewer', () => {
  it('gets a gap then a fresh state, holding bounded memory, while the others keep up', async () => {
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
    let writes = 0;
    for (let i = 0; i < 40; i++) {
      await sleep(50);
      const put = await app.inject({
        method: 'PUT',
        url: `/api/clusters/default/kv/k${i}`,
        payload: { value: String(i) },
      });
      if (put.statusCode === 200) writes++;
      const stats = (await app.inject({ method: 'GET', url: '/api/clusters/default/viewers' }))
        .json()
        .viewers.find((v: { id: number }) => v.id === 1);
      heldMax = Math.max(heldMax, stats.queuedBytes + stats.socketBufferedBytes);
    }
    cluster.stopFirehose();
    const viewers = (
      await app.inject({ method: 'GET', url: '/api/clusters/default/viewers' })
    ).json().viewers;
    stalled.unstall();
    const gap = (await stalled.waitFor((m) => m.type === 'gap')) as Of<'gap'>;
    const afterGap = stalled.messages[stalled.messages.indexOf(gap) + 1];
    await sleep(300);
    const count = (messages: StreamMessage[]) =>
      messages
        .filter((m): m is Of<'events'> => m.type === 'events')
        .reduce((n, m) => n + m.events.length, 0);
    const missed = stalled.messages
      .filter((m): m is Of<'gap'> => m.type === 'gap')
      .reduce((n, m) => n + m.missed, 0);

    expect(writes).toBe(40);
    expect(viewers[0]).toMatchObject({ id: 1, lagging: true });
    expect(viewers[0].cuts).toBeGreaterThanOrEqual(1);
    expect(viewers[1]).toMatchObject({ id: 2, lagging: false, cuts: 0 });
    // What the server holds for the stalled viewer: its bound plus at most one frame.
    expect(heldMax).toBeLessThanOrEqual(LIMITS.queueBytesMax + 300 * 1024);
    expect(gap.missed).toBeGreaterThan(1000);
    expect(gap.toSeq).toBeGreaterThanOrEqual(gap.fromSeq);
    expect(afterGap?.type).toBe('state');
    // Every event reached the stalled viewer or was counted in a gap; none twice.
    expect(count(stalled.messages) + missed).toBe(count(healthy.messages));
    expect(count(healthy.messages)).toBeGreaterThan(40 * 100);
    expect(healthy.messages.some((m) => m.type === 'gap')).toBe(false);
    await stalled.close();
    await healthy.close();
  });
});
