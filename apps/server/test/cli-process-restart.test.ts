/**
 * Node processes killed with SIGKILL lose no acknowledged write: three `raftlens node`
 * processes with durable storage take writes through their HTTP APIs under load; one of them,
 * and then the leader, is killed mid-writes and restarted on the same data folder. Afterwards
 * every acknowledged write is readable through every node, and the restarted nodes caught up;
 * and still after all three are killed at once and restarted.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const dataRoot = mkdtempSync(join(tmpdir(), 'raftlens-node-restart-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataRoot, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface NodeProcess {
  id: number;
  url: string;
  child: ChildProcess;
  stdout: string;
  /** The end of its warnings and errors but failed requests, for the message of a failure. */
  stderr: string;
}

/** Starts node `id` and waits until its HTTP API answers. */
async function startNode(id: number, peers: string, httpPort: number): Promise<NodeProcess> {
  const child = spawn(
    process.execPath,
    [
      ...['--import', 'tsx', CLI, 'node', '--id', String(id), '--peers', peers],
      ...['--http-port', String(httpPort), '--data-dir', join(dataRoot, `node-${id}`)],
      // Elections after 500 ms of silence: a busy test machine does not cause them by itself.
      ...['--tick-ms', '50', '--log-level', 'warn'],
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  const node: NodeProcess = {
    id,
    url: `http://127.0.0.1:${httpPort}`,
    child,
    stdout: '',
    stderr: '',
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    node.stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    // Failed client requests are expected while nodes die; what else was said matters more.
    const said = chunk
      .toString()
      .split('\n')
      .filter((line) => line !== '' && !line.includes('"msg":"request failed"'));
    if (said.length > 0) node.stderr = `${node.stderr}${said.join('\n')}\n`.slice(-4_000);
  });
  const deadline = Date.now() + 30_000;
  while (!node.stdout.includes('is running')) {
    if (child.exitCode !== null) throw new Error(`node ${id} exited: ${node.stdout}`);
    if (Date.now() > deadline) throw new Error(`node ${id} did not start: ${node.stdout}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return node;
}

async function kill(node: NodeProcess): Promise<void> {
  const exited = new Promise((resolve) => node.child.once('exit', resolve));
  node.child.kill('SIGKILL');
  await exited;
}

interface GroupState {
  role: string;
  term: number;
  lead: number;
  commit: number;
  applied: number;
}

/** The node's own view of its replica of group 1, or null if it does not answer. */
async function groupState(node: NodeProcess): Promise<GroupState | null> {
  try {
    const res = await fetch(`${node.url}/api/clusters/remote`, {
      signal: AbortSignal.timeout(2_000),
    });
    if (!res.ok) return null;
    const body = (await res.json()) as { nodes: Array<{ id: number; groups: GroupState[] }> };
    return body.nodes.find((n) => n.id === node.id)?.groups[0] ?? null;
  } catch {
    return null;
  }
}

/** Polls `probe` until it gives a value; on a timeout, says what the nodes of `seen` report. */
async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null>,
  ms = 30_000,
  seen: NodeProcess[] = [],
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) {
      const states = await Promise.all(seen.map(async (n) => [n.id, await groupState(n)]));
      const logs = seen.map((n) => `node ${n.id} stderr:\n${n.stderr}`).join('\n');
      throw new Error(`timed out waiting for ${what}; ${JSON.stringify(states)}\n${logs}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function leaderAmong(nodes: NodeProcess[]): Promise<NodeProcess | null> {
  const states = await Promise.all(nodes.map(groupState));
  return nodes.find((_, i) => states[i]?.role === 'StateLeader') ?? null;
}

/**
 * Closed-loop HTTP writers, each writing distinct keys through the nodes in turn. A write counts
 * as acknowledged only when a node answered 200.
 */
function writers(nodes: () => NodeProcess[], count: number) {
  const acked = new Map<string, string>();
  let running = true;
  const loops = Array.from({ length: count }, async (_, w) => {
    for (let i = 0; running; i++) {
      const list = nodes();
      const node = list[(w + i) % list.length] as NodeProcess;
      const key = `w${w}-${i}`;
      const value = `value-${w}-${i}`;
      try {
        const res = await fetch(`${node.url}/api/clusters/remote/kv/${key}?timeoutMs=3000`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ value }),
          signal: AbortSignal.timeout(5_000),
        });
        await res.arrayBuffer();
        if (res.ok) acked.set(key, value);
      } catch {
        // The node was killed under the write: not acknowledged.
      }
      if (!running) break;
    }
  });
  return {
    acked,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function ackedAtLeast(load: { acked: Map<string, string> }, n: number, what: string) {
  await waitFor(what, async () => (load.acked.size >= n ? true : null), 60_000);
}

/**
 * Reads every key through `node` (a linearizable read served by that node's state machine) and
 * returns those whose acknowledged value is not there. A read that fails for want of a leader
 * or in time (an election on a busy machine) is retried: it says nothing about the data.
 */
async function missingOn(node: NodeProcess, acked: Map<string, string>): Promise<string[]> {
  const entries = [...acked];
  const missing: string[] = [];
  const read = async (key: string, value: string) => {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${node.url}/api/clusters/remote/kv/${key}`);
      const body = (await res.json()) as { value?: string; node?: number };
      if ((res.status === 503 || res.status === 504) && attempt < 20) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        continue;
      }
      if (!res.ok || body.value !== value || body.node !== node.id) {
        missing.push(`${key}: ${res.status} ${JSON.stringify(body)}`);
      }
      return;
    }
  };
  for (let at = 0; at < entries.length; at += 32) {
    await Promise.all(entries.slice(at, at + 32).map(([key, value]) => read(key, value)));
  }
  return missing;
}

describe('raftlens node processes, killed and restarted', () => {
  it('lose no acknowledged write when a follower and then the leader are SIGKILLed', async () => {
    const raftPorts = [await freePort(), await freePort(), await freePort()];
    const httpPorts = [await freePort(), await freePort(), await freePort()];
    const peers = raftPorts.map((port, i) => `${i + 1}=ws://127.0.0.1:${port}`).join(',');
    const nodes = await Promise.all(
      [1, 2, 3].map((id) => startNode(id, peers, httpPorts[id - 1] as number)),
    );
    const alive = new Set(nodes);
    const leader = await waitFor('a leader', () => leaderAmong(nodes), 30_000, nodes);
    const load = writers(() => nodes.filter((n) => alive.has(n)), 8);

    // A follower dies mid-writes and comes back on its data folder.
    await ackedAtLeast(load, 80, 'writes before the first kill');
    const follower = nodes.find((n) => n !== leader) as NodeProcess;
    alive.delete(follower);
    await kill(follower);
    await ackedAtLeast(load, 160, 'writes while the follower is down');
    const follower2 = await startNode(follower.id, peers, httpPorts[follower.id - 1] as number);
    nodes[follower.id - 1] = follower2;
    alive.add(follower2);
    await ackedAtLeast(load, 220, 'writes after the follower is back');

    // Then the leader dies mid-writes; the others elect a new one; it comes back too.
    const leaderNow = await waitFor('a leader', () => leaderAmong(nodes), 30_000, nodes);
    alive.delete(leaderNow);
    await kill(leaderNow);
    const others = nodes.filter((n) => n !== leaderNow);
    // Under a full test run's load an election can take a while; a stuck one shows its states.
    const newLeader = await waitFor('a new leader', () => leaderAmong(others), 60_000, others);
    await ackedAtLeast(load, 300, 'writes under the new leader');
    const leader2 = await startNode(leaderNow.id, peers, httpPorts[leaderNow.id - 1] as number);
    nodes[leaderNow.id - 1] = leader2;
    alive.add(leader2);
    await ackedAtLeast(load, 360, 'writes with every node back');
    await load.stop();

    const commit = (await groupState(newLeader))?.commit ?? Number.POSITIVE_INFINITY;
    for (const node of nodes) {
      await waitFor(`node ${node.id} to catch up to ${commit}`, async () => {
        const state = await groupState(node);
        return state !== null && state.applied >= commit ? state : null;
      });
    }
    const missing = await Promise.all(nodes.map((node) => missingOn(node, load.acked)));

    // Last, every process dies at once: what they acknowledged can only come from their disks.
    await Promise.all(nodes.map(kill));
    const again = await Promise.all(
      [1, 2, 3].map((id) => startNode(id, peers, httpPorts[id - 1] as number)),
    );
    nodes.splice(0, 3, ...again);
    await waitFor('a leader after the restart of all', () => leaderAmong(nodes), 60_000, nodes);
    const missingAfterAll = await Promise.all(nodes.map((node) => missingOn(node, load.acked)));

    expect(follower2.stdout).toContain('restarted from durable storage');
    expect(leader2.stdout).toContain('restarted from durable storage');
    expect(newLeader.id).not.toBe(leaderNow.id);
    expect(load.acked.size).toBeGreaterThanOrEqual(360);
    expect(missing).toEqual([[], [], []]);
    expect(missingAfterAll).toEqual([[], [], []]);
    for (const node of nodes) node.child.kill('SIGTERM');
    const codes = await Promise.all(
      nodes.map((node) => new Promise((resolve) => node.child.once('exit', resolve))),
    );
    expect(codes).toEqual([0, 0, 0]);
  }, 300_000);
});
