import { describe, expect, it } from 'vitest';
import { fakeServer, realServer, waitForLeader } from './support/server.ts';

describe('GET /api/health', () => {
  it('answers ok with the number of clusters', async () => {
    const app = await realServer();

    const res = await app.inject({ method: 'GET', url: '/api/health' });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', clusters: 1 });
  });
});

describe('clusters', () => {
  it('starts the default cluster with the server', async () => {
    const app = await realServer();

    const res = await app.inject({ method: 'GET', url: '/api/clusters' });

    expect(res.statusCode).toBe(200);
    expect(res.json().clusters).toEqual([
      expect.objectContaining({ name: 'default', nodes: 3, mode: 'live', storage: 'memory' }),
    ]);
    expect(res.json().clusters[0].leader).toBeGreaterThan(0);
  });

  it('answers a snapshot: each node, role, term, log, ConfState, leader progress', async () => {
    const app = await realServer();

    const res = await app.inject({ method: 'GET', url: '/api/clusters/default' });

    expect(res.statusCode).toBe(200);
    const snapshot = res.json();
    expect(snapshot).toMatchObject({
      cluster: 'default',
      mode: 'live',
      paused: false,
      groups: [1],
    });
    expect(snapshot.nodes.map((n: { id: number }) => n.id)).toEqual([1, 2, 3]);
    for (const node of snapshot.nodes) {
      expect(node.status).toBe('running');
      expect(node.address).toMatch(/^ws:\/\/127\.0\.0\.1:\d+/);
      const group = node.groups[0];
      expect(group).toMatchObject({ group: 1, confState: { voters: [1, 2, 3], learners: [] } });
      for (const field of ['term', 'vote', 'lead', 'commit', 'applied', 'persisted']) {
        expect(typeof group[field]).toBe('number');
      }
      expect(group.log).toMatchObject({ firstIndex: 1, lastIndex: expect.any(Number) });
    }
    const leaders = snapshot.nodes.filter(
      (n: { groups: Array<{ role: string }> }) => n.groups[0]?.role === 'StateLeader',
    );
    expect(leaders).toHaveLength(1);
    expect(leaders[0].groups[0].log.lastIndex).toBeGreaterThanOrEqual(1);
    expect(Object.keys(leaders[0].groups[0].progress).sort()).toEqual(['1', '2', '3']);
    expect(leaders[0].groups[0].progress['1']).toMatchObject({
      state: expect.stringMatching(/^State(Probe|Replicate|Snapshot)$/),
      match: expect.any(Number),
      next: expect.any(Number),
    });
  });

  it('creates a cluster from a description, and it elects a leader', async () => {
    const app = await realServer();

    const res = await app.inject({
      method: 'POST',
      url: '/api/clusters',
      payload: { name: 'class-1', size: 1, core: { preVote: false } },
    });

    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ name: 'class-1', nodes: 1, mode: 'live' });
    expect(await waitForLeader(app, 'class-1')).toBe(1);
  });

  it('creates a simulated cluster that reports its seed and elects a leader', async () => {
    const app = await realServer();

    const res = await app.inject({
      method: 'POST',
      url: '/api/clusters',
      payload: { name: 'sim', size: 3, mode: 'simulated', seed: 7 },
    });
    await waitForLeader(app, 'sim');
    const snapshot = (await app.inject({ method: 'GET', url: '/api/clusters/sim' })).json();

    expect(res.statusCode).toBe(201);
    expect(snapshot).toMatchObject({ cluster: 'sim', mode: 'simulated', seed: 7 });
  });

  it('deletes a cluster', async () => {
    const app = await realServer();

    const res = await app.inject({ method: 'DELETE', url: '/api/clusters/default' });
    const after = await app.inject({ method: 'GET', url: '/api/clusters/default' });

    expect(res.statusCode).toBe(204);
    expect(after.statusCode).toBe(404);
    expect(after.json().error.code).toBe('UnknownCluster');
  });

  it('passes a description to the runtime with defaults filled in', async () => {
    const { app, made } = await fakeServer({ clusterDefaults: { tickMs: 7 } });

    const res = await app.inject({
      method: 'POST',
      url: '/api/clusters',
      payload: {
        name: 'class-2',
        size: 3,
        mode: 'simulated',
        seed: 42,
        core: { preVote: false, electionTick: 20 },
        faults: { '2': ['never-advance'] },
      },
    });

    expect(res.statusCode).toBe(201);
    const options = made.get('class-2')?.options;
    expect(options).toMatchObject({
      size: 3,
      groups: 1,
      mode: 'simulated',
      seed: 42,
      storage: 'memory',
      tickMs: 7,
      faults: { 2: ['never-advance'] },
    });
    expect(options?.core).toMatchObject({ preVote: false, checkQuorum: true, electionTick: 20 });
  });

  it('keeps durable data of a cluster in a folder named after it', async () => {
    const { app, made } = await fakeServer({ clusterDefaults: { dataDir: '/tmp/rl-data' } });

    await app.inject({
      method: 'POST',
      url: '/api/clusters',
      payload: { name: 'keep', storage: 'durable' },
    });

    expect(made.get('keep')?.options.dataDir).toBe('/tmp/rl-data/keep');
  });

  it.each([
    ['a name with a slash', { name: '../etc' }, 'InvalidRequest'],
    ['too many nodes', { name: 'big', size: 16 }, 'InvalidRequest'],
    ['an unknown fault', { name: 'f', faults: { '1': ['typo'] } }, 'InvalidRequest'],
    [
      'a fault on a missing node',
      { name: 'f', size: 3, faults: { '4': ['double-tick'] } },
      'UnknownNode',
    ],
    [
      'heartbeat not below election',
      { name: 'h', core: { electionTick: 2, heartbeatTick: 2 } },
      'InvalidRequest',
    ],
    ['an unknown field', { name: 'x', colour: 'red' }, 'InvalidRequest'],
    ['an existing name', { name: 'default' }, 'ClusterExists'],
  ])('refuses %s', async (_what, payload, code) => {
    const { app } = await fakeServer();

    const res = await app.inject({ method: 'POST', url: '/api/clusters', payload });

    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.json().error.code).toBe(code);
  });

  it('refuses a cluster beyond the limit with TooManyClusters', async () => {
    const { app } = await fakeServer({ clustersMax: 2 });
    await app.inject({ method: 'POST', url: '/api/clusters', payload: { name: 'two' } });

    const res = await app.inject({
      method: 'POST',
      url: '/api/clusters',
      payload: { name: 'three' },
    });

    expect(res.statusCode).toBe(429);
    expect(res.json().error.code).toBe('TooManyClusters');
  });
});

