import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../src/app.ts';
import { parseNodeArgs, type RunningNode, runNode } from '../src/cli/node.ts';
import { listen } from './support/server.ts';
import { openViewer, streamUrl } from './support/viewer-client.ts';

const running: RunningNode[] = [];
const dashboards: FastifyInstance[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((node) => node.stop()));
  await Promise.all(dashboards.splice(0).map((app) => app.close()));
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A dashboard with no cluster of its own, and three node processes (in this process) joined. */
async function federation(): Promise<{
  dashboard: FastifyInstance;
  base: string;
  lines: string[];
  peers: string;
}> {
  const dashboard = await buildServer({ defaultCluster: null });
  dashboards.push(dashboard);
  const base = await listen(dashboard);
  const ports = [await freePort(), await freePort(), await freePort()];
  const peers = ports.map((port, i) => `${i + 1}=ws://127.0.0.1:${port}`).join(',');
  const lines: string[] = [];
  for (const id of [1, 2, 3]) {
    const args = parseNodeArgs([
      ...['--id', String(id), '--peers', peers, '--dashboard', base, '--cluster', 'remote'],
      ...['--storage', 'memory', '--tick-ms', '10', '--log-level', 'silent'],
    ]);
    if (args === null) throw new Error('help');
    running.push(await runNode(args, (line) => lines.push(line)));
  }
  await until(dashboard, (s) => s.nodes.length === 3 && leaderOf(s) !== undefined);
  return { dashboard, base, lines, peers };
}

type Snapshot = {
  nodes: Array<{ id: number; status: string; groups: Array<{ role: string }> }>;
  held: Array<{ msgId: string }>;
};

function leaderOf(s: Snapshot): number | undefined {
  return s.nodes.find((n) => n.groups[0]?.role === 'StateLeader')?.id;
}

async function until(
  app: FastifyInstance,
  check: (s: Snapshot) => boolean,
  timeoutMs = 10_000,
): Promise<Snapshot> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await app.inject({ method: 'GET', url: '/api/clusters/remote' });
    if (res.statusCode === 200 && check(res.json())) return res.json();
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  throw new Error('condition not reached');
}

describe('nodes in their own processes, joined to a dashboard', () => {
  it('show up as one cluster that elects a leader, writes and reads', async () => {
    const { dashboard, lines } = await federation();

    const members = await dashboard.inject({ method: 'GET', url: '/api/clusters/remote/members' });
    const put = await dashboard.inject({
      method: 'PUT',
      url: '/api/clusters/remote/kv/colour',
      payload: { value: 'green' },
    });
    const get = await dashboard.inject({ method: 'GET', url: '/api/clusters/remote/kv/colour' });
    const missing = await dashboard.inject({ method: 'GET', url: '/api/clusters/remote/kv/nope' });

    expect(members.json().members.map((m: { node: number }) => m.node)).toEqual([1, 2, 3]);
    expect(lines.filter((l) => l.includes('joined the dashboard'))).toHaveLength(3);
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ key: 'colour', value: 'green' });
    expect(get.json()).toMatchObject({ value: 'green' });
    expect(missing.json().error.code).toBe('KeyNotFound');
  });

  it('stream every node to the dashboard viewers in one sequence', async () => {
    const { dashboard, base } = await federation();
    const viewer = await openViewer(streamUrl(base, 'remote'));
    await viewer.waitFor((m) => m.type === 'hello');

    await dashboard.inject({
      method: 'PUT',
      url: '/api/clusters/remote/kv/a',
      payload: { value: '1' },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));

    const events = viewer.messages.flatMap((m) => (m.type === 'events' ? m.events : []));
    const seqs = events.map((e) => e.seq);
    expect(new Set(events.map((e) => e.node))).toEqual(new Set([1, 2, 3]));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    await viewer.close();
  });

  it('are controlled through the dashboard: link rules, held messages, crash and restart', async () => {
    const { dashboard } = await federation();
    const before = await until(dashboard, () => true);
    const leader = leaderOf(before) as number;
    const follower = leader === 1 ? 2 : 1;

    const hold = await dashboard.inject({
      method: 'PUT',
      url: `/api/clusters/remote/links/${leader}/${follower}`,
      payload: { hold: true },
    });
    const withHeld = await until(dashboard, (s) => s.held.length > 0);
    const release = await dashboard.inject({
      method: 'POST',
      url: `/api/clusters/remote/held/${withHeld.held[0]?.msgId}/release`,
    });
    await dashboard.inject({
      method: 'DELETE',
      url: `/api/clusters/remote/links/${leader}/${follower}`,
    });
    const crash = await dashboard.inject({
      method: 'POST',
      url: `/api/clusters/remote/nodes/${follower}/crash`,
    });
    const down = await until(
      dashboard,
      (s) => s.nodes.find((n) => n.id === follower)?.status === 'crashed',
    );
    const restart = await dashboard.inject({
      method: 'POST',
      url: `/api/clusters/remote/nodes/${follower}/restart`,
    });
    const unknown = await dashboard.inject({
      method: 'POST',
      url: '/api/clusters/remote/nodes/9/crash',
    });

    expect(hold.statusCode).toBe(200);
    expect(release.statusCode).toBe(204);
    expect(crash.statusCode).toBe(204);
    expect(down.nodes).toHaveLength(3);
    expect(restart.statusCode).toBe(204);
    expect(unknown.json().error.code).toBe('UnknownNode');
  });

  it('pauses a node process that joins while the cluster is paused, and resumes it with the rest', async () => {
    const { dashboard, base, peers: peerList } = await federation();
    const paused = await dashboard.inject({ method: 'POST', url: '/api/clusters/remote/pause' });
    const gone = running.pop() as RunningNode;
    await gone.stop();

    // The same founding node, started again while the cluster is paused.
    const again = await runNode(
      parseNodeArgs([
        ...['--id', '3', '--peers', peerList, '--dashboard', base, '--cluster', 'remote'],
        ...['--storage', 'memory', '--tick-ms', '10', '--log-level', 'silent'],
      ]) as NonNullable<ReturnType<typeof parseNodeArgs>>,
      () => {},
    );
    running.push(again);
    const own = async () => {
      const res = await again.app.inject({ method: 'GET', url: '/api/clusters/remote' });
      return res.json() as { paused: boolean; nodes: Array<{ id: number; tick: number }> };
    };
    const deadline = Date.now() + 10_000;
    while (!(await own()).paused) {
      if (Date.now() > deadline) throw new Error('the rejoined node was never paused');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const first = await own();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const later = await own();
    await dashboard.inject({ method: 'POST', url: '/api/clusters/remote/resume' });
    const resumed = await own();
    const members = (await dashboard.inject({ method: 'GET', url: '/api/clusters/remote/members' }))
      .json()
      .members.map((m: { node: number }) => m.node);

    expect(paused.statusCode).toBe(200);
    expect(members).toEqual([1, 2, 3]);
    expect(later.nodes.find((n) => n.id === 3)?.tick).toBe(
      first.nodes.find((n) => n.id === 3)?.tick,
    );
    expect(resumed.paused).toBe(false);
  });

  it('refuses a node joining a cluster that runs inside the dashboard', async () => {
    const dashboard = await buildServer({ defaultCluster: { name: 'local', size: 1 } });
    dashboards.push(dashboard);

    const res = await dashboard.inject({
      method: 'POST',
      url: '/api/clusters/local/members',
      payload: { node: 1, url: 'http://127.0.0.1:9', size: 1 },
    });

    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('NotFederated');
  });
});
