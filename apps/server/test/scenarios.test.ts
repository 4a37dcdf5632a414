import { listScenarios } from '@raftlens/scenarios';
import { parseTrace, type StreamMessage, type TraceEvent } from '@raftlens/trace';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { ServerOptions } from '../src/app.ts';
import { fakeServer, listen } from './support/server.ts';
import { openViewer } from './support/viewer-client.ts';

const json = { 'content-type': 'application/json' };
const base = '/api/clusters/scenario-leader-election/scenario';

/** A server with no default cluster; scenarios bring their own (real, simulated) clusters. */
async function scenarioServer(opts: Partial<ServerOptions> = {}): Promise<FastifyInstance> {
  // fakeServer registers the server for closing after the test; scenario clusters are real.
  return (await fakeServer({ defaultCluster: null, ...opts })).app;
}

function post(app: FastifyInstance, url: string, payload?: Record<string, unknown>) {
  return app.inject({ method: 'POST', url, ...(payload !== undefined ? { payload } : {}) });
}

async function start(app: FastifyInstance, id = 'leader-election', body = {}) {
  const res = await post(app, `/api/scenarios/${id}/start`, { paced: false, ...body });
  expect(res.statusCode).toBe(201);
  return res.json();
}

describe('the scenario catalogue', () => {
  it('lists every scenario with its steps', async () => {
    const app = await scenarioServer();

    const res = await app.inject({ method: 'GET', url: '/api/scenarios' });

    expect(res.statusCode).toBe(200);
    const list = res.json();
    expect(list.map((s: { id: string }) => s.id)).toEqual(listScenarios().map((s) => s.id));
    const election = list.find((s: { id: string }) => s.id === 'leader-election');
    expect(election.steps.length).toBeGreaterThan(1);
    expect(election.steps[0]).toEqual(
      expect.objectContaining({ index: 0, title: expect.any(String), until: expect.any(String) }),
    );
    const fault = list.find((s: { id: string }) => s.id === 'fault-never-advance');
    expect(fault.fault).toEqual({ fault: 'never-advance', finding: expect.any(String) });
  });
});

