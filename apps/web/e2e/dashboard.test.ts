import type { BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  nodes,
  openLink,
  openNode,
  WAIT_MS,
  waitForLeader,
  waitForNodes,
} from './support/dashboard.ts';
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

describe('the dashboard over a real cluster', () => {
  let server: RunningServer;
  let browser: BrowserContext;
  let cluster = '';
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
    if (cluster) await deleteCluster(server, cluster);
    expect(errors).toEqual([]);
  });

  async function open(): Promise<void> {
    cluster = await createCluster(server, TICK_MS);
    ({ page, errors } = await openDashboard(browser, server, cluster));
  }

  it('shows a leader being elected, on the ring and in the summary', async () => {
    await open();

    const leader = await waitForLeader(page);

    const label = await page.locator(`.node[data-node="${leader.id}"]`).getAttribute('aria-label');
    expect(label).toMatch(new RegExp(`^n${leader.id}, leader, term ${leader.term}`));
    await page.getByTestId('summary').getByText(`n${leader.id} leads`).waitFor();
  });

  it('writes a value and sees it committed on every node', async () => {
    await open();
    await waitForLeader(page);

    await page.getByLabel('key', { exact: true }).fill('colour');
    await page.getByLabel('value', { exact: true }).fill('teal');
    await page.getByRole('button', { name: 'Write' }).click();

    const answer = page.locator('.kv-answer');
    await answer.getByText(/colour = teal committed at index \d+/).waitFor({ timeout: WAIT_MS });
    const index = Number(/at index (\d+)/.exec((await answer.textContent()) ?? '')?.[1]);
    await waitForNodes(page, `every node to commit ${index}`, (ns) =>
      ns.every((n) => n.commit >= index),
    );
    await page.getByRole('button', { name: 'Read', exact: true }).click();
    await answer.getByText(/colour = teal \(read index \d+/).waitFor({ timeout: WAIT_MS });
  });

  it('isolates the leader, sees and hears a new one at a higher term, then the old one follow', async () => {
    await open();
    const old = await waitForLeader(page);

    await page.getByRole('button', { name: 'Isolate the leader' }).click();
    const next = await waitForLeader(page, old.term);
    await page.getByTestId('summary').getByText('partitioned').waitFor();
    expect(next.id).not.toBe(old.id);
    const announced = page.locator('[role="log"][aria-live="polite"]');
    await announced
      .getByText(`n${next.id} became leader for term ${next.term}`)
      .waitFor({ timeout: WAIT_MS });
    await page.getByRole('button', { name: 'Heal' }).click();

    await waitForNodes(page, `n${old.id} to follow at term >= ${next.term}`, (ns) => {
      const n = ns.find((x) => x.id === old.id);
      return n?.role === 'StateFollower' && n.term >= next.term;
    });
    expect((await snapshotOf(server, cluster)).partitions).toEqual([]);
  });

  it('holds MsgApp to a majority, sees commit stall, then releases it', async () => {
    await open();
    const leader = await waitForLeader(page);
    const followers = (await nodes(page)).filter((n) => n.id !== leader.id).map((n) => n.id);
    const cut = followers.slice(0, 3);
    for (const f of cut) {
      await openLink(page, leader.id, f);
      const forward = `n${leader.id} → n${f}`;
      await page.getByText(forward, { exact: true }).click();
      await page.getByRole('button', { name: 'Hold MsgApp' }).click();
      await page.getByText(/Now: hold · App/).waitFor();
    }
    await page.keyboard.press('Escape');
    const before = (await nodes(page)).find((n) => n.id === leader.id)?.commit ?? 0;

    await page.getByLabel('key', { exact: true }).fill('stuck');
    await page.getByRole('button', { name: 'Write' }).click();
    await page
      .getByRole('heading', { name: /Held messages \(\d+\)/ })
      .waitFor({ timeout: WAIT_MS });
    const stalled = await waitForNodes(page, 'an appended but uncommitted entry', (ns) => {
      const l = ns.find((n) => n.id === leader.id);
      return l !== undefined && l.last > l.commit;
    });
    const stuck = stalled.find((n) => n.id === leader.id);
    expect(stuck?.commit).toBe(before);
    const carrying = page.locator('.held-list li').filter({ hasText: /[1-9]\d* entr(y|ies)/ });
    await carrying
      .first()
      .getByRole('button', { name: /^Release MsgApp/ })
      .click();

    await waitForNodes(page, 'the held entry to commit', (ns) => {
      const l = ns.find((n) => n.id === leader.id);
      return l !== undefined && l.commit >= (stuck?.last ?? Number.POSITIVE_INFINITY);
    });
  });

  it('crashes and restarts a node from its card', async () => {
    await open();
    const leader = await waitForLeader(page);
    const victim = (await nodes(page)).find((n) => n.id !== leader.id)?.id ?? 0;

    await openNode(page, victim);
    await page.getByRole('button', { name: `Crash n${victim}` }).click();
    await waitForNodes(page, `n${victim} down`, (ns) =>
      ns.some((n) => n.id === victim && n.status === 'crashed'),
    );
    const label = await page.locator(`.node[data-node="${victim}"]`).getAttribute('aria-label');
    expect(label).toContain('crashed');
    await page.getByRole('button', { name: `Restart n${victim}` }).click();

    await waitForNodes(page, `n${victim} back and caught up`, (ns) => {
      const l = ns.find((n) => n.role === 'StateLeader' && n.status === 'running');
      const v = ns.find((n) => n.id === victim);
      return v?.status === 'running' && l !== undefined && v.commit >= l.commit;
    });
  });

  it('changes the speed, pauses, steps a tick and the next queued message, and resumes', async () => {
    await open();
    await waitForLeader(page);

    await page.getByLabel('Speed').fill('50');
    await page.getByText('0.1×', { exact: true }).waitFor();
    await expect
      .poll(async () => (await snapshotOf(server, cluster)).speed, { timeout: WAIT_MS })
      .toBe(0.1);
    await page.keyboard.press('Space');

    await page.getByRole('status').getByText('paused').waitFor({ timeout: WAIT_MS });
    expect((await snapshotOf(server, cluster)).paused).toBe(true);
    const ticksBefore = (await snapshotOf(server, cluster)).nodes[0]?.tick ?? 0;
    await page.getByRole('button', { name: 'Step tick' }).click();
    await expect
      .poll(async () => (await snapshotOf(server, cluster)).nodes[0]?.tick ?? 0, {
        timeout: WAIT_MS,
      })
      .toBe(ticksBefore + 1);
    const queue = page.locator('.pending-list li');
    await queue.first().waitFor({ timeout: WAIT_MS });
    const next = await queue.first().textContent();
    const waiting = await queue.count();
    await page.getByRole('button', { name: 'Step message' }).click();
    await expect
      .poll(
        async () =>
          (await queue.count()) !== waiting || (await queue.first().textContent()) !== next,
        {
          timeout: WAIT_MS,
        },
      )
      .toBe(true);
    await page.getByRole('button', { name: '▶ Resume' }).click();
    await expect
      .poll(async () => (await snapshotOf(server, cluster)).paused, { timeout: WAIT_MS })
      .toBe(false);
  });

  it('draws nothing while the tab is hidden and catches up when it is shown', async () => {
    await open();
    const leader = await waitForLeader(page);
    let frames = 0;
    page.on('websocket', (ws) => ws.on('framereceived', () => frames++));
    await page.reload();
    await waitForLeader(page);
    const setHidden = (hidden: boolean) =>
      page.evaluate((h) => {
        Object.defineProperty(document, 'visibilityState', {
          configurable: true,
          get: () => (h ? 'hidden' : 'visible'),
        });
        document.dispatchEvent(new Event('visibilitychange'));
      }, hidden);

    await setHidden(true);
    const shown = (await nodes(page)).find((n) => n.id === leader.id)?.commit ?? 0;
    const res = await fetch(`${server.url}/api/clusters/${cluster}/kv/quiet`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'shh' }),
    });
    const { index } = (await res.json()) as { index: number };
    const seen = frames;
    await expect.poll(() => frames, { timeout: WAIT_MS }).toBeGreaterThan(seen + 3);

    expect((await nodes(page)).find((n) => n.id === leader.id)?.commit).toBe(shown);
    await setHidden(false);
    await waitForNodes(page, `commit ${index} after the tab is shown`, (ns) =>
      ns.every((n) => n.commit >= index),
    );
  });

  it('gives every control an accessible name', async () => {
    await open();
    await waitForLeader(page);
    await page.getByRole('tab', { name: /Progress/ }).click();
    await page.getByRole('tab', { name: /Controls/ }).click();
    await openNode(page, 1);

    const cdp = await page.context().newCDPSession(page);
    const { nodes: ax } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: Array<{ ignored: boolean; role?: { value: string }; name?: { value: string } }>;
    };
    const controls = new Set([
      'button',
      'textbox',
      'slider',
      'checkbox',
      'radio',
      'tab',
      'spinbutton',
      'combobox',
    ]);
    const unnamed = ax.filter(
      (n) => !n.ignored && controls.has(n.role?.value ?? '') && !n.name?.value?.trim(),
    );

    expect(ax.filter((n) => controls.has(n.role?.value ?? '')).length).toBeGreaterThan(30);
    expect(unnamed.map((n) => n.role?.value)).toEqual([]);
  });
});
