/**
 * What one closed-loop HTTP client costs by itself: `fetch` against `node:http` with a
 * keep-alive connection (what `bench:cluster` uses), each writing the same JSON body to a server
 * in this process that answers at once. The time per request is the client's and the minimal
 * server's together, so the difference between the two is the client's own.
 *
 * Prints one JSON document. Usage: tsx apps/server/bench/http-client.ts [--seconds 2]
 */

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { openConnection } from './connection.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2' } } });
const seconds = Number(values.seconds);

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/kv/k`;
const body = JSON.stringify({ value: 'v'.repeat(64) });

const conn = openConnection();
const clients: Record<string, () => Promise<unknown>> = {
  fetch: async () => {
    const res = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body,
    });
    await res.arrayBuffer();
  },
  'node:http': () => conn.request('PUT', url, body),
};

/** Microseconds per request over `seconds`, after a warm-up. */
async function measure(send: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 500; i++) await send();
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < seconds * 1000) {
    await send();
    n++;
  }
  return Math.round(((performance.now() - started) / n) * 1000);
}

// Twice each, interleaved, so that a busy moment of the machine does not fall on one client.
const usPerRequest: Record<string, number[]> = { fetch: [], 'node:http': [] };
for (let round = 0; round < 2; round++) {
  for (const [name, send] of Object.entries(clients)) {
    usPerRequest[name]?.push(await measure(send));
  }
}
conn.close();
server.close();

const best = (name: string) => Math.min(...(usPerRequest[name] ?? [0]));
process.stdout.write(
  `${JSON.stringify(
    {
      benchmark: 'raftlens http-client',
      workload: 'one closed-loop client, PUT of a 64-byte JSON value, server answers at once',
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model ?? '',
        node: process.version,
        loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
      },
      usPerRequest,
      fetchOverNodeHttp: Math.round((best('fetch') / best('node:http')) * 100) / 100,
    },
    null,
    2,
  )}\n`,
);