describe('a guided scenario over HTTP', () => {
  it('starts on its own cluster, listed with its scenario', async () => {
    const app = await scenarioServer({ defaultCluster: { name: 'default' } });

    const state = await start(app);
    const clusters = (await app.inject({ method: 'GET', url: '/api/clusters' })).json().clusters;

    expect(state).toMatchObject({
      scenarioId: 'leader-election',
      cluster: 'scenario-leader-election',
      position: 0,
      done: false,
      handedOver: false,
      step: null,
      outcome: null,
      next: { index: 0 },
    });
    expect(state.snapshot.cluster).toBe('scenario-leader-election');
    expect(state.snapshot.nodes.length).toBeGreaterThan(0);
    const byName = Object.fromEntries(clusters.map((c: { name: string }) => [c.name, c]));
    expect(byName['scenario-leader-election']).toMatchObject({
      mode: 'simulated',
      scenario: { id: 'leader-election', title: state.title },
    });
    expect(byName.default.scenario).toBeNull();
  });

  it('steps forward and back, restarts, jumps, hands over, and says where it stands', async () => {
    const app = await scenarioServer();
    const { total } = await start(app);

    const one = await post(app, `${base}/forward`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({
      position: 1,
      step: { index: 0 },
      outcome: { passed: true },
    });
    const firstToSeq = one.json().outcome.toSeq;
    expect((await post(app, `${base}/forward`)).json().position).toBe(2);

    const back = await post(app, `${base}/back`);
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ position: 1, outcomes: [{ index: 0 }] });
    // The replay numbers every event as the first run did: nothing was slipped into its trace.
    expect(back.json().outcome.toSeq).toBe(firstToSeq);

    const got = await app.inject({ method: 'GET', url: base });
    expect(got.statusCode).toBe(200);
    expect(got.json().position).toBe(1);

    const end = await post(app, `${base}/goto`, { position: total });
    expect(end.json()).toMatchObject({ position: total, done: true, next: null });
    const atEnd = await post(app, `${base}/forward`);
    expect([atEnd.statusCode, atEnd.json().error.code]).toEqual([409, 'AtEnd']);
    const past = await post(app, `${base}/goto`, { position: total + 1 });
    expect([past.statusCode, past.json().error.code]).toEqual([409, 'AtEnd']);

    const restarted = await post(app, `${base}/restart`);
    expect(restarted.json()).toMatchObject({ position: 0, outcomes: [] });
    const atStart = await post(app, `${base}/back`);
    expect([atStart.statusCode, atStart.json().error.code]).toEqual([409, 'AtStart']);

    const free = await post(app, `${base}/handover`);
    expect(free.json()).toMatchObject({ handedOver: true, position: 0 });
    const handedOver = await post(app, `${base}/forward`);
    expect([handedOver.statusCode, handedOver.json().error.code]).toEqual([409, 'HandedOver']);
    const backToStory = await post(app, `${base}/goto`, { position: 1 });
    expect(backToStory.json()).toMatchObject({ handedOver: false, position: 1 });
  });

  it('refuses a second forward while one plays', async () => {
    const app = await scenarioServer();
    await start(app, 'leader-election', { paced: true });
    const slowly = await app.inject({
      method: 'PUT',
      url: '/api/clusters/scenario-leader-election/speed',
      payload: { factor: 5 },
    });
    expect(slowly.statusCode).toBe(200);

    const playing = post(app, `${base}/forward`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await post(app, `${base}/forward`);

    expect([second.statusCode, second.json().error.code]).toEqual([409, 'ScenarioBusy']);
    expect((await playing).json()).toMatchObject({ position: 1 });
  });

  it('answers 404 and 409 with their codes', async () => {
    const app = await scenarioServer({ defaultCluster: { name: 'default' } });

    const unknown = await post(app, '/api/scenarios/no-such-story/start', {});
    const plain = await app.inject({ method: 'GET', url: '/api/clusters/default/scenario' });
    const nowhere = await post(app, '/api/clusters/nope/scenario/forward');
    const taken = await post(app, '/api/scenarios/leader-election/start', { cluster: 'default' });
    const badGoto = await post(app, '/api/clusters/default/scenario/goto', { position: -1 });

    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'UnknownScenario']);
    expect([plain.statusCode, plain.json().error.code]).toEqual([404, 'NotAScenario']);
    expect([nowhere.statusCode, nowhere.json().error.code]).toEqual([404, 'UnknownCluster']);
    expect([taken.statusCode, taken.json().error.code]).toEqual([409, 'ClusterExists']);
    expect([badGoto.statusCode, badGoto.json().error.code]).toEqual([400, 'InvalidRequest']);
  });

  it('closes the run with its cluster', async () => {
    const app = await scenarioServer();
    await start(app);

    const deleted = await app.inject({
      method: 'DELETE',
      url: '/api/clusters/scenario-leader-election',
    });
    const after = await post(app, `${base}/forward`);
    const again = await start(app);

    expect(deleted.statusCode).toBe(204);
    expect([after.statusCode, after.json().error.code]).toEqual([404, 'UnknownCluster']);
    expect(again.position).toBe(0);
  });

  it('accepts an empty JSON body on calls that take none, and a start without a body', async () => {
    const app = await scenarioServer();
    const started = await app.inject({
      method: 'POST',
      url: '/api/scenarios/leader-election/start',
      headers: json,
      payload: '',
    });
    expect(started.statusCode).toBe(201);
    const bare = await post(app, '/api/scenarios/leader-election/start');
    expect(bare.statusCode).toBe(201);
    expect(bare.json().position).toBe(0);
    await app.inject({
      method: 'PUT',
      url: '/api/clusters/scenario-leader-election/speed',
      payload: { factor: 100 },
    });

    const forward = await app.inject({
      method: 'POST',
      url: `${base}/forward`,
      headers: json,
      payload: '',
    });
    const pause = await app.inject({
      method: 'POST',
      url: '/api/clusters/scenario-leader-election/pause',
      headers: json,
      payload: '',
    });
    const gotoEmpty = await app.inject({
      method: 'POST',
      url: `${base}/goto`,
      headers: json,
      payload: '',
    });

    expect(forward.statusCode).toBe(200);
    expect(pause.statusCode).toBe(200);
    expect([gotoEmpty.statusCode, gotoEmpty.json().error.code]).toEqual([400, 'InvalidJson']);
  });

  it('starting a scenario again on its cluster replaces the run', async () => {
    const app = await scenarioServer();
    await start(app);
    await post(app, `${base}/forward`);

    const again = await start(app);
    const clusters = (await app.inject({ method: 'GET', url: '/api/clusters' })).json().clusters;

    expect(again.position).toBe(0);
    expect(clusters).toHaveLength(1);
    expect((await post(app, `${base}/forward`)).json().position).toBe(1);
  });
});

