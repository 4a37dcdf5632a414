/**
 * bench:cluster — the write throughput and latency of a real Raftlens cluster, end to end.
 *
 * The server runs as its own process (`cli.ts start`): 3 nodes, each with its own WebSocket
 * listener on loopback, durable storage. This process is the load: closed-loop HTTP clients,
 * each writing a 64-byte value and waiting for the answer (which comes once the entry is
 * applied) before writing the next, at 1, 16 and 64 clients. Every load runs twice: without
 * viewers, and with ten trace viewers connected to the stream, to measure what tracing costs.
 *
 * Then, once the Raftlens server has stopped (so the two never share the cores), the same
 * clients write the same values for the same time to a real 3-member etcd 3.4 cluster (see
 * etcd.ts), each client to one member, spread evenly; a follower forwards to its leader inside
 * etcd, as a Raftlens write lands on the leader inside the server.
 *
 * Prints one JSON document on stdout. Usage:
 *   pnpm bench:cluster [--seconds 10] [--clients 1,16,64] [--viewers 10] [--tick-ms 100]
 *                      [--value-bytes 64] [--storage durable|memory] [--no-etcd]
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { type Connection, openConnection } from './connection.ts';
import { ensureEtcd, etcdPutBody, startEtcdCluster } from './etcd.ts';

interface BenchArgs {
  seconds: number;
  clients: number[];
  viewers: number;
  tickMs: number;
  valueBytes: number;
  storage: 'memory' | 'durable';
  etcd: boolean;
}

/** One write of the load: resolves with whether it succeeded, once the answer is read. */
type Write = (key: string, value: string) => Promise<boolean>;

/** Makes the write of client `id`, which sends on `conn`, a connection of its own. */
type Writer = (id: number, conn: Connection) => Write;

interface RunResult {
  clients: number;
  viewers: number;
  seconds: number;
  writes: number;
  errors: number;
  writesPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** What the viewers received, when there were any. */
  stream?: { eventsPerSecPerViewer: number; gaps: number; eventsMissed: number };
}

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function parse(): BenchArgs {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      clients: { type: 'string', default: '1,16,64' },
      viewers: { type: 'string', default: '10' },
      'tick-ms': { type: 'string', default: '100' },
      'value-bytes': { type: 'string', default: '64' },
      storage: { type: 'string', default: 'durable' },
      'no-etcd': { type: 'boolean', default: false },
    },
  });
  return {
    seconds: Number(values.seconds),
    clients: values.clients.split(',').map(Number),
    viewers: Number(values.viewers),
    tickMs: Number(values['tick-ms']),
    valueBytes: Number(values['value-bytes']),
    storage: values.storage === 'memory' ? 'memory' : 'durable',
    etcd: !values['no-etcd'],
  };
}

/** Starts the server process and resolves with its base URL once it prints it. */
function startServer(
  args: BenchArgs,
  dataDir: string,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      CLI,
      'start',
      '--port',
      '0',
      '--nodes',
      '3',
      '--storage',
      args.storage,
      '--data-dir',
      dataDir,
      '--tick-ms',
      String(args.tickMs),
      '--log-level',
      'error',
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /running: (http:\/\/\S+)/.exec(out);
      if (match?.[1] !== undefined) resolve({ child, url: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`server exited early with code ${code}`)));
  });
}

async function waitForLeader(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`${url}/api/clusters`);
    const body = (await res.json()) as { clusters: Array<{ leader: number }> };
    if ((body.clusters[0]?.leader ?? 0) !== 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no leader was elected');
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const at = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, at)] as number) * 100) / 100;
}

/** Whether an answer's status says the write was done; a refused connection is a failed write. */
async function succeeded(status: Promise<number>): Promise<boolean> {
  try {
    const code = await status;
    return code >= 200 && code < 300;
  } catch {
    return false;
  }
}

/** Writes to the Raftlens server's default cluster, answered once applied. */
function raftlensWriter(url: string): Writer {
  return (_id, conn) => (key, value) =>
    succeeded(
      conn.request('PUT', `${url}/api/clusters/default/kv/${key}`, JSON.stringify({ value })),
    );
}

