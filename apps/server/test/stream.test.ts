import type { StreamMessage } from '@raftlens/trace';
import { describe, expect, it } from 'vitest';
import { fakeServer, listen, realServer } from './support/server.ts';
import { openViewer, streamUrl } from './support/viewer-client.ts';

type Of<T extends StreamMessage['type']> = Extract<StreamMessage, { type: T }>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the viewer stream', () => {
  it('sends hello with a snapshot, then the events of a write, in sequence', async () => {
    const app = await realServer();
    const base = await listen(app);
    const viewer = await openViewer(streamUrl(base, 'default'));

    const hello = (await viewer.waitFor((m) => m.type === 'hello')) as Of<'hello'>;
    await app.inject({ method: 'PUT', url: '/api/clusters/default/kv/a', payload: { value: '1' } });
    await viewer.waitFor(
      (m) =>
        m.type === 'events' &&
        m.events.some((e) => e.kind === 'proposal' && e.key === 'a' && e.name === 'Answered'),
    );

    expect(viewer.messages[0]?.type).toBe('hello');
    expect(hello).toMatchObject({ version: 1, cluster: 'default' });
    expect(hello.snapshot.nodes).toHaveLength(3);
    const seqs = viewer.messages
      .filter((m): m is Of<'events'> => m.type === 'events')
      .flatMap((m) => m.events.map((e) => e.seq));
    expect(seqs[0]).toBeGreaterThan(hello.snapshot.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const kinds = new Set(
      viewer.messages.flatMap((m) => (m.type === 'events' ? m.events.map((e) => e.kind) : [])),
    );
    expect(kinds).toContain('net');
    expect(kinds).toContain('proposal');
    await viewer.close();
  });

  it('sends periodic state snapshots to a viewer that keeps up', async () => {
    const { app } = await fakeServer({ stream: { stateMs: 40 } });
    const base = await listen(app);
    const viewer = await openViewer(streamUrl(base, 'default'));

    await viewer.waitFor((m) => m.type === 'state');
    await sleep(200);

    const states = viewer.messages.filter((m) => m.type === 'state');
    expect(states.length).toBeGreaterThanOrEqual(3);
    await viewer.close();
  });

  it('batches events: many events in few messages', async () => {
    const { app, made } = await fakeServer({ stream: { flushMs: 50 } });
    const base = await listen(app);
    const viewer = await openViewer(streamUrl(base, 'default'));
    await viewer.waitFor((m) => m.type === 'hello');

    for (let i = 0; i < 300; i++) made.get('default')?.emitFiller(10);
    await viewer.waitFor((m) => m.type === 'events');
    await sleep(100);

    const batches = viewer.messages.filter((m): m is Of<'events'> => m.type === 'events');
    expect(batches.reduce((n, b) => n + b.events.length, 0)).toBe(300);
    expect(batches.length).toBeLessThanOrEqual(2);
    await viewer.close();
  });

  it('answers malformed input with an error and keeps streaming', async () => {
    const app = await realServer();
    const base = await listen(app);
    const viewer = await openViewer(streamUrl(base, 'default'));
    await viewer.waitFor((m) => m.type === 'hello');

    viewer.ws.send('{not json');
    viewer.ws.send(JSON.stringify({ type: 'launch' }));
    const first = await viewer.waitFor((m) => m.type === 'error');
    const second = await viewer.waitFor((m) => m.type === 'error' && m !== first);
    await app.inject({ method: 'PUT', url: '/api/clusters/default/kv/a', payload: { value: '1' } });

    expect(first).toMatchObject({ type: 'error', code: 'MalformedMessage' });
    expect(second).toMatchObject({ type: 'error', code: 'UnknownMessageType' });
    await expect(viewer.waitFor((m) => m.type === 'events')).resolves.toBeDefined();
    await viewer.close();
  });

  it('sends a fresh state when a viewer asks to resync', async () => {
    const { app } = await fakeServer({ stream: { stateMs: 100 } });
    const base = await listen(app);
    const viewer = await openViewer(streamUrl(base, 'default'));
    await viewer.waitFor((m) => m.type === 'hello');

    viewer.ws.send(JSON.stringify({ type: 'resync' }));

    await expect(viewer.waitFor((m) => m.type === 'state', 1000)).resolves.toBeDefined();
    await viewer.close();
  });

  it('tells a viewer of an unknown cluster why, then closes', async () => {
    const app = await realServer();
    const base = await listen(app);
    const viewer = await openViewer(streamUrl(base, 'nope'));

    const error = await viewer.waitFor((m) => m.type === 'error');
    await new Promise((resolve) => viewer.ws.once('close', resolve));

    expect(error).toMatchObject({ code: 'UnknownCluster' });
  });

  it('closes the viewers of a deleted cluster with ClusterClosed', async () => {
    const app = await realServer();
    const base = await listen(app);
    const viewer = await openViewer(streamUrl(base, 'default'));
    await viewer.waitFor((m) => m.type === 'hello');

    const closed = new Promise((resolve) => viewer.ws.once('close', resolve));
    await app.inject({ method: 'DELETE', url: '/api/clusters/default' });

    await expect(viewer.waitFor((m) => m.type === 'error')).resolves.toMatchObject({
      code: 'ClusterClosed',
    });
    await closed;
  });

  it('answers a plain GET of the stream with UpgradeRequired', async () => {
    const { app } = await fakeServer();

    const res = await app.inject({ method: 'GET', url: '/api/clusters/default/stream' });

    expect(res.statusCode).toBe(426);
    expect(res.json().error.code).toBe('UpgradeRequired');
  });

  it('stops listening to the cluster when the last viewer leaves', async () => {
    const { app, made } = await fakeServer();
    const base = await listen(app);
    const cluster = made.get('default');
    // The diagnostics' trace window, the safety monitor and the trace recorder listen all along.
    const unwatched = cluster?.subscriberCount;
    const viewer = await openViewer(streamUrl(base, 'default'));
    await viewer.waitFor((m) => m.type === 'hello');
    const whileWatched = cluster?.subscriberCount;

    await viewer.close();
    await sleep(50);

    expect(unwatched).toBe(3);
    expect(whileWatched).toBe(4);
    expect(cluster?.subscriberCount).toBe(3);
  });
});
