import { type ChildProcess, spawn } from 'node:child_process';
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

describe('raftlens node, as a process', () => {
  it('checks its arguments, then says the runtime cannot run a lone node yet', async () => {
    const { child, stderr } = run(['node', '--id', '1', '--peers', '1=ws://127.0.0.1:7001']);

    const code = await exited(child);

    expect(code).toBe(3);
    expect(stderr()).toContain('not supported by this version of the runtime');
  });
});
