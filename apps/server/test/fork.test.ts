import { parseTrace, type StreamMessage, type TraceEvent } from '@raftlens/trace';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { listen, realServer, waitForLeader } from './support/server.ts';
import { openViewer, streamUrl } from './support/viewer-client.ts';

type Of<T extends StreamMessage['type']> = Extract<StreamMessage, { type: T }>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A server whose default cluster is a simulated one (paced by the wall clock). */
function simServer(): Promise<FastifyInstance> {
  return realServer({ defaultCluster: { name: 'default', size: 3, mode: 'simulated', seed: 11 } });
}

async function post(app: FastifyInstance, url: string, payload?: object) {
  return await app.inject({ method: 'POST', url, ...(payload ? { payload } : {}) });
}

async function trace(app: FastifyInstance, cluster: string): Promise<TraceEvent[]> {
  const res = await app.inject({ method: 'GET', url: `/api/clusters/${cluster}/trace` });
  const parsed = parseTrace(res.body);
  if (!parsed.ok) throw new Error(`not a trace: ${parsed.error.message}`);
  return parsed.trace.events;
}

/** Inputs of every kind through the API, at whatever virtual times the wall clock gives. */
async function act(app: FastifyInstance): Promise<void> {
  const base = '/api/clusters/default';
  expect(
    (await app.inject({ method: 'PUT', url: `${base}/kv/a`, payload: { value: '1' } })).statusCode,
  ).toBe(200);
  const leader = await waitForLeader(app, 'default');
  const others = [1, 2, 3].filter((n) => n !== leader);
  expect((await post(app, `${base}/partition`, { groups: [[leader], others] })).statusCode).toBe(
    200,
  );
  await sleep(60);
  expect((await post(app, `${base}/heal`)).statusCode).toBeLessThan(300);
  await waitForLeader(app, 'default');
  expect((await post(app, `${base}/nodes/${others[0]}/crash`)).statusCode).toBeLessThan(300);
  await app.inject({ method: 'PUT', url: `${base}/kv/b`, payload: { value: '2' } });
  expect((await post(app, `${base}/nodes/${others[0]}/restart`)).statusCode).toBeLessThan(300);
  let added = { statusCode: 0 };
  for (let i = 0; i < 20 && added.statusCode !== 201; i++) {
    await waitForLeader(app, 'default');
    added = await post(app, `${base}/nodes`, { learner: true });
  }
  expect(added.statusCode).toBe(201);
  await sleep(40);
}

