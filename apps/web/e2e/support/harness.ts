/**
 * What the end-to-end tests stand on: a fresh build of the dashboard, a real Raftlens server
 * started from its command line on a free port, a Chromium driven by playwright-core, and one
 * fresh cluster per test so that tests never see each other's faults.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';

export const REPO = resolve(import.meta.dirname, '../../../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Builds the dashboard as `vite build` does, into apps/web/dist or `outDir`. Vitest sets NODE_ENV
 * to 'test', which would give React's development build; the tests must see what people get.
 */
export async function buildDashboard(outDir?: string): Promise<void> {
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: join(REPO, 'apps/web/vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      ...(outDir === undefined ? {} : { build: { outDir, emptyOutDir: true } }),
    });
  } finally {
    process.env.NODE_ENV = env;
  }
}

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts `raftlens start` on a free port (or on `port`, to come back where a stopped server was)
 * and resolves once it says where it listens.
 */
export async function startServer(tickMs: number, port = 0): Promise<RunningServer> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'apps/server/src/cli.ts',
      'start',
      '--port',
      String(port),
      '--tick-ms',
      String(tickMs),
      '--log-level',
      'warn',
    ],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Never leave a server behind, even when the test process dies early.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  child.once('exit', () => process.off('exit', reap));
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => fail(new Error(`server did not start:\n${out}\n${err}`)),
      45_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Raftlens is running: (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with ${code}:\n${out}\n${err}`));
    });
  });
  return { url, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(hard);
      done();
    });
    child.kill('SIGTERM');
  });
}

export async function launchBrowser(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'raftlens-e2e-')), {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1000 },
  });
}

let clusterSeq = 0;

/** Creates a cluster of its own for one test; returns its name. */
export async function createCluster(server: RunningServer, tickMs: number): Promise<string> {
  const name = `e2e${process.pid}x${++clusterSeq}`;
  const res = await fetch(`${server.url}/api/clusters`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, size: 5, tickMs }),
  });
  if (res.status !== 201) throw new Error(`creating ${name}: ${res.status} ${await res.text()}`);
  return name;
}

export async function deleteCluster(server: RunningServer, name: string): Promise<void> {
  await fetch(`${server.url}/api/clusters/${name}`, { method: 'DELETE' });
}

/** The server's own view of a cluster, to check what the dashboard did. */
export async function snapshotOf(server: RunningServer, name: string) {
  const res = await fetch(`${server.url}/api/clusters/${name}`);
  return (await res.json()) as import('@raftlens/trace').ClusterSnapshot;
}

/** Opens the dashboard on a cluster and collects page errors, which fail the test. */
export async function openDashboard(ctx: BrowserContext, server: RunningServer, name: string) {
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/?cluster=${name}`);
  return { page, errors };
}

export type { Page };
