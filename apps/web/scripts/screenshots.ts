/**
 * Takes screenshots of the dashboard. With `--server URL` it opens a running Raftlens server;
 * without, it serves apps/web/dist itself and plays a made-up scenario through a mocked
 * WebSocket. Usage: tsx apps/web/scripts/screenshots.ts [--server URL] [--out DIR] [--scenario
 * steady|trouble] [--width W --height H] [--large] [--name NAME] [--wait MS]
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { heartbeatRound, history, type ScenarioName, scenarioSnapshot } from './scenario.ts';
import { serveDist } from './staticServer.ts';

const { values } = parseArgs({
  options: {
    server: { type: 'string' },
    out: { type: 'string', default: '/tmp/shots' },
    scenario: { type: 'string', default: 'steady' },
    width: { type: 'string', default: '1600' },
    height: { type: 'string', default: '1000' },
    large: { type: 'boolean', default: false },
    name: { type: 'string', default: 'shot' },
    wait: { type: 'string', default: '1500' },
    click: { type: 'string' },
    press: { type: 'string' },
    tab: { type: 'string' },
    full: { type: 'boolean', default: false },
  },
});

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function mockCluster(page: Page, scenario: ScenarioName): Promise<() => void> {
  let seq = 0;
  const nextSeq = () => ++seq;
  const past = history(nextSeq);
  const snap = () => scenarioSnapshot(scenario, seq);
  await page.route('**/api/**', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(snap()) }),
  );
  const timers: NodeJS.Timeout[] = [];
  await page.routeWebSocket(/\/stream$/, (ws) => {
    ws.send(JSON.stringify({ type: 'hello', version: 1, cluster: 'default', snapshot: snap() }));
    ws.send(JSON.stringify({ type: 'events', events: past }));
    let round = 0;
    const peers = scenario === 'trouble' ? [2, 3, 5] : [2, 3, 4, 5];
    const drop = scenario === 'trouble' ? [5] : [];
    timers.push(
      setInterval(
        () => {
          ws.send(
            JSON.stringify({
              type: 'events',
              events: heartbeatRound(nextSeq, peers, drop, round++),
            }),
          );
        },
        scenario === 'trouble' ? 900 : 300,
      ),
      setInterval(() => ws.send(JSON.stringify({ type: 'state', snapshot: snap() })), 1000),
    );
  });
  return () => timers.forEach(clearInterval);
}

async function main(): Promise<void> {
  const width = Number(values.width);
  const height = Number(values.height);
  const dist = join(import.meta.dirname, '..', 'dist');
  const local = values.server ? null : await serveDist(dist);
  const base = values.server ?? local?.url ?? '';
  const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'rl-shot-')), {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    viewport: { width, height },
    deviceScaleFactor: 1,
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning')
      process.stderr.write(`console: ${m.text()}\n`);
  });
  const stop = local ? await mockCluster(page, values.scenario as ScenarioName) : () => {};
  await page.goto(base);
  await page.waitForSelector('.node');
  if (values.large) await page.keyboard.press('l');
  if (values.tab) await page.getByRole('tab', { name: values.tab }).click();
  if (values.click) await page.locator(values.click).first().click();
  if (values.press) await page.keyboard.press(values.press);
  await page.waitForTimeout(Number(values.wait));
  const path = join(values.out ?? '/tmp/shots', `${values.name}.png`);
  await page.screenshot({ path, fullPage: values.full });
  process.stdout.write(`${path}\n`);
  stop();
  await ctx.close();
  local?.server.close();
}

await main();