describe('POST /api/clusters/{c}/fork', () => {
  it('starts a paused simulated cluster whose trace is the original up to atSeq', async () => {
    const app = await simServer();
    await act(app);
    const original = await trace(app, 'default');
    const partitioned = original.find((e) => e.name === 'PartitionSet');
    if (partitioned === undefined) throw new Error('no partition in the trace');
    const atSeq = partitioned.seq + 5;

    const res = await post(app, '/api/clusters/default/fork', { atSeq });

    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ cluster: 'default-fork-1', atSeq });
    expect(body.seq).toBeGreaterThanOrEqual(atSeq);
    const list = (await app.inject({ method: 'GET', url: '/api/clusters' })).json().clusters;
    expect(list.find((c: { name: string }) => c.name === 'default-fork-1')).toMatchObject({
      mode: 'simulated',
      seed: 11,
      paused: true,
    });
    const forked = await trace(app, 'default-fork-1');
    expect(forked.slice(0, body.seq)).toEqual(original.slice(0, body.seq));
    expect(forked[body.seq]).toMatchObject({ kind: 'control', name: 'Paused' });
    // Later, past a node added through the API (whose start the runtime awaits).
    const added = original.find((e) => e.name === 'NodeAdded');
    if (added === undefined) throw new Error('no node added in the trace');
    const late = await post(app, '/api/clusters/default/fork', { atSeq: added.seq + 20 });
    expect(late.statusCode).toBe(201);
    const lateSeq = late.json().seq;
    expect((await trace(app, late.json().cluster)).slice(0, lateSeq)).toEqual(
      original.slice(0, lateSeq),
    );

    // A viewer of the fork starts where the fork stands: after the shared past, paused.
    const viewer = await openViewer(streamUrl(await listen(app), 'default-fork-1'));
    const hello = (await viewer.waitFor((m) => m.type === 'hello')) as Of<'hello'>;
    expect(hello.snapshot.paused).toBe(true);
    expect(hello.snapshot.seq).toBeGreaterThan(body.seq);
    await viewer.close();

    // The fork is the user's: it heals at once (the original did later), resumes and takes a
    // write the original never sees.
    expect((await post(app, '/api/clusters/default-fork-1/heal')).statusCode).toBe(200);
    expect((await post(app, '/api/clusters/default-fork-1/resume')).statusCode).toBe(200);
    let put = { statusCode: 0 };
    for (let i = 0; i < 20 && put.statusCode !== 200; i++) {
      await waitForLeader(app, 'default-fork-1');
      put = await app.inject({
        method: 'PUT',
        url: '/api/clusters/default-fork-1/kv/only-here',
        payload: { value: 'x' },
      });
    }
    expect(put.statusCode).toBe(200);
    const there = await app.inject({ method: 'GET', url: '/api/clusters/default/kv/only-here' });
    expect(there.json().error.code).toBe('KeyNotFound');
  });

  it('names forks after their original unless told, and refuses a taken name', async () => {
    const app = await simServer();
    const first = await post(app, '/api/clusters/default/fork', { atSeq: 3 });
    const named = await post(app, '/api/clusters/default/fork', { atSeq: 3, name: 'what-if' });
    const second = await post(app, '/api/clusters/default/fork', { atSeq: 4 });
    const taken = await post(app, '/api/clusters/default/fork', { atSeq: 4, name: 'what-if' });

    expect(first.json().cluster).toBe('default-fork-1');
    expect(named.json().cluster).toBe('what-if');
    expect(second.json().cluster).toBe('default-fork-2');
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('ClusterExists');
  });

  it('refuses a live cluster with CannotForkLive, pointing at a simulated start instead', async () => {
    const app = await realServer();

    const res = await post(app, '/api/clusters/default/fork', { atSeq: 1 });

    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('CannotForkLive');
    expect(res.json().error.message).toMatch(/cannot be replayed exactly.*simulated cluster/);
  });

  it('answers a point outside the run with a code', async () => {
    const app = await simServer();

    const zero = await post(app, '/api/clusters/default/fork', { atSeq: 0 });
    const beyond = await post(app, '/api/clusters/default/fork', { atSeq: 10_000_000 });
    const unknown = await post(app, '/api/clusters/nope/fork', { atSeq: 1 });

    expect([zero.statusCode, zero.json().error.code]).toEqual([400, 'InvalidRequest']);
    expect([beyond.statusCode, beyond.json().error.code]).toEqual([409, 'SeqOutOfRange']);
    expect(beyond.json().error.detail.lastSeq).toBeGreaterThan(0);
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'UnknownCluster']);
  });
});

describe('POST /api/clusters/{c}/simulate-from', () => {
  it("starts a paused simulated cluster from a live cluster's stores, which then runs on", async () => {
    const app = await realServer();
    for (let i = 0; i < 3; i++) {
      const put = await app.inject({
        method: 'PUT',
        url: `/api/clusters/default/kv/k${i}`,
        payload: { value: `v${i}` },
      });
      expect(put.statusCode).toBe(200);
    }

    const res = await post(app, '/api/clusters/default/simulate-from', {});

    expect(res.statusCode).toBe(201);
    expect(res.json().cluster).toBe('default-sim-1');
    expect(res.json().atSeq).toBeGreaterThan(0);
    const sim = (await app.inject({ method: 'GET', url: '/api/clusters/default-sim-1' })).json();
    expect(sim.mode).toBe('simulated');
    expect(sim.paused).toBe(true);
    // Every node starts from what its store held: the three writes are in every log.
    for (const node of sim.nodes) {
      expect(node.groups[0].log.lastIndex).toBeGreaterThanOrEqual(4);
      expect(node.groups[0].term).toBeGreaterThan(0);
    }
    expect((await post(app, '/api/clusters/default-sim-1/resume')).statusCode).toBe(200);
    await waitForLeader(app, 'default-sim-1');
    const read = await app.inject({ method: 'GET', url: '/api/clusters/default-sim-1/kv/k2' });
    expect(read.json()).toMatchObject({ key: 'k2', value: 'v2' });
  });

  it('refuses a past point with StateNotRecorded', async () => {
    const app = await realServer();

    const res = await post(app, '/api/clusters/default/simulate-from', { atSeq: 1 });

    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('StateNotRecorded');
  });
});
