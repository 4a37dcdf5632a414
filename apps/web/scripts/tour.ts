/**
 * A guided tour of the dashboard over a real server, saving a screenshot at each stop: the
 * pictures in docs/screenshots come from here. Usage: tsx apps/web/scripts/tour.ts [OUT_DIR]
 * (build the dashboard first: npx vite build apps/web).
 */

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { waitForLeader, waitForNodes } from '../e2e/support/dashboard.ts';
import { launchBrowser, type RunningServer, startServer } from '../e2e/support/harness.ts';

const out = process.argv[2] ?? '/tmp/tour';
mkdirSync(out, { recursive: true });

async function api(server: RunningServer, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}/api/clusters/default/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.status === 204 ? null : res.json();
}

const server = await startServer(100);
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1600, height: 1000 });
  page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
  await page.goto(server.url);
  const first = await waitForLeader(page);
  for (let i = 1; i <= 6; i++) await api(server, 'PUT', `kv/k${i}`, { value: `v${i}` });
  await api(server, 'PUT', 'speed', { factor: 0.25 });
  await page.waitForTimeout(2500);
  const shot = (name: string) => page.screenshot({ path: join(out, `${name}.png`) });
  await shot('overview');

  await page.setViewportSize({ width: 1280, height: 720 });
  await page.keyboard.press('l');
  await page.waitForTimeout(1200);
  await shot('projector-large-type');
  await page.keyboard.press('l');
  await page.setViewportSize({ width: 1600, height: 1000 });

  await page.getByRole('button', { name: 'Isolate the leader' }).click();
  await waitForLeader(page, first.term);
  await page.waitForTimeout(1500);
  await shot('partition-new-leader');
  await page.getByRole('button', { name: 'Heal' }).click();
  const leader = await waitForLeader(page, first.term);
  await waitForNodes(page, 'the old leader to follow', (ns) =>
    ns.every((n) => n.role !== 'StateLeader' || n.id === leader.id),
  );

  const others = [1, 2, 3, 4, 5].filter((id) => id !== leader.id);
  for (const f of others.slice(0, 3)) {
    await api(server, 'PUT', `links/${leader.id}/${f}`, { hold: true, types: ['MsgApp'] });
  }
  void api(server, 'PUT', 'kv/stuck', { value: 'yes' });
  await page.getByRole('heading', { name: /Held messages \(\d+\)/ }).waitFor();
  await page.waitForTimeout(1500);
  await page.getByRole('tab', { name: /Diagnosis/ }).click();
  await page.getByRole('button', { name: 'Explain' }).click();
  await page.waitForTimeout(800);
  await shot('held-commit-stuck-diagnosis');
  await page.getByRole('tab', { name: /Progress/ }).click();
  await page.waitForTimeout(500);
  await shot('held-progress');
  for (const f of others.slice(0, 3)) await api(server, 'DELETE', `links/${leader.id}/${f}`);
  const { held } = (await api(server, 'GET', 'held')) as { held: Array<{ msgId: string }> };
  for (const h of held) await api(server, 'POST', `held/${h.msgId}/drop`);

  await api(server, 'POST', `nodes/${others[3]}/crash`);
  await page.waitForTimeout(2500);
  await shot('crashed-node');

  await page.getByRole('tab', { name: /Events/ }).click();
  await page.locator('.spacetime canvas').focus();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await page.waitForTimeout(500);
  await page.locator('.time-section').screenshot({ path: join(out, 'space-time.png') });
  await page.locator('.log-section').screenshot({ path: join(out, 'logs.png') });

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.setViewportSize({ width: 820, height: 1180 });
  await page.waitForTimeout(1000);
  await shot('tablet');
  process.stdout.write(`screenshots in ${out}\n`);
} finally {
  await browser.close();
  await server.stop();
}
