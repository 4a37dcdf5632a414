import type { FindingEvent, StreamMessage, TraceEvent } from '@raftlens/trace';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { fakeServer, listen, realServer, waitForLeader } from './support/server.ts';
import { openViewer, type TestViewer } from './support/viewer-client.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function watch(app: FastifyInstance, cluster: string): Promise<TestViewer> {
  const url = await listen(app);
  const viewer = await openViewer(`${url.replace('http', 'ws')}/api/clusters/${cluster}/stream`);
  await viewer.waitFor((m) => m.type === 'hello');
  return viewer;
}

function findingsIn(messages: StreamMessage[]): FindingEvent[] {
  return messages
    .flatMap((m): TraceEvent[] => (m.type === 'events' ? m.events : []))
    .filter((e): e is FindingEvent => e.kind === 'finding');
}

const hasFinding = (match: (f: FindingEvent) => boolean) => (m: StreamMessage) =>
  m.type === 'events' && m.events.some((e) => e.kind === 'finding' && match(e));

describe('findings in the trace stream', () => {
  it('raises a fault of a live cluster as a finding, with its nodes', async () => {
    const app = await realServer();
    const created = await app.inject({
      method: 'POST',
      url: '/api/clusters',
      payload: {
        name: 'stuck',
        size: 3,
        tickMs: 10,
        faults: { 1: ['never-advance'], 2: ['never-advance'], 3: ['never-advance'] },
      },
    });
    expect(created.statusCode).toBe(201);
    const viewer = await watch(app, 'stuck');

    await viewer.waitFor(
      hasFinding((f) => f.name === 'FindingRaised' && f.code === 'ReadyNotAdvanced'),
      8_000,
    );

    const raised = findingsIn(viewer.messages).filter((f) => f.code === 'ReadyNotAdvanced');
    expect(raised[0]).toMatchObject({ node: 0, severity: 'error', summary: expect.any(String) });
    expect(raised[0]?.nodes?.length).toBeGreaterThan(0);
    // The same finding is in the diagnosis, which explains it further.
    const diagnosis = await app.inject({ method: 'GET', url: '/api/clusters/stuck/diagnosis' });
    expect(diagnosis.json().findings.map((f: { code: string }) => f.code)).toContain(
      'ReadyNotAdvanced',
    );

    // Paused, nothing changes: no more findings are recorded.
    await app.inject({ method: 'POST', url: '/api/clusters/stuck/pause' });
    await sleep(300);
    const before = findingsIn(viewer.messages).length;
    await sleep(2_500);
    expect(findingsIn(viewer.messages).length).toBe(before);
    await viewer.close();
  });

  it('raises a safety violation as a critical finding', async () => {
    const { app, made } = await fakeServer();
    const cluster = made.get('default');
    if (cluster === undefined) throw new Error('no default cluster');
    const viewer = await watch(app, 'default');
    const leaderOf = (node: number) => ({
      kind: 'state' as const,
      name: 'BecomeLeader' as const,
      wallMs: Date.now(),
      node,
      group: 1,
      tick: 5,
      term: 7,
      vote: node,
      commit: 0,
      role: 'StateLeader' as const,
      lastIndex: 0,
      conf: [[1, 2, 3], []] as [number[], number[]],
      learners: [],
    });
    cluster.emit(leaderOf(2));
    cluster.emit(leaderOf(3));

    await viewer.waitFor(
      hasFinding((f) => f.code === 'TwoLeadersInTerm'),
      3_000,
    );
    await sleep(1_200);

    const raised = findingsIn(viewer.messages).filter((f) => f.code === 'TwoLeadersInTerm');
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ name: 'FindingRaised', severity: 'critical' });
    expect([...(raised[0]?.nodes ?? [])].sort()).toEqual([2, 3]);
    await viewer.close();
  });

  it('records no finding for a healthy live cluster under writes', async () => {
    const app = await realServer();
    const viewer = await watch(app, 'default');

    for (let i = 0; i < 40; i++) {
      const put = await app.inject({
        method: 'PUT',
        url: `/api/clusters/default/kv/k${i % 5}`,
        payload: { value: `v${i}` },
      });
      expect(put.statusCode).toBe(200);
      await sleep(50);
    }
    await sleep(1_500);

    const events = viewer.messages.flatMap((m) => (m.type === 'events' ? m.events : []));
    expect(events.length).toBeGreaterThan(500);
    expect(findingsIn(viewer.messages)).toEqual([]);
    await viewer.close();
  });

  it('records none into a simulated cluster, whose trace must replay the same', async () => {
    const app = await realServer();
    const created = await app.inject({
      method: 'POST',
      url: '/api/clusters',
      payload: {
        name: 'sim',
        mode: 'simulated',
        size: 3,
        tickMs: 10,
        faults: { 1: ['never-advance'], 2: ['never-advance'], 3: ['never-advance'] },
      },
    });
    expect(created.statusCode).toBe(201);
    const viewer = await watch(app, 'sim');
    await sleep(3_000);

    const diagnosis = await app.inject({ method: 'GET', url: '/api/clusters/sim/diagnosis' });
    expect(diagnosis.json().findings.map((f: { code: string }) => f.code)).toContain(
      'ReadyNotAdvanced',
    );
    expect(findingsIn(viewer.messages)).toEqual([]);
    await viewer.close();
  });

  it('raises a finding when a quorum is lost, and clears it once it is back', async () => {
    const app = await realServer();
    const leader = await waitForLeader(app, 'default');
    const followers = [1, 2, 3].filter((n) => n !== leader);
    const viewer = await watch(app, 'default');

    for (const node of followers) {
      await app.inject({ method: 'POST', url: `/api/clusters/default/nodes/${node}/crash` });
    }
    const raised = (await viewer.waitFor(
      hasFinding((f) => f.name === 'FindingRaised'),
      8_000,
    )) as Extract<StreamMessage, { type: 'events' }>;
    const finding = raised.events.find(
      (e): e is FindingEvent => e.kind === 'finding' && e.name === 'FindingRaised',
    ) as FindingEvent;
    for (const node of followers) {
      await app.inject({ method: 'POST', url: `/api/clusters/default/nodes/${node}/restart` });
    }

    await viewer.waitFor(
      hasFinding(
        (f) =>
          f.name === 'FindingCleared' &&
          f.code === finding.code &&
          JSON.stringify(f.nodes) === JSON.stringify(finding.nodes),
      ),
      8_000,
    );
    expect(['warning', 'error', 'critical']).toContain(finding.severity);
    await viewer.close();
  });
});
