/**
 * bench:ui — how smoothly the dashboard draws a busy 9-node cluster, as one JSON document.
 *
 * It starts the real server, creates a 9-node live cluster with a short tick, drives client
 * writes until the cluster sends about TARGET Raft messages a second (counted from the trace
 * stream itself, not estimated), opens the dashboard in headless Chromium and measures frames
 * (mean fps, 5th-percentile fps, the longest frame, frames over 50 ms), the JS heap and the DOM
 * size at the start and the end. A second phase hides the tab: drawing must stop (no frames, no
 * script work to speak of) while the stream keeps its place, and showing the tab again must
 * catch up with the cluster quickly.
 *
 * Usage: tsx apps/web/scripts/bench-ui.ts [--seconds 10] [--target 2000] [--tick-ms 10]
 *        [--heartbeat 1] [--nodes 9] [--build]; the bench tunes the rate of client writes to
 *        reach the target, and builds the dashboard when apps/web/dist is missing or with --build.
 */

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { StreamMessage } from '@raftlens/trace';
import type { CDPSession, Page } from 'playwright-core';
import { waitForLeader } from '../e2e/support/dashboard.ts';
import {
  buildDashboard,
  launchBrowser,
  REPO,
  type RunningServer,
  startServer,
} from '../e2e/support/harness.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    target: { type: 'string', default: '2000' },
    'tick-ms': { type: 'string', default: '10' },
    heartbeat: { type: 'string', default: '1' },
    nodes: { type: 'string', default: '9' },
    build: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'Usage: pnpm bench:ui [--seconds 10] [--target 2000] [--tick-ms 10] [--heartbeat 1]\n' +
      '                     [--nodes 9] [--build]\n' +
      'Drives a live cluster at --target Raft messages a second (tuning the rate of client\n' +
      'writes), draws it in headless Chromium and prints frames per second, main-thread work,\n' +
      'heap and DOM size, and the hidden-tab behaviour as one JSON document.\n',
  );
  process.exit(0);
}
const SECONDS = Number(values.seconds);
const TARGET = Number(values.target);
const TICK_MS = Number(values['tick-ms']);
const HEARTBEAT = Number(values.heartbeat);
const NODES = Number(values.nodes);
const CLUSTER = 'benchui';
/** Writes a second at most, and unanswered writes at most. */
const WRITES_MAX = 2000;
const IN_FLIGHT_MAX = 48;

/** The little of the `ws` client this script uses. */
interface WsClient {
  on(event: 'message', cb: (data: unknown) => void): void;
  once(event: 'open' | 'error', cb: (arg?: unknown) => void): void;
  close(): void;
}
type WsCtor = new (url: string) => WsClient;

// The stream's WebSocket client is the server's own dependency.
const WebSocketImpl = createRequire(join(REPO, 'apps/server/package.json'))('ws') as WsCtor;

/** Counts Raft messages sent (net `Send` events) on the cluster's own viewer stream. */
class MessageCounter {
  sends = 0;
  lastSeq = 0;
  private ws: WsClient;
  constructor(url: string) {
    this.ws = new WebSocketImpl(`${url.replace(/^http/, 'ws')}/api/clusters/${CLUSTER}/stream`);
    this.ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as StreamMessage;
      if (m.type === 'events') {
        for (const e of m.events) {
          if (e.kind === 'net' && e.name === 'Send') this.sends++;
          this.lastSeq = e.seq;
        }
      } else if (m.type === 'gap') {
        // A cut queue would under-count; say so rather than report a low rate.
        process.stderr.write(`bench:ui: the counting viewer missed ${m.missed} events\n`);
      }
    });
  }
  ready(): Promise<void> {
    return new Promise((ok, fail) => {
      this.ws.once('open', () => ok());
      this.ws.once('error', fail);
    });
  }
  close(): void {
    this.ws.close();
  }
}

