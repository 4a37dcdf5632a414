/**
 * Replay end to end: a real simulated cluster records a trace; the dashboard opens it from a
 * file and from a URL, scrubs and steps, and every view shows what the trace says at that
 * moment. Garbage is refused with its line while what was open stays open; etcd raft's own
 * trace opens with what it does not record said plainly.
 */

import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTrace, type TraceReplay } from '@raftlens/trace';
import type { BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodes, WAIT_MS, waitForNodes } from './support/dashboard.ts';
import {
  buildDashboard,
  deleteCluster,
  launchBrowser,
  type Page,
  REPO,
  type RunningServer,
  startServer,
} from './support/harness.ts';

const TICK_MS = 20;
const ETCD_EXAMPLE = join(REPO, '../shared/conformance/etcd-raft/trace/example.ndjson');

/** What the trace says of the leader of the highest term at a moment. */
function leaderAt(replay: TraceReplay, seq: number) {
  const st = replay.stateAt(seq);
  let best: { id: number; term: number } | null = null;
  for (const n of st.nodes) {
    const g = n.groups[0];
    if (g?.role === 'StateLeader' && g.term !== null && (!best || g.term > best.term)) {
      best = { id: n.id, term: g.term };
    }
  }
  return best;
}

describe('replaying recorded traces in the dashboard', () => {
  let server: RunningServer;
  let browser: BrowserContext;
  let page: Page;
  let errors: string[] = [];
  const cluster = `e2ereplay${process.pid}`;
  let traceText = '';
  let tracePath = '';
  let replay: TraceReplay;

  beforeAll(async () => {
    await buildDashboard();
    [server, browser] = await Promise.all([startServer(TICK_MS), launchBrowser()]);
    const res = await fetch(`${server.url}/api/clusters`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: cluster,
        size: 3,
        mode: 'simulated',
        seed: 42,
        tickMs: TICK_MS,
      }),
    });
    if (res.status !== 201) throw new Error(`creating ${cluster}: ${await res.text()}`);
    // Let it elect a leader and exchange a few hundred messages.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const snap = (await (await fetch(`${server.url}/api/clusters/${cluster}`)).json()) as {
        seq: number;
      };
      if (snap.seq > 400) break;
      if (Date.now() > deadline) throw new Error(`${cluster} recorded only ${snap.seq} events`);
      await new Promise((r) => setTimeout(r, 100));
    }
    traceText = await (await fetch(`${server.url}/api/clusters/${cluster}/trace`)).text();
    tracePath = join(mkdtempSync(join(tmpdir(), 'raftlens-replay-')), `${cluster}.ndjson`);
    writeFileSync(tracePath, traceText);
    const opened = openTrace(traceText);
    if (!opened.ok) throw new Error(opened.error.message);
    replay = opened.replay;
  }, 120_000);

  afterAll(async () => {
    await deleteCluster(server, cluster).catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  afterEach(async () => {
    await page?.close();
    expect(errors).toEqual([]);
  });

  async function open(query: string): Promise<void> {
    page = await browser.newPage();
    errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/${query}`);
  }

  /** The sequence number the replay bar says is shown. */
  async function shownSeq(): Promise<number> {
    const text = (await page.getByTestId('replay-at').textContent()) ?? '';
    return Number(/#(\d+)/.exec(text)?.[1] ?? Number.NaN);
  }

  async function waitForSeq(seq: number): Promise<void> {
    await page.getByTestId('replay-at').getByText(`#${seq}`, { exact: true }).waitFor();
  }

  async function expectLeaderAt(seq: number): Promise<void> {
    const want = leaderAt(replay, seq);
    if (!want) throw new Error(`the trace has no leader at ${seq}`);
    const ns = await waitForNodes(page, `n${want.id} leading term ${want.term}`, (list) =>
      list.some((n) => n.id === want.id && n.role === 'StateLeader' && n.term === want.term),
    );
    const terms = replay.stateAt(seq).nodes.map((n) => [n.id, n.groups[0]?.term]);
    expect(ns.map((n) => [n.id, n.term]).sort()).toEqual(terms.sort());
  }

  it('opens a recorded trace from the file picker, scrubs, steps and jumps', async () => {
    await open(`?cluster=${cluster}`);
    await page.getByTestId('mode-badge').getByText('LIVE').waitFor();

    await page.getByTestId('trace-file').setInputFiles(tracePath);

    await page.getByTestId('mode-badge').getByText('REPLAY').waitFor();
    await waitForSeq(replay.lastSeq);
    await expectLeaderAt(replay.lastSeq);

    // Scrub to the first election: the ring shows that leader and term.
    const elected = replay.next(0, 'election');
    if (elected === null) throw new Error('the run never elected a leader');
    const pos = replay.events(replay.firstSeq, elected, 1e6).length - 1;
    await page.getByRole('slider', { name: 'Moment in the trace' }).fill(String(pos));
    await waitForSeq(elected);
    await expectLeaderAt(elected);
    await page
      .getByTestId('summary')
      .getByText(`n${leaderAt(replay, elected)?.id} leads`)
      .waitFor();

    // One event back: before BecomeLeader, that node is not yet leader of that term.
    await page.keyboard.press(',');
    const before = replay.prev(elected, 'any') ?? 0;
    await waitForSeq(before);
    const ns = await nodes(page);
    const who = leaderAt(replay, elected)?.id;
    expect(ns.find((n) => n.id === who)?.role).not.toBe('StateLeader');

    // Next commit, by keyboard after choosing the kind.
    await page.getByRole('combobox', { name: 'jump to' }).selectOption('commit');
    await page.getByRole('slider', { name: 'Moment in the trace' }).focus();
    await page.keyboard.press(']');
    const commit = replay.next(before, 'commit');
    await waitForSeq(commit ?? -1);
    expect(await shownSeq()).toBe(commit);

    // Back to live: the stream draws the cluster as it is now.
    await page.getByRole('button', { name: 'Back to live' }).click();
    await page.getByTestId('mode-badge').getByText('LIVE').waitFor();
    await waitForNodes(page, 'the live cluster', (list) => list.length === 3);
  });

  it('opens ?trace=<url>&at=<seq> at that moment, with a link that names it', async () => {
    const at = replay.next(replay.next(0, 'election') ?? 0, 'commit') ?? replay.lastSeq;
    const url = `/api/clusters/${cluster}/trace`;
    await open(`?trace=${encodeURIComponent(url)}&at=${at}`);

    await page.getByTestId('mode-badge').getByText('REPLAY').waitFor();
    await waitForSeq(at);
    await expectLeaderAt(at);
    // The space-time diagram draws the messages up to the moment, not the live run's.
    const label = await page.locator('.spacetime canvas').getAttribute('aria-label');
    expect(label).toMatch(/Space-time diagram, \d+ messages in view/);

    await page.keyboard.press('.');
    const next = replay.next(at, 'any') ?? at;
    await waitForSeq(next);
    await page.waitForFunction(
      (n) => new URLSearchParams(window.location.search).get('at') === String(n),
      next,
      { timeout: WAIT_MS },
    );
    expect(new URL(page.url()).searchParams.get('trace')).toBe(url);
  });

  it('refuses a garbage file naming its line, and keeps the open trace open', async () => {
    await open(`?cluster=${cluster}`);
    await page.getByTestId('trace-file').setInputFiles(tracePath);
    await waitForSeq(replay.lastSeq);
    const lines = traceText.split('\n');
    lines[4] = 'this is not a trace event';

    await page.getByTestId('trace-file').setInputFiles({
      name: 'garbage.ndjson',
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from(lines.join('\n')),
    });

    const error = page.getByTestId('replay-error');
    await error.getByText(/Line 5 is not valid JSON/).waitFor();
    expect(await error.textContent()).toMatch(/garbage\.ndjson was not opened/);
    expect(await error.textContent()).toMatch(/stays open/);
    expect(await shownSeq()).toBe(replay.lastSeq);
    await page.getByTestId('mode-badge').getByText('REPLAY').waitFor();
    await expectLeaderAt(replay.lastSeq);
  });

  it.runIf(existsSync(ETCD_EXAMPLE))(
    "opens etcd raft's trace and says what it does not record",
    async () => {
      await open(`?cluster=${cluster}`);

      await page.getByTestId('trace-file').setInputFiles(ETCD_EXAMPLE);

      await page.getByTestId('mode-badge').getByText('REPLAY').waitFor();
      await page
        .getByText(/imported from etcd-raft/)
        .first()
        .waitFor();
      await page.getByText(/does not record everything/).waitFor();
      await page.getByText(/no tick count/).waitFor();
      // At its end node 2 leads term 2 (as the trace package's own test of this file says).
      await waitForNodes(page, 'n2 leading term 2', (list) =>
        list.some((n) => n.id === 2 && n.role === 'StateLeader' && n.term === 2),
      );
    },
  );

  it('forks a simulated run at the moment shown and switches to the fork, paused there', async () => {
    await open(`?cluster=${cluster}`);
    await page.getByTestId('trace-file').setInputFiles(tracePath);
    const at = replay.next(replay.next(0, 'election') ?? 0, 'commit') ?? replay.lastSeq;
    const pos = replay.events(replay.firstSeq, at, 1e6).length - 1;
    await page.getByRole('slider', { name: 'Moment in the trace' }).fill(String(pos));
    await waitForSeq(at);

    const answer = page.waitForResponse((r) => r.url().endsWith(`/api/clusters/${cluster}/fork`));
    await page.getByRole('button', { name: 'Fork from here' }).click();
    const made = (await (await answer).json()) as { cluster: string; atSeq: number; seq: number };

    expect(made.atSeq).toBe(at);
    await page.getByTestId('mode-badge').getByText('LIVE').waitFor();
    await page.waitForFunction(
      (name) => new URLSearchParams(window.location.search).get('cluster') === name,
      made.cluster,
    );
    await page.locator('.app-header .status').getByText('paused', { exact: true }).waitFor();
    // The fork stands where the recording stood: the same terms, the same leader.
    const want = replay.stateAt(made.seq).nodes.map((n) => [n.id, n.groups[0]?.term]);
    const ns = await waitForNodes(page, 'the fork at the moment', (list) => list.length === 3);
    expect(ns.map((n) => [n.id, n.term]).sort()).toEqual(want.sort());
    await deleteCluster(server, made.cluster);
  }, 90_000);

  it('offers a simulated cluster in place of forking a live run', async () => {
    const live = `${cluster}live`;
    await fetch(`${server.url}/api/clusters`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: live, size: 3, tickMs: TICK_MS }),
    });
    try {
      await open(`?cluster=${live}`);
      await waitForNodes(page, 'the live cluster', (list) => list.length === 3);
      await page.getByRole('button', { name: /Rewind/ }).click();
      await page.getByTestId('mode-badge').getByText('REPLAY').waitFor();
      expect(await page.getByRole('button', { name: 'Fork from here' }).count()).toBe(0);

      await page.getByRole('button', { name: /Simulate from here/ }).click();

      const note = page.getByRole('note');
      await note.getByText(/A live run cannot be forked/).waitFor();
      await note.getByRole('button', { name: 'Start a simulated cluster' }).click();
      await page.getByTestId('mode-badge').getByText('LIVE').waitFor();
      const name = await page.evaluate(() =>
        new URLSearchParams(window.location.search).get('cluster'),
      );
      expect(name).toMatch(new RegExp(`^${live}-sim-`));
      await page.getByText('· simulated').waitFor();
      await waitForNodes(page, 'the simulated cluster', (list) => list.length === 3);
      if (name) await deleteCluster(server, name);
    } finally {
      await deleteCluster(server, live);
    }
  });

  it('opens ?seed=&size=&at= by running that simulated run to the moment', async () => {
    const at = replay.next(0, 'election') ?? 50;
    await open(`?seed=42&size=3&at=${at}`);

    await page.getByTestId('mode-badge').getByText('REPLAY').waitFor({ timeout: 60_000 });
    await waitForSeq(at);
    expect(await page.locator('.replay-source').textContent()).toBe('simulated run, seed 42');
    // The same seed and size run the same way: the moment matches this test's own run.
    await expectLeaderAt(at);
    await page.keyboard.press(']');
    await page.waitForFunction(() => {
      const q = new URLSearchParams(window.location.search);
      return q.get('seed') === '42' && q.get('size') === '3' && Number(q.get('at')) > 0;
    });
    await deleteCluster(server, 'sim-s42-n3');
  });

  it("opens ?cluster=<c>&at=<seq> from the cluster's recording", async () => {
    const at = replay.next(0, 'commit') ?? 10;
    await open(`?cluster=${cluster}&at=${at}`);

    await page.getByTestId('mode-badge').getByText('REPLAY').waitFor();
    await waitForSeq(at);
    await expectLeaderAt(at);
  });

  it('opens a trace dropped on the page', async () => {
    await open(`?cluster=${cluster}`);
    await page.getByTestId('mode-badge').getByText('LIVE').waitFor();
    const files = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'dropped.ndjson', { type: 'application/x-ndjson' }));
      return dt;
    }, traceText);

    await page.dispatchEvent('main', 'dragenter', { dataTransfer: files });
    await page.getByText('Drop a trace to replay it').waitFor();
    await page.dispatchEvent('main', 'drop', { dataTransfer: files });

    await page.getByTestId('mode-badge').getByText('REPLAY').waitFor();
    expect(await page.locator('.replay-source').textContent()).toBe('dropped.ndjson');
    expect(await page.getByText('Drop a trace to replay it').count()).toBe(0);
    await waitForSeq(replay.lastSeq);
  });

  it('copies a link to the moment shown', async () => {
    await browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const at = replay.next(0, 'election') ?? 5;
    await open(`?cluster=${cluster}&at=${at}`);
    await waitForSeq(at);
    await page.keyboard.press('.');
    const next = replay.next(at, 'any');

    await page.getByRole('button', { name: 'Copy link' }).click();

    await page.getByText('Link to this moment copied.').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(`${server.url}/?cluster=${cluster}&at=${next}`);
  });

  it('rewinds the live cluster to its recording, at the present', async () => {
    await open(`?cluster=${cluster}`);
    await waitForNodes(page, 'the live cluster', (list) => list.length === 3);

    await page.getByRole('button', { name: /Rewind/ }).click();

    await page.getByTestId('mode-badge').getByText('REPLAY').waitFor();
    const seq = await shownSeq();
    expect(seq).toBeGreaterThan(replay.lastSeq);
    expect(new URL(page.url()).searchParams.get('cluster')).toBe(cluster);
  });
});
