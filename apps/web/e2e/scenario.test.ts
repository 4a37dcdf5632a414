/**
 * Guided scenarios end to end: a real server runs the scenario, the dashboard narrates it, and
 * a fault scenario ends on the finding that names the fault, whose evidence can be highlighted.
 */

import type { BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WAIT_MS } from './support/dashboard.ts';
import {
  buildDashboard,
  launchBrowser,
  type Page,
  type RunningServer,
  startServer,
} from './support/harness.ts';

const TICK_MS = 20;
const STEP_MS = 45_000;

interface Info {
  id: string;
  title: string;
  steps: Array<{ title: string }>;
}

describe('guided scenarios in the dashboard', () => {
  let server: RunningServer;
  let browser: BrowserContext;
  let page: Page;
  let errors: string[] = [];
  let catalogue: Info[] = [];

  beforeAll(async () => {
    await buildDashboard();
    [server, browser] = await Promise.all([startServer(TICK_MS), launchBrowser()]);
    catalogue = (await (await fetch(`${server.url}/api/scenarios`)).json()) as Info[];
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  afterEach(async () => {
    await page?.close();
    expect(errors).toEqual([]);
  });

  async function open(path: string): Promise<void> {
    page = await browser.newPage();
    errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}${path}`);
  }

  const panel = () => page.getByRole('region', { name: /./ }).and(page.locator('.scenario-panel'));
  const stepTitle = () => page.locator('.scenario-panel .sc-step-title');
  const idle = () =>
    page.locator('.scenario-panel[aria-busy="false"]').waitFor({ timeout: STEP_MS });

  it('is picked from the catalogue, started, and narrated step by step', async () => {
    const info = catalogue.find((s) => s.id === 'leader-election');
    expect(info?.steps.length).toBeGreaterThan(1);
    await open('/');

    await page.getByRole('button', { name: 'Scenarios' }).click();
    const picker = page.getByRole('dialog', { name: 'Guided scenarios' });
    await picker.getByRole('heading', { name: 'Integration faults · for engineers' }).waitFor();
    await picker.getByRole('button', { name: `Start ${info?.title}` }).click();

    // The page moved to the scenario's cluster and waits before step 1.
    await panel().getByText(`${info?.steps.length} steps · ready`).waitFor({ timeout: WAIT_MS });
    expect(new URL(page.url()).searchParams.get('cluster')).toBe('scenario-leader-election');
    expect(await stepTitle().textContent()).toBe(info?.steps[0]?.title);

    await page.getByRole('button', { name: 'Next ▶' }).click();
    await panel().getByText(`step 1 of ${info?.steps.length}`).waitFor({ timeout: WAIT_MS });
    await idle();
    const checks = page.locator('.sc-checks li');
    expect(await checks.count()).toBeGreaterThan(0);
    expect(await page.locator('.sc-checks li[data-ok="false"]').count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('step')).toBe('1');

    // The keyboard plays the next step too, and the narration moves on.
    await page.keyboard.press('n');
    await panel().getByText(`step 2 of ${info?.steps.length}`).waitFor({ timeout: WAIT_MS });
    await idle();
    expect(await stepTitle().textContent()).toBe(info?.steps[1]?.title);
    // The ring shows what the step told: a timeout fired and a node asks for pre-votes.
    await page.locator('.cluster-view .node[data-role="StatePreCandidate"]').first().waitFor();

    // Back replays from the seed: the stream resets and the narration returns to step 1.
    await page.keyboard.press('b');
    await panel().getByText(`step 1 of ${info?.steps.length}`).waitFor({ timeout: STEP_MS });
    await idle();
    expect(await stepTitle().textContent()).toBe(info?.steps[0]?.title);
  }, 150_000);

  it('opens a fault scenario from a link at its last step, on the finding that names it', async () => {
    const info = catalogue.find((s) => s.id === 'fault-never-advance');
    const last = info?.steps.length ?? 0;
    await open(`/?scenario=fault-never-advance&step=${last}`);

    await panel().getByText(`step ${last} of ${last}`).waitFor({ timeout: STEP_MS });
    const finding = page.locator('.sc-finding[data-code="ReadyNotAdvanced"]');
    await finding.waitFor({ timeout: WAIT_MS });
    // The finding names nodes the way the ring does.
    const sentence = (await finding.locator('.sc-finding-text').textContent()) ?? '';
    expect(sentence).toMatch(/\bn\d\b/);
    expect(sentence).not.toMatch(/\bnode \d/i);

    await finding.getByRole('button', { name: 'Show the evidence' }).click();
    const bar = page.locator('.highlight-bar');
    await bar.waitFor();
    expect(await page.locator('.cluster-view .node.evidence').count()).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    await bar.waitFor({ state: 'detached' });
    expect(await page.locator('.cluster-view .node.evidence').count()).toBe(0);
  }, 150_000);

  it('raises the safety alarm when an acknowledged write is lost', async () => {
    const info = catalogue.find((s) => s.id === 'fault-ack-on-append');
    const last = info?.steps.length ?? 0;
    await open(`/?scenario=fault-ack-on-append&step=${last}`);

    const alarm = page.locator('.safety-alarm[data-code="AckedWriteLost"]');
    await alarm.waitFor({ timeout: STEP_MS });
    expect(await page.getByRole('alert').filter({ has: alarm }).count()).toBe(1);
    expect(await alarm.locator('.alarm-text').textContent()).not.toMatch(/\bnode \d/i);

    await alarm.getByRole('button', { name: 'Show the evidence' }).click();
    await page.locator('.highlight-bar').waitFor();

    await alarm.getByRole('button', { name: 'Acknowledge' }).click();
    await alarm.waitFor({ state: 'detached' });
  }, 150_000);
});
