/**
 * The reference for bench:cluster: a real 3-member etcd 3.4 cluster on loopback (Debian's
 * `etcd-server`), written to through its HTTP/JSON gateway by the same closed-loop clients that
 * write to Raftlens. etcd fsyncs its write-ahead log before it acknowledges a write, as Raftlens'
 * durable storage syncs before a node answers, so the two run at equal durability.
 */

import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ETCD = '/usr/bin/etcd';

export interface EtcdCluster {
  /** Client URLs, one per member. */
  clientUrls: string[];
  version: string;
  stop(): Promise<void>;
}

/** The etcd binary, installed from Debian when it is missing and we may; null otherwise. */
export function ensureEtcd(log: (line: string) => void): string | null {
  if (existsSync(ETCD)) return ETCD;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) return null;
  log('installing etcd-server from Debian for the reference...');
  // Debian starts an etcd service on install; the benchmark runs its own members instead.
  execSync(
    'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server ' +
      '&& (systemctl stop etcd 2>/dev/null || pkill -x etcd || true)',
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return existsSync(ETCD) ? ETCD : null;
}

/** Starts three members on loopback ports from `basePort` and waits until they serve writes. */
export async function startEtcdCluster(
  binary: string,
  dataDir: string,
  basePort = 23790,
): Promise<EtcdCluster> {
  const names = ['e1', 'e2', 'e3'];
  const peerUrl = (i: number) => `http://127.0.0.1:${basePort + 100 + i}`;
  const clientUrl = (i: number) => `http://127.0.0.1:${basePort + i}`;
  const initial = names.map((n, i) => `${n}=${peerUrl(i)}`).join(',');
  const children: ChildProcess[] = names.map((name, i) =>
    spawn(
      binary,
      [
        '--name',
        name,
        '--data-dir',
        join(dataDir, name),
        '--listen-client-urls',
        clientUrl(i),
        '--advertise-client-urls',
        clientUrl(i),
        '--listen-peer-urls',
        peerUrl(i),
        '--initial-advertise-peer-urls',
        peerUrl(i),
        '--initial-cluster',
        initial,
        '--initial-cluster-state',
        'new',
        '--initial-cluster-token',
        'raftlens-bench',
        '--log-level',
        'error',
      ],
      { stdio: ['ignore', 'ignore', 'ignore'] },
    ),
  );
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
  };
  const clientUrls = names.map((_, i) => clientUrl(i));
  try {
    await waitForWrites(clientUrls[0] as string, 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  const version = (await (await fetch(`${clientUrls[0]}/version`)).json()) as {
    etcdserver: string;
  };
  return { clientUrls, version: version.etcdserver, stop };
}

async function waitForWrites(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await etcdPut(url, 'raftlens-bench-probe', 'ok');
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`etcd did not accept writes within ${timeoutMs} ms (${last})`);
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** The body of a put through etcd's v3 HTTP/JSON gateway (POST /v3/kv/put). */
export function etcdPutBody(key: string, value: string): string {
  return JSON.stringify({ key: b64(key), value: b64(value) });
}

/** One write through etcd's v3 HTTP/JSON gateway; resolves once etcd has committed it. */
function etcdPut(url: string, key: string, value: string): Promise<Response> {
  return fetch(`${url}/v3/kv/put`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: etcdPutBody(key, value),
  });
}