describe('the recorded trace of a scenario cluster', () => {
  it('is the current run only, from its first event', async () => {
    const app = await scenarioServer();
    await start(app);
    await post(app, `${base}/goto`, { position: 3 });
    const back = (await post(app, `${base}/back`)).json();

    const res = await app.inject({
      method: 'GET',
      url: '/api/clusters/scenario-leader-election/trace',
    });

    expect(res.statusCode).toBe(200);
    const parsed = parseTrace(res.body);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const seqs = parsed.trace.events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(seqs.at(-1)).toBe(back.outcome.toSeq);
  });
});

describe('the stream of a scenario cluster', () => {
  it('sends reset when the scenario goes back, then the new run from its start', async () => {
    const app = await scenarioServer();
    const url = await listen(app);
    await start(app);
    const viewer = await openViewer(
      `${url.replace('http', 'ws')}/api/clusters/scenario-leader-election/stream`,
    );
    await viewer.waitFor((m) => m.type === 'hello');
    await post(app, `${base}/forward`);
    await post(app, `${base}/forward`);
    const three = (await post(app, `${base}/forward`)).json();
    await viewer.waitFor(
      (m) => m.type === 'events' && m.events.some((e) => e.seq === three.outcome.toSeq),
    );

    const back = (await post(app, `${base}/back`)).json();
    const reset = (await viewer.waitFor((m) => m.type === 'reset')) as Extract<
      StreamMessage,
      { type: 'reset' }
    >;
    const toSeq = back.outcome.toSeq as number;
    const resetAt = viewer.messages.indexOf(reset);
    await viewer.waitFor(
      (m) =>
        viewer.messages.indexOf(m) > resetAt &&
        m.type === 'events' &&
        m.events.some((e) => e.seq === toSeq),
    );

    expect(reset.reason).toBe('scenario-back');
    expect(reset.snapshot.cluster).toBe('scenario-leader-election');
    // The new cluster's trace starts again: its snapshot is taken right after it started.
    expect(reset.snapshot.seq).toBeLessThan(back.outcomes[0].fromSeq);
    expect(toSeq).toBeGreaterThan(reset.snapshot.seq);
    expect(toSeq).toBeLessThan(three.outcome.toSeq);
    const after = viewer.messages.slice(resetAt + 1);
    const seqs = after.flatMap((m) =>
      m.type === 'events' ? m.events.map((e: TraceEvent) => e.seq) : [],
    );
    expect(seqs[0]).toBe(reset.snapshot.seq + 1);
    expect(seqs).toEqual(seqs.map((_, i) => reset.snapshot.seq + 1 + i));
    expect(seqs).toContain(toSeq);
    await viewer.close();
  });
});
