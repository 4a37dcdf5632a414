import { parseTrace, type StreamMessage } from '@raftlens/trace';
import { describe, expect, it } from 'vitest';
import { FakeCluster } from './support/fake-cluster.ts';
import { fakeServer, listen } from './support/server.ts';
import { openViewer, streamUrl } from './support/viewer-client.ts';

type Of<T extends StreamMessage['type']> = Extract<StreamMessage, { type: T }>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A server of fakes whose default cluster has emitted `count` events. */
async function serverWithEvents(count: number, opts: Parameters<typeof fakeServer>[0] = {}) {
  const { app, made } = await fakeServer(opts);
  const old = made.get('default');
  if (old === undefined) throw new Error('no default cluster');
  for (let i = 0; i < count; i++) old.emitFiller(100);
  return { app, old };
}

describe('replacing a cluster under its name', () => {
  it('resets every viewer, then streams the new cluster from its first event', async () => {
    const { app, old } = await serverWithEvents(30);
    const base = await listen(app);
    const viewer = await openViewer(streamUrl(base, 'default'));
    await viewer.waitFor((m) => m.type === 'hello');

    const next = new FakeCluster(old.options);
    expect(app.clusters.replace('default', next, 'scenario-back')).toBe(true);
    const reset = (await viewer.waitFor((m) => m.type === 'reset')) as Of<'reset'>;
    next.emitFiller();
    next.emitFiller();
    old.emitFiller();
    const at = viewer.messages.indexOf(reset);
    await viewer.waitFor((m) => viewer.messages.indexOf(m) > at && m.type === 'events');
    await sleep(150);

    expect(reset).toMatchObject({ reason: 'scenario-back', snapshot: { seq: 0 } });
    const after = viewer.messages
      .slice(at + 1)
      .flatMap((m) => (m.type === 'events' ? m.events : []));
    // The old cluster's last event never reaches the viewer after the reset.
    expect(after.map((e) => e.seq)).toEqual([1, 2]);
    expect(app.clusters.get('default')).toBe(next);
    await viewer.close();
  });

  it('resets a viewer that was cut for lagging too', async () => {
    const { app, old } = await serverWithEvents(0, {
      stream: { queueFramesMax: 4, queueBytesMax: 64 * 1024, socketBufferedBytesMax: 16 * 1024 },
    });
    const base = await listen(app);
    const viewer = await openViewer(streamUrl(base, 'default'));
    await viewer.waitFor((m) => m.type === 'hello');
    viewer.stall();
    let lagging = false;
    for (let i = 0; i < 100 && !lagging; i++) {
      for (let k = 0; k < 200; k++) old.emitFiller(1_000);
      await sleep(60);
      const stats = (await app.inject({ method: 'GET', url: '/api/clusters/default/viewers' }))
        .json()
        .viewers.find((v: { id: number }) => v.id === 1);
      lagging = stats.lagging;
    }
    expect(lagging).toBe(true);

    const next = new FakeCluster(old.options);
    app.clusters.replace('default', next, 'scenario-restart');
    viewer.unstall();
    const reset = (await viewer.waitFor((m) => m.type === 'reset', 10_000)) as Of<'reset'>;

    expect(reset.reason).toBe('scenario-restart');
    expect(reset.snapshot.seq).toBe(0);
    await viewer.close();
  });

  it('re-points the diagnosis and the recorded trace at the new cluster', async () => {
    const { app, old } = await serverWithEvents(25);
    const next = new FakeCluster(old.options);
    next.emitFiller();

    app.clusters.replace('default', next, 'scenario-goto');
    next.emitFiller();
    const diagnosis = await app.inject({ method: 'GET', url: '/api/clusters/default/diagnosis' });
    const trace = await app.inject({ method: 'GET', url: '/api/clusters/default/trace' });

    // The window holds the new cluster's events, from its first: none of the old one's 25.
    expect(diagnosis.json()).toMatchObject({ seq: 2, events: 2 });
    const parsed = parseTrace(trace.body);
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.trace.events.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('does nothing for a name that is not hosted', async () => {
    const { app, old } = await serverWithEvents(0);
    expect(app.clusters.replace('other', new FakeCluster(old.options), 'x')).toBe(false);
    expect(app.clusters.has('other')).toBe(false);
  });
});