/** Writes to etcd, answered once committed: client `id` always to member `id` mod 3. */
function etcdWriter(clientUrls: string[]): Writer {
  return (id, conn) => {
    const url = clientUrls[id % clientUrls.length] as string;
    return (key, value) =>
      succeeded(conn.request('POST', `${url}/v3/kv/put`, etcdPutBody(key, value)));
  };
}

/** One closed-loop client: writes until the deadline, recording each write's latency. */
async function client(
  write: Write,
  id: number,
  value: string,
  deadlineMs: number,
  latencies: number[],
): Promise<number> {
  let errors = 0;
  for (let i = 0; performance.now() < deadlineMs; i++) {
    const started = performance.now();
    if (await write(`c${id}-${i % 1000}`, value)) latencies.push(performance.now() - started);
    else errors++;
  }
  return errors;
}

interface Viewers {
  events: number;
  gaps: number;
  missed: number;
  close(): void;
}

function countOf(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) {
    count++;
  }
  return count;
}

/** Connects trace viewers that read every message, as a browser would. */
async function connectViewers(url: string, count: number): Promise<Viewers> {
  const viewers: Viewers = { events: 0, gaps: 0, missed: 0, close: () => {} };
  const sockets = await Promise.all(
    Array.from({ length: count }, async () => {
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/clusters/default/stream`);
      // The viewers share this process's cores with the load, so they scan rather than parse:
      // every event has exactly one `"seq":` field, and a gap is rare enough to parse.
      ws.on('message', (data) => {
        const text = data.toString();
        if (text.startsWith('{"type":"events"')) viewers.events += countOf(text, '"seq":');
        else if (text.startsWith('{"type":"gap"')) {
          viewers.gaps++;
          viewers.missed += (JSON.parse(text) as { missed: number }).missed;
        }
      });
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      return ws;
    }),
  );
  viewers.close = () => {
    for (const ws of sockets) ws.close();
  };
  return viewers;
}

/**
 * Runs `clients` closed-loop clients for `args.seconds`, each on a connection of its own;
 * client `id` writes with `writer(id, its connection)`.
 */
async function load(
  writer: Writer,
  args: BenchArgs,
  clients: number,
): Promise<{ latencies: number[]; errors: number; elapsedS: number }> {
  const value = 'v'.repeat(args.valueBytes);
  const latencies: number[] = [];
  const conns = Array.from({ length: clients }, openConnection);
  const started = performance.now();
  const deadline = started + args.seconds * 1000;
  const errors = await Promise.all(
    conns.map((conn, id) => client(writer(id, conn), id, value, deadline, latencies)),
  );
  const elapsedS = (performance.now() - started) / 1000;
  for (const conn of conns) conn.close();
  latencies.sort((a, b) => a - b);
  return { latencies, errors: errors.reduce((a, b) => a + b, 0), elapsedS };
}

function result(
  clients: number,
  viewers: number,
  done: { latencies: number[]; errors: number; elapsedS: number },
): RunResult {
  const { latencies, errors, elapsedS } = done;
  return {
    clients,
    viewers,
    seconds: Math.round(elapsedS * 100) / 100,
    writes: latencies.length,
    errors,
    writesPerSec: Math.round(latencies.length / elapsedS),
    latencyMs: {
      p50: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
    },
  };
}

async function run(url: string, args: BenchArgs, clients: number, viewerCount: number) {
  const viewers = viewerCount > 0 ? await connectViewers(url, viewerCount) : null;
  const done = await load(raftlensWriter(url), args, clients);
  const { elapsedS } = done;
  viewers?.close();
  const out = result(clients, viewerCount, done);
  if (viewers !== null) {
    out.stream = {
      eventsPerSecPerViewer: Math.round(viewers.events / viewerCount / elapsedS),
      gaps: viewers.gaps,
      eventsMissed: viewers.missed,
    };
  }
  return out;
}

/** The etcd reference: the same load against a fresh 3-member etcd cluster. */
async function runEtcd(
  args: BenchArgs,
  log: (line: string) => void,
): Promise<{ version: string; clientUrls: string[]; runs: RunResult[] } | { skipped: string }> {
  const binary = ensureEtcd(log);
  if (binary === null) {
    return { skipped: 'no etcd binary (install Debian etcd-server, or run as root to do so)' };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'raftlens-bench-etcd-'));
  const etcd = await startEtcdCluster(binary, dataDir);
  try {
    const writer = etcdWriter(etcd.clientUrls);
    await load(writer, { ...args, seconds: Math.min(2, args.seconds) }, 4);
    const runs: RunResult[] = [];
    for (const clients of args.clients)
      runs.push(result(clients, 0, await load(writer, args, clients)));
    return { version: etcd.version, clientUrls: etcd.clientUrls, runs };
  } finally {
    await etcd.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Raftlens over etcd at each concurrency: writes/s and p50 latency, as plain ratios. */
function ratios(raftlens: RunResult[], etcd: RunResult[]) {
  return etcd.flatMap((e) => {
    const r = raftlens.find((x) => x.clients === e.clients && x.viewers === 0);
    if (r === undefined) return [];
    const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 1000) / 1000);
    return {
      clients: e.clients,
      writesPerSec: ratio(r.writesPerSec, e.writesPerSec),
      p50: ratio(r.latencyMs.p50, e.latencyMs.p50),
    };
  });
}

async function main(): Promise<void> {
  const args = parse();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const raftlens = await runRaftlens(args);
  const etcd = args.etcd ? await runEtcd(args, log) : { skipped: '--no-etcd' };
  const etcdRuns = 'runs' in etcd ? etcd.runs : null;
  const report = {
    benchmark: 'raftlens bench:cluster',
    setup: {
      nodes: 3,
      storage: args.storage,
      transport: 'WebSocket on loopback, one listener per node, server in its own process',
      valueBytes: args.valueBytes,
      secondsPerRun: args.seconds,
      tickMs: args.tickMs,
      write: 'PUT /api/clusters/default/kv/{key}, answered once applied',
    },
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? '',
      node: process.version,
      // Other work on the machine skews every number; read them against this.
      loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    },
    runs: raftlens.runs,
    tracingCost: raftlens.tracingCost,
    comparison: {
      etcdSetup:
        'runs' in etcd
          ? {
              version: etcd.version,
              members: etcd.clientUrls.length,
              write: 'POST /v3/kv/put (HTTP/JSON gateway), answered once committed',
              clientsToMembers:
                `client i writes only to member i mod ${etcd.clientUrls.length} ` +
                `(${etcd.clientUrls.join(', ')}); etcd forwards to its leader internally`,
              ranAfter: 'the Raftlens server had stopped, so the two never shared the cores',
            }
          : etcd,
      etcd: etcdRuns,
      /** Raftlens ÷ etcd, per concurrency, Raftlens without viewers. */
      ratio: etcdRuns === null ? null : ratios(raftlens.runs, etcdRuns),
    },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

/** The Raftlens runs, each load without and with viewers, on a server process of their own. */
async function runRaftlens(args: BenchArgs) {
  const dataDir = mkdtempSync(join(tmpdir(), 'raftlens-bench-'));
  const { child, url } = await startServer(args, dataDir);
  try {
    await waitForLeader(url);
    // Warm up: connections, JIT, the storage's first writes.
    await run(url, { ...args, seconds: Math.min(2, args.seconds) }, 4, 0);
    const runs: RunResult[] = [];
    for (const clients of args.clients) {
      runs.push(await run(url, args, clients, 0));
      if (args.viewers > 0) runs.push(await run(url, args, clients, args.viewers));
    }
    const tracingCost = args.clients.flatMap((clients) => {
      const bare = runs.find((r) => r.clients === clients && r.viewers === 0);
      const watched = runs.find((r) => r.clients === clients && r.viewers > 0);
      if (bare === undefined || watched === undefined) return [];
      return {
        clients,
        viewers: args.viewers,
        writesPerSecChangePct: pct(watched.writesPerSec, bare.writesPerSec),
        p99ChangePct: pct(watched.latencyMs.p99, bare.latencyMs.p99),
      };
    });
    return { runs, tracingCost };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function pct(value: number, base: number): number {
  return base === 0 ? 0 : Math.round(((value - base) / base) * 1000) / 10;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:cluster failed: ${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
