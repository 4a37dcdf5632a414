/**
 * A guided tour of the dashboard over a real server, saving a screenshot at each stop: the
 * pictures in docs/screenshots come from here. Usage: tsx apps/web/scripts/tour.ts [OUT_DIR]
 * (build the dashboard first: npx vite build apps/web).
 */

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openLink, openNode, waitForLeader, waitForNodes } from '../e2e/support/dashboard.ts';
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
  const shot = async (name: string) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(out, `${name}.png`) });
  };
  await shot('overview');
  // Who leads is up to the election: said here, for the words that go with the picture.
  process.stdout.write(`overview: n${first.id} leads term ${first.term}\n`);

  await page.setViewportSize({ width: 1280, height: 720 });
  await page.keyboard.press('l');
  await page.waitForTimeout(1200);
  await shot('projector-large-type');
  await page.keyboard.press('l');
  await page.setViewportSize({ width: 1600, height: 1000 });

  await page.getByRole('button', { name: 'Isolate the leader' }).click();
  // A write through the isolated old leader, before CheckQuorum steps it down: it is appended
  // there but can never commit.
  void api(server, 'PUT', `kv/lost?via=${first.id}&timeoutMs=20000`, { value: 'never' });
  const second = await waitForLeader(page, first.term);
  await page.waitForTimeout(1500);
  await shot('partition-new-leader');

  // The new leader commits a different entry at the same index: the log view shows the
  // conflict. CheckQuorum may step the old leader down first; then there is none to show.
  const appended = await waitForNodes(page, 'the old leader to append alone', (ns) => {
    const old = ns.find((n) => n.id === first.id);
    return old !== undefined && old.last > old.commit;
  }).then(
    () => true,
    () => false,
  );
  if (appended) {
    await api(server, 'PUT', `kv/won?via=${second.id}`, { value: 'yes' });
    await page.waitForTimeout(1200);
    await shot('partition-conflicting-logs');
    await page.locator('.log-section').screenshot({ path: join(out, 'logs-conflict.png') });
  } else {
    process.stderr.write('the old leader stepped down before appending; no conflict shot\n');
  }
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
  // The evidence of a held link, highlighted: the messages stuck on it in the space-time diagram.
  await page
    .locator('.finding[data-code="LinkHeld"]')
    .first()
    .getByRole('button', { name: 'Highlight evidence' })
    .click();
  await page.waitForTimeout(800);
  await page.locator('.time-section').screenshot({ path: join(out, 'evidence-space-time.png') });
  await page.getByRole('button', { name: 'Clear highlight' }).first().click();
  await page.getByRole('tab', { name: /Progress/ }).click();
  await page.waitForTimeout(500);
  await shot('held-progress');
  await openLink(page, leader.id, others[0] ?? 1);
  await page.waitForTimeout(400);
  await shot('link-rules');
  await page.keyboard.press('Escape');
  for (const f of others.slice(0, 3)) await api(server, 'DELETE', `links/${leader.id}/${f}`);
  const { held } = (await api(server, 'GET', 'held')) as { held: Array<{ msgId: string }> };
  for (const h of held) await api(server, 'POST', `held/${h.msgId}/drop`);

  await api(server, 'POST', `nodes/${others[3]}/crash`);
  await page.waitForTimeout(2500);
  await shot('crashed-node');
  await openNode(page, others[3] ?? 1);
  await page.waitForTimeout(400);
  await shot('node-actions');
  await page.keyboard.press('Escape');

  await page.getByRole('tab', { name: /Events/ }).click();
  await page.locator('.spacetime canvas').focus();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  // The selection stays; the keyboard focus ring would only frame the picture.
  await page.locator('.spacetime canvas').blur();
  await page.waitForTimeout(500);
  await page.locator('.time-section').screenshot({ path: join(out, 'space-time.png') });
  await page.locator('.log-section').screenshot({ path: join(out, 'logs.png') });

  await page.evaluate(() => window.scrollTo(0, 0));
  await api(server, 'POST', `nodes/${others[3]}/restart`);
  await api(server, 'POST', 'membership', {
    changes: [
      { type: 'add-voter', node: 6 },
      { type: 'remove', node: others[0] },
    ],
    transition: 'explicit',
  });
  await page.getByRole('tab', { name: /Progress/ }).click();
  await page.waitForTimeout(2000);
  await shot('joint-consensus');
  await page.getByRole('tab', { name: /Controls/ }).click();

  // A tablet: narrow, and a touch screen, so the page sizes its controls for a finger.
  await page.evaluate(() => window.scrollTo(0, 0));
  const cdp = await browser.newCDPSession(page);
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
  await page.setViewportSize({ width: 820, height: 1180 });
  await page.waitForTimeout(1000);
  await shot('tablet');
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: false });
  await cdp.detach();

  // Guided scenarios: the catalogue, the narration (also as a projector shows it), a fault
  // scenario ending on the finding that names the fault, and the safety alarm.
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.getByRole('button', { name: 'Scenarios' }).click();
  await page.locator('.picker-item').first().waitFor();
  await page.waitForTimeout(400);
  await shot('scenario-picker');
  await page.keyboard.press('Escape');
  const settled = (position: number) =>
    page
      .locator(`.scenario-panel[aria-busy="false"][data-position="${position}"]`)
      .waitFor({ timeout: 60_000 });
  await page.goto(`${server.url}/?scenario=leader-election&step=3`);
  await settled(3);
  await page.keyboard.press('n');
  await settled(4);
  await page.waitForTimeout(1500);
  await shot('scenario-narration');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.keyboard.press('l');
  await page.waitForTimeout(1000);
  await shot('scenario-projector');
  // Scrolled down to the ring, the narration stays at the top: the class sees both.
  await page.evaluate(
    `window.scrollTo(0, document.querySelector('.cluster-view').getBoundingClientRect().top +
      window.scrollY - document.querySelector('.scenario-panel').getBoundingClientRect().height)`,
  );
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(out, 'scenario-projector-ring.png') });
  await page.keyboard.press('l');
  // Taller, so that the node the evidence points at is in the picture too.
  await page.setViewportSize({ width: 1600, height: 1400 });
  await page.goto(`${server.url}/?scenario=fault-never-advance&step=2`);
  await page.locator('.sc-finding').waitFor({ timeout: 60_000 });
  await page.locator('.sc-finding').getByRole('button', { name: 'Show the evidence' }).click();
  await page.waitForTimeout(1200);
  await shot('scenario-fault-finding');
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto(`${server.url}/?scenario=fault-ack-on-append&step=3`);
  await page.locator('.safety-alarm').waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1200);
  await shot('safety-alarm');
  process.stdout.write(`screenshots in ${out}\n`);
} finally {
  await browser.close();
  await server.stop();
}
