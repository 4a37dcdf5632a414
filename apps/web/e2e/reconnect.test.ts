/**
 * Losing the server and getting it back. The dashboard must say it is reconnecting while the
 * server is away, reconnect by itself, draw the cluster as it is now, and say what the gap was:
 * how many events it missed when the same run went on without it, or that it is looking at a new
 * run when the server was restarted (and then forget the old run's history).
 */

import { createServer } from 'node:net';
import type { BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WAIT_MS, waitForLeader, waitForNodes } from './support/dashboard.ts';
import {
  buildDashboard,
  launchBrowser,
  openDashboard,
  type Page,
  type RunningServer,
  snapshotOf,
  startServer,
} from './support/harness.ts';

const TICK_MS = 20;
/** The server may take a while to start again, and the dashboard backs off up to 8 s. */
const RECONNECT_MS = 45_000;

/**
 * Installed before the page's own scripts: keeps the page's sockets, and while
 * `__raftlensCut` is set, points new ones at a closed port so that they fail.
 */
const SOCKETS = `(() => {
  const Real = window.WebSocket;
  window.__raftlensSockets = [];
  window.__raftlensCut = false;
  window.WebSocket = class extends Real {
    constructor(url, protocols) {
      super(window.__raftlensCut ? 'ws://127.0.0.1:9/' : url, protocols);
      window.__raftlensSockets.push(this);
    }
  };
})()`;

const CUT = `(() => {
  window.__raftlensCut = true;
  for (const s of window.__raftlensSockets) s.close();
})()`;

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? ok(address.port) : fail()));
    });
  });
}

async function status(page: Page): Promise<string> {
  return (await page.locator('.app-header .status').textContent()) ?? '';
}

async function waitForStatus(page: Page, words: string, timeoutMs = RECONNECT_MS) {
  await page
    .locator('.app-header .status', { hasText: words })
    .waitFor({ timeout: timeoutMs })
    .catch(async (err) => {
      throw new Error(`status never said "${words}"; it says "${await status(page)}": ${err}`);
    });
}

/** The notices shown now (they fade after a few seconds, so read them as they come). */
function notice(page: Page, text: RegExp) {
  return page.locator('.notices .notice', { hasText: text });
}

describe('the dashboard across a lost connection', () => {
  let server: RunningServer | null = null;
  let browser: BrowserContext;
  let page: Page;
  let errors: string[] = [];

  beforeAll(async () => {
    await buildDashboard();
    browser = await launchBrowser();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    await page?.close();
    await server?.stop();
    server = null;
    expect(errors).toEqual([]);
  });

  it(
    'says it is reconnecting while the server is down and that a restarted server is a new run',
    async () => {
      const port = await freePort();
      server = await startServer(TICK_MS, port);
      ({ page, errors } = await openDashboard(browser, server, 'default'));
      await waitForLeader(page);
      await waitForStatus(page, 'live', WAIT_MS);
      // Let the first run go on for a while, so its history is longer than the second's when
      // the dashboard comes back.
      await page.waitForTimeout(4000);
      const oldRun = await snapshotOf(server, 'default');
      expect(oldRun.seq).toBeGreaterThan(0);

      await server.stop();
      server = null;
      await waitForStatus(page, 'reconnecting');

      server = await startServer(TICK_MS, port);
      await waitForStatus(page, 'live');
      await notice(page, /connected to a new run of the cluster; earlier history cleared/).waitFor({
        timeout: WAIT_MS,
      });

      // The picture is the new run's: a leader of its own, and nothing the new run has not
      // done (its commit index, not the old one's).
      const running = server;
      await waitForLeader(page);
      const now = await snapshotOf(running, 'default');
      const shown = await waitForNodes(page, 'the new run on the ring', (ns) =>
        ns.every((n) => n.status === 'running'),
      );
      expect(shown.map((n) => n.id).sort()).toEqual(now.nodes.map((n) => n.id).sort());
      const commitNow = Math.max(...now.nodes.map((n) => n.groups[0]?.commit ?? 0));
      const commitShown = Math.max(...shown.map((n) => n.commit));
      // Within what the new run can commit in the moments between the two reads.
      expect(commitShown).toBeLessThanOrEqual(commitNow + 20);
    },
    RECONNECT_MS * 2,
  );

  it(
    'counts the events it missed when the same run went on while the connection was down',
    async () => {
      server = await startServer(TICK_MS);
      page = await browser.newPage();
      errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.addInitScript(SOCKETS);
      await page.goto(`${server.url}/?cluster=default`);
      await waitForLeader(page);
      await waitForStatus(page, 'live', WAIT_MS);

      // Cut the page's connection: its socket closes and new ones fail, while the server
      // and its cluster go on. (Chromium's offline emulation leaves open sockets alone.)
      await page.evaluate(CUT);
      await waitForStatus(page, 'reconnecting', WAIT_MS);
      await page.waitForTimeout(1500);
      await page.evaluate('window.__raftlensCut = false');

      await waitForStatus(page, 'live');
      const missed = notice(page, /reconnected; [\d,]+ events missed/);
      await missed.waitFor({ timeout: WAIT_MS });
      const n = Number(
        /reconnected; ([\d,]+)/.exec((await missed.textContent()) ?? '')?.[1]?.replaceAll(',', ''),
      );
      // A 20 ms tick makes heartbeats and their answers every tick: well over a hundred events
      // in a second and a half away.
      expect(n).toBeGreaterThan(100);
      const s = await snapshotOf(server, 'default');
      expect(s.seq).toBeGreaterThan(n);
      await waitForLeader(page);
    },
    RECONNECT_MS * 2,
  );
});
