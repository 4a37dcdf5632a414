/**
 * Pausing a cluster whose nodes are separate OS processes: the dashboard tells every
 * `raftlens node` process to pause, each process then skips its ticks and queues what arrives
 * (peer messages and client requests) in its inbox. Read straight from each node process, no
 * node's Raft state moves while paused, not even with a write sent to the leader meanwhile; a
 * tick step advances every process by one tick, a message step delivers one waiting message;
 * on resume the queued write commits everywhere.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TICK_MS = 20;

const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

function run(args: string[]): { child: ChildProcess; stdout: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return { child, stdout: () => out };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function printedUrl(stdout: () => string): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const match = /running: (http:\/\/\S+)/.exec(stdout());
    if (match?.[1] !== undefined) return match[1];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no URL printed; stdout: ${stdout()}`);
}

interface GroupState {
  role: string;
  term: number;
  vote: number;
  lead: number;
  commit: number;
  applied: number;
  persisted: number;
  log: { lastIndex: number };
  progress?: Record<string, { match: number; next: number; state: string }>;
}

interface NodeState {
  id: number;
  tick: number;
  groups: GroupState[];
}

/** What one node process says of its own node, read from that process. */
async function ownState(url: string, id: number): Promise<NodeState> {
  const res = await fetch(`${url}/api/clusters/remote`);
  const body = (await res.json()) as { nodes: NodeState[] };
  const node = body.nodes.find((n) => n.id === id);
  if (node === undefined) throw new Error(`node ${id} missing from its own process`);
  return node;
}

/** The Raft state of a node that must not move while paused. */
function raftState(node: NodeState) {
  const g = node.groups[0] as GroupState;
  const progress = Object.fromEntries(
    Object.entries(g.progress ?? {}).map(([peer, p]) => [peer, [p.match, p.next, p.state]]),
  );
  return {
    tick: node.tick,
    role: g.role,
    term: g.term,
    vote: g.vote,
    lead: g.lead,
    commit: g.commit,
    applied: g.applied,
    persisted: g.persisted,
    lastIndex: g.log.lastIndex,
    progress,
  };
}

/** How many items wait in the inbox of a node process. */
async function pendingIn(url: string): Promise<string[]> {
  const res = await fetch(`${url}/api/clusters/remote`);
  const body = (await res.json()) as { pending?: Array<{ msgId: string }> };
  return (body.pending ?? []).map((m) => m.msgId);
}

async function call(url: string, method: string, body?: unknown): Promise<Response> {
  return fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('a cluster of node processes, paused through the dashboard', () => {
  it('changes no Raft state in any process while paused, steps a tick and a message, and resumes', async () => {
    const dashboard = run(['start', '--port', '0', '--nodes', '1', '--log-level', 'silent']);
    const base = await printedUrl(dashboard.stdout);
    const ports = [await freePort(), await freePort(), await freePort()];
    const peers = ports.map((port, i) => `${i + 1}=ws://127.0.0.1:${port}`).join(',');
    const nodes = [1, 2, 3].map((id) =>
      run([
        ...['node', '--id', String(id), '--peers', peers, '--dashboard', base],
        ...['--storage', 'memory', '--tick-ms', String(TICK_MS), '--log-level', 'silent'],
      ]),
    );
    const urls = await Promise.all(nodes.map((n) => printedUrl(n.stdout)));

    // Wait for the three processes to have joined and elected a leader, then write once.
    let leader = 0;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const res = await fetch(`${base}/api/clusters/remote`);
      if (res.ok) {
        const s = (await res.json()) as { nodes: NodeState[] };
        const found = s.nodes.find((n) => n.groups[0]?.role === 'StateLeader');
        if (s.nodes.length === 3 && found !== undefined) {
          leader = found.id;
          break;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(leader).toBeGreaterThan(0);
    const first = await call(`${base}/api/clusters/remote/kv/before`, 'PUT', { value: '1' });
    expect(first.status).toBe(200);

    const pause = await call(`${base}/api/clusters/remote/pause`, 'POST');
    expect(pause.status).toBe(200);
    const ids = [1, 2, 3];
    const atPause = await Promise.all(ids.map((id, i) => ownState(urls[i] as string, id)));

    // A write sent to the leader's own process while paused waits in its inbox.
    const leaderUrl = urls[leader - 1] as string;
    const write = call(`${leaderUrl}/api/clusters/remote/kv/during?timeoutMs=30000`, 'PUT', {
      value: '2',
    });
    // Several election timeouts' worth of ticks: a running follower would have campaigned.
    const samples: Array<ReturnType<typeof raftState>[]> = [];
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 40 * TICK_MS));
      const states = await Promise.all(ids.map((id, j) => ownState(urls[j] as string, id)));
      samples.push(states.map(raftState));
    }
    const merged = (await (await fetch(`${base}/api/clusters/remote`)).json()) as {
      paused: boolean;
    };

    const step = await call(`${base}/api/clusters/remote/step`, 'POST', { what: 'tick' });
    const afterStep = await Promise.all(ids.map((id, i) => ownState(urls[i] as string, id)));
    // The write and the messages of that tick wait in the processes' inboxes: one is stepped.
    const pendingBefore = await Promise.all(urls.map((url) => pendingIn(url)));
    const stepMessage = await call(`${base}/api/clusters/remote/step`, 'POST', { what: 'message' });
    const pendingAfter = await Promise.all(urls.map((url) => pendingIn(url)));

    const resume = await call(`${base}/api/clusters/remote/resume`, 'POST');
    const written = await write;
    const commitAtPause = Math.max(...atPause.map((n) => (n.groups[0] as GroupState).commit));
    let after: NodeState[] = [];
    const settle = Date.now() + 10_000;
    while (Date.now() < settle) {
      after = await Promise.all(ids.map((id, i) => ownState(urls[i] as string, id)));
      if (after.every((n) => (n.groups[0] as GroupState).applied > commitAtPause)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const node of nodes) node.child.kill('SIGTERM');
    dashboard.child.kill('SIGTERM');

    expect(merged.paused).toBe(true);
    for (const sample of samples) expect(sample).toEqual(atPause.map(raftState));
    expect(step.status).toBe(200);
    expect(afterStep.map((n) => n.tick)).toEqual(atPause.map((n) => n.tick + 1));
    expect(stepMessage.status).toBe(200);
    const stepped = (await stepMessage.json()) as { did: string; msgId?: string };
    expect(stepped.did).toBe('message');
    // The stepped message waited in one process and waits nowhere now.
    expect(pendingBefore.flat()).toContain(stepped.msgId);
    expect(pendingAfter.flat()).not.toContain(stepped.msgId);
    expect(resume.status).toBe(200);
    expect(written.status).toBe(200);
    for (const node of after) {
      expect((node.groups[0] as GroupState).applied).toBeGreaterThan(commitAtPause);
    }
  }, 60_000);
});
