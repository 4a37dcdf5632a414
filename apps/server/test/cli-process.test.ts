import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

function run(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  return { child, stdout: () => out, stderr: () => err };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

async function printedUrl(stdout: () => string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /running: (http:\/\/\S+)/.exec(stdout());
    if (match?.[1] !== undefined) return match[1];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no URL printed; stdout: ${stdout()}`);
}

describe('raftlens start, as a process', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'prints its URL, serves the API, and shuts down cleanly on %s',
    async (signal) => {
      const { child, stdout, stderr } = run([
        'start',
        '--port',
        '0',
        '--nodes',
        '1',
        '--tick-ms',
        '10',
        '--log-level',
        'silent',
      ]);

      const url = await printedUrl(stdout);
      const health = await fetch(`${url}/api/health`);
      child.kill(signal);
      const code = await exited(child);

      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await health.json()).toMatchObject({ status: 'ok', clusters: 1 });
      expect(code).toBe(0);
      expect(stderr()).toContain(`${signal}; shutting down`);
    },
  );

  it('prints its usage for --help and exits 0', async () => {
    const { child, stdout } = run(['start', '--help']);

    const code = await exited(child);

    expect(code).toBe(0);
    expect(stdout()).toContain('Usage: raftlens start');
  });

  it('exits 2 with the usage on a bad option', async () => {
    const { child, stderr } = run(['start', '--nodes', '99']);

    const code = await exited(child);

    expect(code).toBe(2);
    expect(stderr()).toContain('--nodes must be a whole number from 1 to 15');
  });
});

describe('raftlens node, as processes', () => {
  it('runs three node processes that join a dashboard process, and stops them cleanly', async () => {
    const dashboard = run(['start', '--port', '0', '--nodes', '1', '--log-level', 'silent']);
    const base = await printedUrl(dashboard.stdout);
    const ports = [await freePort(), await freePort(), await freePort()];
    const peers = ports.map((port, i) => `${i + 1}=ws://127.0.0.1:${port}`).join(',');
    const nodes = [1, 2, 3].map((id) =>
      run([
        ...['node', '--id', String(id), '--peers', peers, '--dashboard', base],
        ...['--storage', 'memory', '--tick-ms', '20', '--log-level', 'silent'],
      ]),
    );

    let snapshot: { nodes: Array<{ groups: Array<{ role: string }> }> } = { nodes: [] };
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const res = await fetch(`${base}/api/clusters/remote`);
      if (res.ok) snapshot = (await res.json()) as typeof snapshot;
      const leader = snapshot.nodes.some((n) => n.groups[0]?.role === 'StateLeader');
      if (leader && snapshot.nodes.length === 3) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const put = await fetch(`${base}/api/clusters/remote/kv/k`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'v' }),
    });
    for (const node of nodes) node.child.kill('SIGTERM');
    const codes = await Promise.all(nodes.map((node) => exited(node.child)));
    dashboard.child.kill('SIGTERM');

    expect(snapshot.nodes).toHaveLength(3);
    expect(put.status).toBe(200);
    expect(codes).toEqual([0, 0, 0]);
    expect(nodes[0]?.stdout()).toContain("Raftlens node 1 of 'remote' is running");
    expect(await exited(dashboard.child)).toBe(0);
  });
});
