/**
 * Measures how smoothly the dashboard draws a busy cluster: frames per second and the longest
 * frame, idle and under a flood of client writes. Usage: tsx apps/web/scripts/perf.ts [TICK_MS]
 * [WRITERS] (build the dashboard first: npx vite build apps/web).
 */

import { waitForLeader } from '../e2e/support/dashboard.ts';
import {
  createCluster,
  launchBrowser,
  openDashboard,
  startServer,
} from '../e2e/support/harness.ts';

const tickMs = Number(process.argv[2] ?? 20);
const writers = Number(process.argv[3] ?? 16);

const FRAMES = `new Promise((ok) => {
  let n = 0; let worst = 0; let long = 0; let last = performance.now(); const t0 = last;
  const f = () => {
    const now = performance.now(); const dt = now - last; last = now; n++;
    worst = Math.max(worst, dt); if (dt > 50) long++;
    if (now - t0 < 5000) requestAnimationFrame(f);
    else ok({ fps: Math.round(n / 5), worstMs: Math.round(worst), over50ms: long });
  };
  requestAnimationFrame(f);
})`;

const server = await startServer(tickMs);
const browser = await launchBrowser();
try {
  const cluster = await createCluster(server, tickMs);
  const { page, errors } = await openDashboard(browser, server, cluster);
  await waitForLeader(page);
  await page.waitForTimeout(1000);
  process.stdout.write(`tick ${tickMs} ms, idle: ${JSON.stringify(await page.evaluate(FRAMES))}\n`);

  let stop = false;
  let written = 0;
  const flood = Array.from({ length: writers }, async (_, w) => {
    for (let i = 0; !stop; i++) {
      const res = await fetch(`${server.url}/api/clusters/${cluster}/kv/w${w}k${i % 50}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value: `${i}` }),
      });
      if (res.ok) written++;
    }
  });
  const frames = await page.evaluate(FRAMES);
  stop = true;
  await Promise.all(flood);
  const events = await page.evaluate('document.querySelector(".spacetime canvas")?.ariaLabel');
  process.stdout.write(
    `under ${writers} writers (${Math.round(written / 5)} writes/s): ${JSON.stringify(frames)}\n`,
  );
  process.stdout.write(`space-time: ${events}; page errors: ${errors.length}\n`);
} finally {
  await browser.close();
  await server.stop();
}
