import { describe, expect, it } from 'vitest';
import { fakeServer } from './support/server.ts';

describe('GET /api/health', () => {
  it('answers ok with the number of clusters', async () => {
    const { app } = await fakeServer();

    const res = await app.inject({ method: 'GET', url: '/api/health' });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', clusters: 1 });
  });
});

describe('clusters', () => {
  it('starts the default cluster with the server', async () => {
    const { app } = await fakeServer();

    const res = await app.inject({ method: 'GET', url: '/api/clusters' });

    expect(res.statusCode).toBe(200);
    expect(res.json().clusters).toEqual([
      expect.objectContaining({ name: 'default', nodes: 5, mode: 'live', leader: 1, term: 2 }),
    ]);
  });

  it('creates a cluster from a description, filling in defaults', async () => {
    const { app, made } = await fakeServer({ clusterDefaults: { tickMs: 7 } });

    const res = await app.inject({
      method: 'POST',
      url: '/api/clusters',
      payload: {
        name: 'class-1',
        size: 3,
        mode: 'simulated',
        seed: 42,
        core: { preVote: false, electionTick: 20 },
        faults: { '2': ['never-advance'] },
      },
    });

    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ name: 'class-1', nodes: 3, mode: 'simulated', seed: 42 });
    const options = made.get('class-1')?.options;
    expect(options).toMatchObject({
      size: 3,
      groups: 1,
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

  it('deletes a cluster, closing it', async () => {
    const { app, made } = await fakeServer();

    const res = await app.inject({ method: 'DELETE', url: '/api/clusters/default' });
    const after = await app.inject({ method: 'GET', url: '/api/clusters/default' });

    expect(res.statusCode).toBe(204);
    expect(after.json().error.code).toBe('UnknownCluster');
    await expect(made.get('default')?.get('k')).rejects.toMatchObject({ code: 'ClusterClosed' });
  });

  it('answers a snapshot with every node, its role, term, log and the leader progress', async () => {
    const { app } = await fakeServer();

    const res = await app.inject({ method: 'GET', url: '/api/clusters/default' });

    expect(res.statusCode).toBe(200);
    const snapshot = res.json();
    expect(snapshot).toMatchObject({ cluster: 'default', paused: false, speed: 1, groups: [1] });
    expect(snapshot.nodes).toHaveLength(5);
    expect(snapshot.nodes[0].groups[0]).toMatchObject({
      group: 1,
      role: 'StateLeader',
      term: 2,
      lead: 1,
      confState: { voters: [1, 2, 3, 4, 5], learners: [] },
      log: { firstIndex: 1 },
    });
  });

  it('answers diagnosis with NotImplemented until diagnostics exist', async () => {
    const { app } = await fakeServer();

    const res = await app.inject({ method: 'GET', url: '/api/clusters/default/diagnosis' });

    expect(res.statusCode).toBe(501);
    expect(res.json().error.code).toBe('NotImplemented');
  });
});

describe('kv', () => {
  it('answers a write once applied, with its index, and reads it back', async () => {
    const { app } = await fakeServer();

    const put = await app.inject({
      method: 'PUT',
      url: '/api/clusters/default/kv/colour',
      payload: { value: 'blue' },
    });
    const get = await app.inject({ method: 'GET', url: '/api/clusters/default/kv/colour' });

    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ key: 'colour', value: 'blue', term: 2, leader: 1 });
    expect(put.json().index).toBeGreaterThan(1);
    expect(get.statusCode).toBe(200);
    expect(get.json()).toMatchObject({ key: 'colour', value: 'blue' });
  });

  it('answers a missing key with KeyNotFound', async () => {
    const { app } = await fakeServer();

    const res = await app.inject({ method: 'GET', url: '/api/clusters/default/kv/absent' });

    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('KeyNotFound');
  });
});