/**
 * Client writes at a set rate, open loop: every 10 ms the writes due are sent, each on its own,
 * with at most IN_FLIGHT_MAX unanswered (beyond that the load is closed-loop). A rate, unlike a
 * number of closed-loop writers, can be set finely: on a 9-node cluster with a 10 ms tick one
 * writer waiting for each answer already adds more messages a second than the heartbeats make.
 */
function writeLoad(server: RunningServer) {
  let rate = 0;
  let written = 0;
  let inFlight = 0;
  let stopped = false;
  let seq = 0;
  const write = async (i: number) => {
    inFlight++;
    try {
      const res = await fetch(`${server.url}/api/clusters/${CLUSTER}/kv/k${i % 256}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value: `${i}` }),
      });
      await res.arrayBuffer();
      if (res.ok) written++;
    } catch {
      // A refused or failed write counts for nothing; the message counter sees what happened.
    } finally {
      inFlight--;
    }
  };
  const done = (async () => {
    let due = 0;
    let last = Date.now();
    while (!stopped) {
      await sleep(10);
      const now = Date.now();
      due += (rate * (now - last)) / 1000;
      last = now;
      while (due >= 1) {
        due--;
        if (inFlight < IN_FLIGHT_MAX) void write(seq++);
      }
    }
  })();
  return {
    written: () => written,
    rate: () => rate,
    setRate: (r: number) => {
      rate = Math.max(0, r);
    },
    stop: async () => {
      stopped = true;
      await done;
      while (inFlight > 0) await sleep(10);
    },
  };
}

/** Messages per second the cluster sends over the next `ms`. */
async function rateOver(counter: MessageCounter, ms: number): Promise<number> {
  const s0 = counter.sends;
  const t0 = Date.now();
  await sleep(ms);
  return ((counter.sends - s0) * 1000) / (Date.now() - t0);
}

/**
 * Heartbeats alone set a floor (a leader and its answers every heartbeat); each write adds its
 * appends and their answers, though not in proportion (appends batch). The floor is measured,
 * then a controller keeps the message rate at the target for the rest of the run: every second
 * it scales the write rate by how far the messages above the floor are from where they should
 * be (damped, at most doubling or halving). On a shared machine the cluster's pace wanders, and
 * a rate fixed once would drift off the target while the frames are measured.
 */
function holdTarget(load: ReturnType<typeof writeLoad>, counter: MessageCounter) {
  let stopped = false;
  const result = { heartbeatOnlyMsgsPerS: 0 };
  const settled = (async () => {
    load.setRate(0);
    await sleep(500);
    const floor = await rateOver(counter, 1500);
    result.heartbeatOnlyMsgsPerS = Math.round(floor);
    process.stderr.write(`bench:ui: no writes -> ${Math.round(floor)} messages/s\n`);
    if (floor >= TARGET) return;
    // A first guess: a write costs about two messages per follower (the append and its answer).
    let w = Math.max(1, (TARGET - floor) / (2 * (NODES - 1)));
    load.setRate(w);
    for (let round = 0; round < 5; round++) {
      const rate = await rateOver(counter, 1000);
      process.stderr.write(`bench:ui: ${round1(w)} writes/s -> ${Math.round(rate)} messages/s\n`);
      w = nextRate(w, rate, floor);
      load.setRate(w);
    }
    void (async () => {
      while (!stopped) {
        const rate = await rateOver(counter, 1000);
        if (!stopped) load.setRate(nextRate(load.rate(), rate, floor));
      }
    })();
  })();
  return {
    settled: () => settled.then(() => result),
    stop: () => {
      stopped = true;
    },
  };
}

function nextRate(w: number, rate: number, floor: number): number {
  const want = Math.max(1, TARGET - floor);
  const got = Math.max(1, rate - floor);
  const k = Math.min(2, Math.max(0.5, Math.sqrt(want / got)));
  return Math.min(WRITES_MAX, Math.max(0.5, w * k));
}

/** Frame intervals (ms) over `ms`, taken with requestAnimationFrame in the page. */
const FRAMES = (ms: number) => `new Promise((ok) => {
  const dts = []; let last = performance.now(); const t0 = last;
  const f = () => {
    const now = performance.now(); dts.push(now - last); last = now;
    if (now - t0 < ${ms}) requestAnimationFrame(f); else ok(dts);
  };
  requestAnimationFrame(f);
})`;

function frameStats(dts: number[], ms: number) {
  const sorted = [...dts].sort((a, b) => a - b);
  const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
  // The worst one-second window, so one long freeze shows as a low minimum.
  let minFps = Number.POSITIVE_INFINITY;
  let acc = 0;
  let count = 0;
  for (const dt of dts) {
    acc += dt;
    count++;
    if (acc >= 1000) {
      minFps = Math.min(minFps, (count * 1000) / acc);
      acc = 0;
      count = 0;
    }
  }
  return {
    mean: round1((dts.length * 1000) / ms),
    p5: p95 > 0 ? round1(1000 / p95) : 0,
    minOneSecond: Number.isFinite(minFps) ? round1(minFps) : 0,
    longestFrameMs: Math.round(sorted.at(-1) ?? 0),
    framesOver50ms: dts.filter((d) => d > 50).length,
    frames: dts.length,
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const mb = (bytes: number) => round1(bytes / 1048576);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

// Page code is passed as text: tsx would wrap named functions in a helper the page lacks.

/** The leader's commit index as the dashboard's ring shows it. */
async function shownCommit(page: Page): Promise<number> {
  return Number(
    await page.evaluate(
      `document.querySelector('.cluster-view .node[data-role="StateLeader"]')?.dataset.commit ?? 0`,
    ),
  );
}

async function serverCommit(server: RunningServer): Promise<number> {
  const res = await fetch(`${server.url}/api/clusters/${CLUSTER}`);
  const snap = (await res.json()) as import('@raftlens/trace').ClusterSnapshot;
  return Math.max(...snap.nodes.flatMap((n) => n.groups.map((g) => g.commit)));
}

/** Hides or shows the page the way a background tab is: visibility and the event. */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate(`(() => {
    const h = ${hidden};
    Object.defineProperty(document, 'visibilityState', {
      configurable: true, get: () => (h ? 'hidden' : 'visible'),
    });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    document.dispatchEvent(new Event('visibilitychange'));
  })()`);
}

if (values.build || !existsSync(join(REPO, 'apps/web/dist/index.html'))) {
  process.stderr.write('bench:ui: building the dashboard\n');
  await buildDashboard();
}

const server = await startServer(TICK_MS);
const browser = await launchBrowser();
let counter: MessageCounter | null = null;
try {
  const created = await fetch(`${server.url}/api/clusters`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: CLUSTER,
      size: NODES,
      tickMs: TICK_MS,
      core: { heartbeatTick: HEARTBEAT, electionTick: Math.max(10, HEARTBEAT * 10) },
    }),
  });
  if (created.status !== 201) throw new Error(`creating the cluster: ${await created.text()}`);
  counter = new MessageCounter(server.url);
  await counter.ready();

  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/?cluster=${CLUSTER}`);
  await waitForLeader(page);
  const cdp = await browser.newCDPSession(page);
  await cdp.send('Performance.enable');
  const chromiumVersion = (await cdp.send('Browser.getVersion')).product;

  const writers = writeLoad(server);
  const control = holdTarget(writers, counter);
  const tuning = await control.settled();
  const rates: number[] = [];
  const sampler = setInterval(() => rates.push(writers.rate()), 250);
  const m0 = await metrics(cdp);
  const sends0 = counter.sends;
  const written0 = writers.written();
  const t0 = Date.now();
  const dts = (await page.evaluate(FRAMES(SECONDS * 1000))) as number[];
  const elapsed = (Date.now() - t0) / 1000;
  const m1 = await metrics(cdp);
  const elements = Number(await page.evaluate(`document.querySelectorAll('*').length`));
  const measuredMsgs = (counter.sends - sends0) / elapsed;
  const writesPerS = (writers.written() - written0) / elapsed;
  clearInterval(sampler);

  // Hidden tab: nothing should be drawn, the stream keeps its place.
  const hiddenMs = 5000;
  await setHidden(page, true);
  const h0 = await metrics(cdp);
  await sleep(hiddenMs);
  const h1 = await metrics(cdp);
  const target = await serverCommit(server);
  const shownBefore = await shownCommit(page);
  const shownAt = Date.now();
  await setHidden(page, false);
  let caughtUpMs = -1;
  while (Date.now() - shownAt < 10_000) {
    if ((await shownCommit(page)) >= target) {
      caughtUpMs = Date.now() - shownAt;
      break;
    }
    await sleep(20);
  }
  const after = frameStats((await page.evaluate(FRAMES(2000))) as number[], 2000);
  control.stop();
  await writers.stop();
  const visibleScript = (m1.ScriptDuration ?? 0) - (m0.ScriptDuration ?? 0);
  const hiddenScript = (h1.ScriptDuration ?? 0) - (h0.ScriptDuration ?? 0);

  const report = {
    bench: 'ui',
    workload: {
      nodes: NODES,
      tickMs: TICK_MS,
      heartbeatTick: HEARTBEAT,
      // The controller's write rate over the measured seconds: its mean, lowest and highest.
      writeRatePerS: {
        mean: round1(rates.reduce((a, b) => a + b, 0) / Math.max(1, rates.length)),
        min: round1(Math.min(...rates)),
        max: round1(Math.max(...rates)),
      },
      heartbeatOnlyMsgsPerS: tuning.heartbeatOnlyMsgsPerS,
      targetMsgsPerS: TARGET,
      measuredMsgsPerS: Math.round(measuredMsgs),
      writesPerS: Math.round(writesPerS),
      seconds: round1(elapsed),
    },
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      // Other work on the machine slows both the cluster and the browser; say how much there was.
      loadAverage1m: round1(loadavg()[0] ?? 0),
      node: process.version,
      chromium: chromiumVersion,
    },
    fps: frameStats(dts, elapsed * 1000),
    mainThread: {
      scriptSharePct: Math.round((visibleScript / elapsed) * 100),
      layoutsPerS: Math.round(((m1.LayoutCount ?? 0) - (m0.LayoutCount ?? 0)) / elapsed),
      styleRecalcsPerS: Math.round(
        ((m1.RecalcStyleCount ?? 0) - (m0.RecalcStyleCount ?? 0)) / elapsed,
      ),
    },
    heapUsedMB: { start: mb(m0.JSHeapUsedSize ?? 0), end: mb(m1.JSHeapUsedSize ?? 0) },
    // CDP's count includes text nodes and nodes not yet collected; elements are the live tree.
    domNodes: { start: m0.Nodes ?? 0, end: m1.Nodes ?? 0, elementsAtEnd: elements },
    hidden: {
      seconds: hiddenMs / 1000,
      scriptSharePct: Math.round((hiddenScript / (hiddenMs / 1000)) * 100),
      layouts: (h1.LayoutCount ?? 0) - (h0.LayoutCount ?? 0),
      commitShownWhenHidden: shownBefore,
      commitOnServer: target,
      caughtUpMs,
      fpsAfterShown: after.mean,
    },
    pageErrors: errors.length,
    passed: {
      rateWithin10Pct: Math.abs(measuredMsgs - TARGET) <= TARGET * 0.1,
      noLongFreeze: (frameStats(dts, elapsed * 1000).longestFrameMs ?? 0) < 500,
      catchesUp: caughtUpMs >= 0,
    },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  counter?.close();
  await browser.close();
  await server.stop();
}
