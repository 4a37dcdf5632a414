import { afterEach, describe, expect, it } from 'vitest';
import type { RaftCluster } from '../src/cluster.ts';
import { createCluster, startNode } from '../src/create.ts';
import { waitUntil } from './helpers.ts';

const opened: RaftCluster[] = [];

afterEach(async () => {
  for (const c of opened.splice(0)) {
    const errors = c.internalErrors();
    await c.close();
    expect(errors).toEqual([]);
  }
});

describe('nodes in separate processes', () => {
  it('form one cluster: a node started alone joins the others, follows and serves writes', async () => {
    const common = { name: 'split', size: 3, tickMs: 10, secret: 'shared-secret' };
    const a = await createCluster({ ...common, localNodes: [1, 2] });
    opened.push(a);
    const peers = Object.fromEntries([1, 2].map((id) => [id, a.addresses.get(id) as string]));

    const b = await startNode({ ...common, id: 3, peers });
    opened.push(b);

    await waitUntil(() => a.leaderOf() !== null && b.leaderOf() === a.leaderOf(), 'one leader');
    expect(b.snapshot().nodes.map((n) => n.id)).toEqual([3]);
    expect(a.snapshot().nodes.map((n) => n.id)).toEqual([1, 2]);
    const write = await b.put('from', 'b');
    expect(write.leader).toBe(a.leaderOf());
    await waitUntil(() => new Map(a.localKv(1)).get('from') === 'b', 'the write to reach node 1');
    const read = await a.get('from', { via: 2 });
    expect(read.value).toBe('b');
  });

  it('refuses a peer list without local nodes, and nodes outside the cluster', async () => {
    await expect(
      createCluster({ name: 'bad', size: 3, peers: { 2: 'ws://127.0.0.1:1/raft' } }),
    ).rejects.toMatchObject({ code: 'InvalidRequest' });
    await expect(createCluster({ name: 'bad', size: 3, localNodes: [4] })).rejects.toMatchObject({
      code: 'InvalidRequest',
    });
  });
});