describe('malformed calls answer 4xx with a code', () => {
  it.each([
    [
      'bad JSON',
      {
        method: 'PUT',
        url: '/api/clusters/default/kv/k',
        headers: { 'content-type': 'application/json' },
        payload: '{"value": ',
      },
      400,
      'InvalidJson',
    ],
    [
      'an empty JSON body',
      {
        method: 'PUT',
        url: '/api/clusters/default/kv/k',
        headers: { 'content-type': 'application/json' },
        payload: '',
      },
      400,
      'InvalidJson',
    ],
    [
      'a missing value',
      { method: 'PUT', url: '/api/clusters/default/kv/k', payload: {} },
      400,
      'InvalidRequest',
    ],
    [
      'a value that is not a string',
      { method: 'PUT', url: '/api/clusters/default/kv/k', payload: { value: 5 } },
      400,
      'InvalidRequest',
    ],
    [
      'a body that is not JSON',
      {
        method: 'PUT',
        url: '/api/clusters/default/kv/k',
        headers: { 'content-type': 'text/plain' },
        payload: 'value=1',
      },
      415,
      'UnsupportedMediaType',
    ],
    ['an unknown cluster', { method: 'GET', url: '/api/clusters/nope' }, 404, 'UnknownCluster'],
    [
      'an unknown cluster for a write',
      { method: 'PUT', url: '/api/clusters/nope/kv/k', payload: { value: 'v' } },
      404,
      'UnknownCluster',
    ],
    ['a bad cluster name', { method: 'GET', url: '/api/clusters/NOPE!' }, 400, 'InvalidRequest'],
    [
      'an unknown node',
      { method: 'POST', url: '/api/clusters/default/nodes/9/crash' },
      404,
      'UnknownNode',
    ],
    [
      'a node id that is not a number',
      { method: 'POST', url: '/api/clusters/default/nodes/two/crash' },
      400,
      'InvalidRequest',
    ],
    [
      'a link rule with a rate above 1',
      { method: 'PUT', url: '/api/clusters/default/links/1/2', payload: { dropRate: 2 } },
      400,
      'InvalidLinkRule',
    ],
    [
      'a link rule with an unknown field',
      { method: 'PUT', url: '/api/clusters/default/links/1/2', payload: { drop: true } },
      400,
      'InvalidLinkRule',
    ],
    [
      'a link rule from a node to itself',
      { method: 'PUT', url: '/api/clusters/default/links/2/2', payload: { hold: true } },
      400,
      'InvalidLinkRule',
    ],
    [
      'a link rule to an unknown node',
      { method: 'PUT', url: '/api/clusters/default/links/1/7', payload: { hold: true } },
      404,
      'UnknownNode',
    ],
    [
      'a partition naming a node twice',
      {
        method: 'POST',
        url: '/api/clusters/default/partition',
        payload: {
          groups: [
            [1, 2],
            [2, 3],
          ],
        },
      },
      400,
      'InvalidPartition',
    ],
    [
      'a partition that is not a list of lists',
      { method: 'POST', url: '/api/clusters/default/partition', payload: { groups: [1, 2] } },
      400,
      'InvalidPartition',
    ],
    [
      'a step while running',
      { method: 'POST', url: '/api/clusters/default/step', payload: { what: 'tick' } },
      409,
      'NotPaused',
    ],
    [
      'a step of an unknown kind',
      { method: 'POST', url: '/api/clusters/default/step', payload: { what: 'leap' } },
      400,
      'InvalidRequest',
    ],
    [
      'a speed of zero',
      { method: 'PUT', url: '/api/clusters/default/speed', payload: { factor: 0 } },
      400,
      'InvalidRequest',
    ],
    [
      'releasing an unknown message',
      { method: 'POST', url: '/api/clusters/default/held/m-x/release' },
      404,
      'UnknownMessage',
    ],
    [
      'restarting a running node',
      { method: 'POST', url: '/api/clusters/default/nodes/2/restart' },
      409,
      'NodeRunning',
    ],
    [
      'an unknown route',
      { method: 'POST', url: '/api/clusters/default/explode' },
      404,
      'RouteNotFound',
    ],
    [
      'an unknown GET under /api',
      { method: 'GET', url: '/api/nothing-here' },
      404,
      'RouteNotFound',
    ],
    [
      'a malformed URL encoding',
      { method: 'GET', url: '/api/clusters/default/kv/%E0%A4%A' },
      400,
      'InvalidRequest',
    ],
  ] as const)('%s', async (_what, request, status, code) => {
    const { app } = await fakeServer();

    const res = await app.inject(request as never);

    expect(res.statusCode).toBe(status);
    expect(res.json().error).toMatchObject({ code, message: expect.any(String) });
  });

  it('says when to retry a transient failure', async () => {
    const { app, made } = await fakeServer();
    const cluster = made.get('default');
    if (cluster === undefined) throw new Error('no default cluster');
    cluster.put = async () => {
      const { FakeClusterError } = await import('./support/fake-cluster.ts');
      throw new FakeClusterError('ProposalDropped', 'no leader to take it');
    };

    const res = await app.inject({
      method: 'PUT',
      url: '/api/clusters/default/kv/k',
      payload: { value: 'v' },
    });

    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json().error.code).toBe('ProposalDropped');
  });

  it('hides the detail of an unexpected failure behind InternalError', async () => {
    const { app, made } = await fakeServer();
    const cluster = made.get('default');
    if (cluster === undefined) throw new Error('no default cluster');
    cluster.snapshot = () => {
      throw new TypeError('secret internals');
    };

    const res = await app.inject({ method: 'GET', url: '/api/clusters/default' });

    expect(res.statusCode).toBe(500);
    expect(res.json().error.code).toBe('InternalError');
    expect(res.body).not.toContain('secret internals');
  });
});

