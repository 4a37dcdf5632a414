/**
 * The header's controls over a real server: choosing the Raft group of a 2-group cluster (every
 * view follows it), undoing actions with the button and with Ctrl+Z (the server's state goes
 * back), and starting a cluster of another size and switching to it.
 */

import type { BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openNode, WAIT_MS, waitForLeader, waitForNodes } from './support/dashboard.ts';
import {
  buildDashboard,
  createCluster,
  deleteCluster,
  launchBrowser,
  openDashboard,
  type Page,
  type RunningServer,
  snapshotOf,
  startServer,
} from './support/harness.ts';

const TICK_MS = 20;

type Snapshot = Awaited<ReturnType<typeof snapshotOf>>;

/** Polls the server until `test` holds for the cluster's snapshot. */
async function waitForServer(
  server: RunningServer,
  cluster: string,
  what: string,
  test: (s: Snapshot) => boolean,
) {
  const deadline = Date.now() + WAIT_MS;
  let last = await snapshotOf(server, cluster);
  while (Date.now() < deadline) {
    if (test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
    last = await snapshotOf(server, cluster);
  }
  throw new Error(`timed out waiting for the server to show ${what}`);
}

describe('the header controls', () => {
  let server: RunningServer;
  let browser: BrowserContext;
  const clusters: string[] = [];
  let page: Page;
  let errors: string[] = [];

  beforeAll(async () => {
    await buildDashboard();
    [server, browser] = await Promise.all([startServer(TICK_MS), launchBrowser()]);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  afterEach(async () => {
    await page?.close();
    for (const c of clusters.splice(0)) await deleteCluster(server, c);
    expect(errors).toEqual([]);
  });

  it('follows the chosen Raft group in the ring, the summary, the logs and the feed', async () => {
    const cluster = `groups${process.pid}`;
    const res = await fetch(`${server.url}/api/clusters`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: cluster, size: 3, groups: 2, tickMs: TICK_MS }),
    });
    expect(res.status).toBe(201);
    clusters.push(cluster);
    ({ page, errors } = await openDashboard(browser, server, cluster));
    await waitForLeader(page);

    // Writes go to group 1 only, so the two groups' commit indexes part.
    for (let i = 0; i < 5; i++) {
      const w = await fetch(`${server.url}/api/clusters/${cluster}/kv/k${i}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value: `${i}` }),
      });
      expect(w.status).toBe(200);
    }
    const leaderOf = (x: Snapshot, g: number) =>
      x.nodes.find(
        (n) =>
          n.status === 'running' && n.groups.some((v) => v.group === g && v.role === 'StateLeader'),
      )?.id;
    const before = await waitForServer(server, cluster, 'a leader in each group', (x) =>
      [1, 2].every((g) => leaderOf(x, g) !== undefined),
    );
    // Crash group 2's leader while the page watches, so group 2 elects again in the feed.
    const crashed = leaderOf(before, 2) as number;
    await fetch(`${server.url}/api/clusters/${cluster}/nodes/${crashed}/crash`, { method: 'POST' });
    const s = await waitForServer(server, cluster, 'a new leader of group 2', (x) => {
      const l = leaderOf(x, 2);
      return l !== undefined && l !== crashed && leaderOf(x, 1) !== undefined;
    });
    const commitOf = (g: number) =>
      Math.max(
        ...s.nodes.flatMap((n) => n.groups.filter((v) => v.group === g).map((v) => v.commit)),
      );
    expect(commitOf(1)).toBeGreaterThan(commitOf(2));

    const select = page.getByLabel('Raft group');
    expect(await select.inputValue()).toBe('1');
    await waitForNodes(page, 'group 1 commits on the ring', (ns) =>
      ns.some((n) => n.commit >= commitOf(1)),
    );
    // The feed tells the crash (the whole cluster's) but group 2's election only when group 2
    // is chosen.
    await page.getByRole('tab', { name: 'Events' }).click();
    const feed = page.getByRole('log', { name: 'Every event' });
    await feed.getByText(`n${crashed} crashed`).waitFor({ timeout: 10_000 });
    expect(await feed.getByText('(group 2)').count()).toBe(0);

    await select.selectOption('2');
    await feed
      .getByText(/\(group 2\) became/)
      .first()
      .waitFor({ timeout: 10_000 });
    // Group 2 has no writes: every node's commit is below group 1's.
    const two = await waitForNodes(
      page,
      'group 2 on the ring',
      (ns) => ns.every((n) => n.commit < commitOf(1)) && ns.some((n) => n.role === 'StateLeader'),
    );
    expect(two.find((n) => n.role === 'StateLeader')?.id).toBe(leaderOf(s, 2));
    await page
      .getByTestId('summary')
      .getByText(`n${leaderOf(s, 2)} leads`)
      .waitFor();
    // Every log row is group 2's: no index beyond what group 2 has.
    expect(Math.max(...two.map((n) => n.last))).toBeLessThan(commitOf(1));

    await select.selectOption('1');
    await waitForNodes(page, 'group 1 again', (ns) => ns.some((n) => n.commit >= commitOf(1)));
  });

  it('undoes a partition, a pause and a crash, by button and by Ctrl+Z', async () => {
    const cluster = await createCluster(server, TICK_MS);
    clusters.push(cluster);
    ({ page, errors } = await openDashboard(browser, server, cluster));
    const leader = await waitForLeader(page);
    const undo = page.getByRole('button', { name: /Undo/ });
    expect(await undo.isDisabled()).toBe(true);

    // Isolate a follower from its node card.
    const follower = leader.id === 1 ? 2 : 1;
    await openNode(page, follower);
    await page.getByRole('button', { name: `Isolate n${follower}` }).click();
    await waitForServer(server, cluster, 'a partition', (x) => x.partitions.length > 0);
    await undo.filter({ hasText: /partition/ }).waitFor();
    await page.keyboard.press('Escape');

    // Pause with Space; the newest entry is the pause.
    await page.locator('body').press('Space');
    await waitForServer(server, cluster, 'a paused cluster', (x) => x.paused);
    await undo.filter({ hasText: 'pause' }).waitFor();
    expect(await page.locator('.undo-list summary').textContent()).toBe('2');

    await page.keyboard.press('Control+z');
    await waitForServer(server, cluster, 'the cluster resumed', (x) => !x.paused);
    await undo.click();
    await waitForServer(server, cluster, 'the partition healed', (x) => x.partitions.length === 0);
    await page.getByText(/undone: partition/).waitFor();
    await page.waitForFunction(
      () => (document.querySelector('.undo > button') as HTMLButtonElement | null)?.disabled,
    );

    // Crash the follower; undo restarts it.
    await openNode(page, follower);
    await page.getByRole('button', { name: `Crash n${follower}` }).click();
    await waitForServer(
      server,
      cluster,
      `n${follower} crashed`,
      (x) => x.nodes.find((n) => n.id === follower)?.status === 'crashed',
    );
    await undo.filter({ hasText: `crash n${follower}` }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+z');
    await waitForServer(
      server,
      cluster,
      `n${follower} running again`,
      (x) => x.nodes.find((n) => n.id === follower)?.status === 'running',
    );
  });

  it('starts a cluster of another size and switches to it', async () => {
    const cluster = await createCluster(server, TICK_MS);
    clusters.push(cluster);
    ({ page, errors } = await openDashboard(browser, server, cluster));
    await waitForLeader(page);

    await page.locator('.cluster-size summary', { hasText: '5 nodes' }).click();
    await page.getByLabel('Nodes', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'New cluster' }).click();
    await page.waitForURL(new RegExp(`cluster=${cluster}-3`), { timeout: WAIT_MS });
    clusters.push(`${cluster}-3`);
    await waitForNodes(page, 'three nodes', (ns) => ns.length === 3);
    await waitForLeader(page);
    expect((await snapshotOf(server, `${cluster}-3`)).nodes).toHaveLength(3);
    await page.locator('.cluster-size summary', { hasText: '3 nodes' }).waitFor();
  });
});
