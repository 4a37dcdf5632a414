import { describe, expect, it } from 'vitest';
import { realServer, waitForLeader } from './support/server.ts';

describe('kv', () => {
  it('answers a write once its entry is applied, and reads it back', async () => {
    const app = await realServer();
    const leader = await waitForLeader(app, 'default');

    const put = await app.inject({
      method: 'PUT',
      url: '/api/clusters/default/kv/colour',
      payload: { value: 'blue' },
    });
    const snapshot = (await app.inject({ method: 'GET', url: '/api/clusters/default' })).json();
    const get = await app.inject({ method: 'GET', url: '/api/clusters/default/kv/colour' });

    expect(put.statusCode).toBe(200);
    const written = put.json();
    expect(written).toMatchObject({ key: 'colour', value: 'blue', leader });
    expect(written.index).toBeGreaterThan(1);
    expect(written.term).toBeGreaterThan(0);
    expect(written.latencyMs).toBeGreaterThanOrEqual(0);
    const proposer = snapshot.nodes.find((n: { id: number }) => n.id === written.leader);
    expect(proposer.groups[0].applied).toBeGreaterThanOrEqual(written.index);
    expect(get.statusCode).toBe(200);
    expect(get.json()).toMatchObject({ key: 'colour', value: 'blue' });
    expect(get.json().readIndex).toBeGreaterThanOrEqual(written.index);
  });

  it('writes and reads through a follower, which forwards to the leader', async () => {
    const app = await realServer();
    const leader = await waitForLeader(app, 'default');
    const follower = leader === 1 ? 2 : 1;

    const put = await app.inject({
      method: 'PUT',
      url: `/api/clusters/default/kv/k?via=${follower}`,
      payload: { value: 'v' },
    });
    const get = await app.inject({
      method: 'GET',
      url: `/api/clusters/default/kv/k?via=${follower}`,
    });

    expect(put.statusCode).toBe(200);
    expect(get.json()).toMatchObject({ value: 'v', node: follower });
  });

  it('answers a key that was never written with KeyNotFound', async () => {
    const app = await realServer();

    const res = await app.inject({ method: 'GET', url: '/api/clusters/default/kv/absent' });

    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('KeyNotFound');
  });

  it('times out a write that cannot commit', async () => {
    const app = await realServer();
    const leader = await waitForLeader(app, 'default');
    for (const node of [1, 2, 3].filter((n) => n !== leader)) {
      await app.inject({ method: 'POST', url: `/api/clusters/default/nodes/${node}/crash` });
    }

    const res = await app.inject({
      method: 'PUT',
      url: `/api/clusters/default/kv/k?timeoutMs=300&via=${leader}`,
      payload: { value: 'v' },
    });

    expect(res.statusCode).toBeGreaterThanOrEqual(500);
    expect(['Timeout', 'NoLeader', 'ProposalDropped']).toContain(res.json().error.code);
  });
});