describe('control', () => {
  it('pauses, steps and resumes', async () => {
    const { app } = await fakeServer();

    const paused = await app.inject({ method: 'POST', url: '/api/clusters/default/pause' });
    const step = await app.inject({
      method: 'POST',
      url: '/api/clusters/default/step',
      payload: { what: 'message' },
    });
    const resumed = await app.inject({ method: 'POST', url: '/api/clusters/default/resume' });

    expect(paused.json()).toEqual({ paused: true });
    expect(step.json()).toEqual({ did: 'message' });
    expect(resumed.json()).toEqual({ paused: false });
  });

  it('sets and clears a link rule, which the snapshot then shows', async () => {
    const { app } = await fakeServer();

    const set = await app.inject({
      method: 'PUT',
      url: '/api/clusters/default/links/1/2',
      payload: { delayMs: 100, jitterMs: 20, types: ['MsgApp'] },
    });
    const shown = (await app.inject({ method: 'GET', url: '/api/clusters/default' })).json().links;
    const cleared = await app.inject({ method: 'DELETE', url: '/api/clusters/default/links/1/2' });

    expect(set.statusCode).toBe(200);
    expect(shown).toEqual([
      { from: 1, to: 2, rule: { delayMs: 100, jitterMs: 20, types: ['MsgApp'] } },
    ]);
    expect(cleared.statusCode).toBe(204);
    expect(cleared.body).toBe('');
  });

  it('partitions and heals', async () => {
    const { app } = await fakeServer();

    const split = await app.inject({
      method: 'POST',
      url: '/api/clusters/default/partition',
      payload: {
        groups: [
          [1, 2],
          [3, 4, 5],
        ],
      },
    });
    const healed = await app.inject({ method: 'POST', url: '/api/clusters/default/heal' });

    expect(split.json()).toEqual({
      partitions: [
        [1, 2],
        [3, 4, 5],
      ],
    });
    expect(healed.json()).toEqual({ partitions: [] });
  });

  it('lists and drops held messages', async () => {
    const { app } = await fakeServer();

    const listed = await app.inject({ method: 'GET', url: '/api/clusters/default/held' });
    const dropped = await app.inject({
      method: 'POST',
      url: '/api/clusters/default/held/m-held-1/drop',
    });
    const after = await app.inject({ method: 'GET', url: '/api/clusters/default/held' });

    expect(listed.json().held).toEqual([
      expect.objectContaining({ msgId: 'm-held-1', type: 'MsgApp' }),
    ]);
    expect(dropped.statusCode).toBe(204);
    expect(after.json().held).toEqual([]);
  });

  it('crashes and restarts a node', async () => {
    const { app } = await fakeServer();

    const crash = await app.inject({ method: 'POST', url: '/api/clusters/default/nodes/3/crash' });
    const again = await app.inject({ method: 'POST', url: '/api/clusters/default/nodes/3/crash' });
    const restart = await app.inject({
      method: 'POST',
      url: '/api/clusters/default/nodes/3/restart',
    });

    expect(crash.statusCode).toBe(204);
    expect(again.json().error.code).toBe('NodeCrashed');
    expect(restart.statusCode).toBe(204);
  });

  it('adds a learner, promotes it, and removes it', async () => {
    const { app } = await fakeServer();

    const added = await app.inject({
      method: 'POST',
      url: '/api/clusters/default/nodes',
      payload: { learner: true },
    });
    const promoted = await app.inject({
      method: 'POST',
      url: '/api/clusters/default/nodes/6/promote',
    });
    const removed = await app.inject({ method: 'DELETE', url: '/api/clusters/default/nodes/6' });

    expect(added.statusCode).toBe(201);
    expect(added.json()).toEqual({ node: 6 });
    expect(promoted.statusCode).toBe(204);
    expect(removed.statusCode).toBe(204);
  });

  it('transfers leadership, compacts and sets the speed', async () => {
    const { app } = await fakeServer();

    const transfer = await app.inject({
      method: 'POST',
      url: '/api/clusters/default/transfer-leader',
      payload: { to: 2 },
    });
    const compact = await app.inject({
      method: 'POST',
      url: '/api/clusters/default/nodes/1/compact?group=1',
    });
    const speed = await app.inject({
      method: 'PUT',
      url: '/api/clusters/default/speed',
      payload: { factor: 0.25 },
    });

    expect(transfer.statusCode).toBe(204);
    expect(compact.json()).toEqual({ node: 1, group: 1, index: 1 });
    expect(speed.json()).toEqual({ speed: 0.25 });
  });
});
