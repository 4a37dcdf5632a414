import { describe, expect, it } from 'vitest';
import { FakeClusterError } from './support/fake-cluster.ts';
import { fakeServer, listen, realServer } from './support/server.ts';

const kv = '/api/clusters/default/kv/k';
const json = { 'content-type': 'application/json' };

/** Malformed calls, each with the status and code it must be answered with. */
const MALFORMED = [
  [
    'bad JSON',
    { method: 'PUT', url: kv, headers: json, payload: '{"value": ' },
    400,
    'InvalidJson',
  ],
  [
    'an empty JSON body',
    { method: 'PUT', url: kv, headers: json, payload: '' },
    400,
    'InvalidJson',
  ],
  ['a missing value', { method: 'PUT', url: kv, payload: {} }, 400, 'InvalidRequest'],
  [
    'a value that is not a string',
    { method: 'PUT', url: kv, payload: { value: 5 } },
    400,
    'InvalidRequest',
  ],
  [
    'a body that is not JSON',
    { method: 'PUT', url: kv, headers: { 'content-type': 'text/plain' }, payload: 'value=1' },
    415,
    'UnsupportedMediaType',
  ],
  [
    'a value above the size limit',
    { method: 'PUT', url: kv, payload: { value: 'x'.repeat(64 * 1024 + 1) } },
    400,
    'InvalidRequest',
  ],
  [
    'a body above the server limit',
    { method: 'PUT', url: kv, payload: { value: 'x'.repeat(300 * 1024) } },
    413,
    'PayloadTooLarge',
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
  ['an unknown via node', { method: 'GET', url: `${kv}?via=9` }, 404, 'UnknownNode'],
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
    'transferring leadership to an unknown node',
    { method: 'POST', url: '/api/clusters/default/transfer-leader', payload: { to: 8 } },
    404,
    'UnknownNode',
  ],
  [
    'an unknown route',
    { method: 'POST', url: '/api/clusters/default/explode' },
    404,
    'RouteNotFound',
  ],
  ['an unknown GET under /api', { method: 'GET', url: '/api/nothing-here' }, 404, 'RouteNotFound'],
  ['a malformed URL encoding', { method: 'GET', url: `${kv}%E0%A4%A` }, 400, 'InvalidRequest'],
] as const;

describe('malformed calls answer 4xx with their code', () => {
  it('answers each with its status and code, and the server keeps serving', async () => {
    const app = await realServer();

    const answers = [];
    for (const [what, request] of MALFORMED) {
      const res = await app.inject(request as never);
      answers.push({ what, status: res.statusCode, code: res.json().error?.code });
    }
    const health = await app.inject({ method: 'GET', url: '/api/health' });

    expect(answers).toEqual(MALFORMED.map(([what, , status, code]) => ({ what, status, code })));
    expect(health.statusCode).toBe(200);
  });

  it('answers the same over a real HTTP connection', async () => {
    const app = await realServer();
    const base = await listen(app);

    const answers = [];
    for (const [what, request] of MALFORMED) {
      const r = request as {
        method: string;
        url: string;
        headers?: Record<string, string>;
        payload?: unknown;
      };
      const headers: Record<string, string> = { ...r.headers };
      let body: string | undefined;
      if (typeof r.payload === 'string') body = r.payload;
      else if (r.payload !== undefined) {
        body = JSON.stringify(r.payload);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${base}${r.url}`, { method: r.method, headers, body });
      const answer = (await res.json()) as { error?: { code?: string } };
      answers.push({ what, status: res.status, code: answer.error?.code });
    }
    const health = await fetch(`${base}/api/health`);

    expect(answers).toEqual(MALFORMED.map(([what, , status, code]) => ({ what, status, code })));
    expect(health.status).toBe(200);
  });

  it('gives every error a message', async () => {
    const app = await realServer();

    const res = await app.inject({ method: 'PUT', url: kv, payload: {} });

    expect(res.json()).toEqual({
      error: { code: 'InvalidRequest', message: expect.any(String), detail: { in: 'body' } },
    });
  });
});

describe('failures from the runtime', () => {
  it('says when to retry a transient failure', async () => {
    const { app, made } = await fakeServer();
    const cluster = made.get('default');
    if (cluster === undefined) throw new Error('no default cluster');
    cluster.put = async () => {
      throw new FakeClusterError('ProposalDropped', 'no leader to take it');
    };

    const res = await app.inject({ method: 'PUT', url: kv, payload: { value: 'v' } });

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