describe('GET /api/clusters/{cluster}/diagnosis', () => {
  it('says the cluster is paused', async () => {
    const app = await realServer();
    await app.inject({ method: 'POST', url: '/api/clusters/default/pause' });

    const res = await app.inject({ method: 'GET', url: '/api/clusters/default/diagnosis' });

    expect(res.statusCode).toBe(200);
    expect(res.json().events).toBeGreaterThan(0);
    expect(res.json().findings).toContainEqual(
      expect.objectContaining({ code: 'ClusterPaused', severity: 'info' }),
    );
  });

  it('explains a stuck write by the crashed voters', async () => {
    const app = await realServer();
    const leader = await waitForLeader(app, 'default');
    const followers = [1, 2, 3].filter((n) => n !== leader);
    for (const node of followers) {
      await app.inject({ method: 'POST', url: `/api/clusters/default/nodes/${node}/crash` });
    }
    await app.inject({
      method: 'PUT',
      url: `/api/clusters/default/kv/stuck?timeoutMs=200&via=${leader}`,
      payload: { value: 'v' },
    });

    const res = await app.inject({ method: 'GET', url: '/api/clusters/default/diagnosis' });

    const down = res.json().findings.filter((f: { code: string }) => f.code === 'NodeDown');
    expect(down.flatMap((f: { nodes: number[] }) => f.nodes).sort()).toEqual(followers);
  });
});
