/**
 * Screenshots of replay: a real simulated run with a partition and a crash is recorded, then
 * opened in the dashboard from a file and shown at chosen moments; etcd raft's example trace
 * and a refused file too. Usage: tsx apps/web/scripts/replay-shots.ts [--out DIR] [--etcd FILE]
 * (build the dashboard first: npx vite build apps/web).
 */

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openTrace } from '@raftlens/trace';
import { launchBrowser, REPO, startServer } from '../e2e/support/harness.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: '/tmp/replay-shots' },
    etcd: {
      type: 'string',
      default: join(REPO, '../shared/conformance/etcd-raft/trace/example.ndjson'),
    },
  },
});
const out = values.out as string;
mkdirSync(out, { recursive: true });

const TICK_MS = 30;
const server = await startServer(TICK_MS);
const browser = await launchBrowser();
const post = (path: string, body: unknown) =>
  fetch(`${server.url}/api/clusters/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const seqOf = async (c: string) =>
  ((await (await fetch(`${server.url}/api/clusters/${c}`)).json()) as { seq: number }).seq;
const waitSeq = async (c: string, n: number) => {
  while ((await seqOf(c)) < n) await new Promise((r) => setTimeout(r, 100));
};

try {
  const c = 'replay-demo';
  await fetch(`${server.url}/api/clusters`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: c, size: 5, mode: 'simulated', seed: 7, tickMs: TICK_MS }),
  });
  await waitSeq(c, 300);
  for (let i = 0; i < 3; i++)
    await fetch(`${server.url}/api/clusters/${c}/kv/k${i}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: `v${i}` }),
    });
  await post(`${c}/partition`, {
    groups: [
      [1, 2],
      [3, 4, 5],
    ],
  });
  await waitSeq(c, (await seqOf(c)) + 600);
  await post(`${c}/heal`, {});
  await waitSeq(c, (await seqOf(c)) + 300);
  const text = await (await fetch(`${server.url}/api/clusters/${c}/trace`)).text();
  const file = join(out, `${c}.ndjson`);
  writeFileSync(file, text);
  const opened = openTrace(text);
  if (!opened.ok) throw new Error(opened.error.message);
  const replay = opened.replay;
  const partition =
    replay.events(replay.firstSeq, replay.lastSeq, 1e7).find((e) => e.name === 'PartitionSet')
      ?.seq ?? replay.firstSeq;
  const elected = replay.next(partition, 'election') ?? replay.lastSeq;
  // A little after the election, once the new leader's progress tracker has news.
  const electionAfter = replay.next(elected, 'commit') ?? elected;

  const page = await browser.newPage();
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto(`${server.url}/?cluster=${c}`);
  await page.getByTestId('trace-file').setInputFiles(file);
  await page.getByTestId('mode-badge').getByText('REPLAY').waitFor();
  const pos = replay.events(replay.firstSeq, electionAfter, 1e7).length - 1;
  await page.getByRole('slider', { name: 'Moment in the trace' }).fill(String(pos));
  await page.getByTestId('replay-at').getByText(`#${electionAfter}`, { exact: true }).waitFor();
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(out, 'replay-election.png') });
  await page.screenshot({ path: join(out, 'replay-election-full.png'), fullPage: true });

  // A garbage file: refused, naming the line; the open trace stays.
  const lines = text.split('\n');
  lines[2] = '{"kind":"state","seq":';
  lines[6] = 'not json at all';
  await page.getByTestId('trace-file').setInputFiles({
    name: 'broken.ndjson',
    mimeType: 'application/x-ndjson',
    buffer: Buffer.from(lines.join('\n')),
  });
  await page.getByTestId('replay-error').waitFor();
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(out, 'replay-refused.png') });

  if (existsSync(values.etcd as string)) {
    const etcd = await browser.newPage();
    await etcd.setViewportSize({ width: 1600, height: 1000 });
    await etcd.goto(`${server.url}/?cluster=${c}`);
    await etcd.getByTestId('trace-file').setInputFiles(values.etcd as string);
    await etcd.getByText(/does not record everything/).waitFor();
    await etcd.waitForTimeout(800);
    await etcd.screenshot({ path: join(out, 'replay-etcd.png') });
  }
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await server.stop();
}
