/**
 * The browser phase of bench:trace: a trace file opened and scrubbed in the dashboard itself,
 * in headless Chromium, through the page's own controls.
 *
 * The dashboard is built (production mode) into a temporary directory, so apps/web/dist, which
 * the server and the browser tests use, is left alone; `dist` reuses a build instead. It is
 * served by a plain static server: opening a file needs no Raftlens server (the live stream
 * finds none and keeps retrying in the background, as it does when a server goes away).
 *
 * What is measured, all with the page's clock (`performance.now()`) unless said otherwise:
 * - open: from the file input's `change` event (the person chose the file) until the replay bar
 *   says the last event of all is shown and the frame after that has run; the worker streams
 *   the file, parses and indexes it, then the views draw the last moment;
 * - the JS heap after open, after a full collection: the page's (CDP `JSHeapUsedSize`) and the
 *   replay worker's (its own target: `Runtime.getHeapUsage`, the V8 heap plus array buffers'
 *   backing stores, where the trace's typed columns live);
 * - scrubbing: the slider set to random positions (as a drag sets it: value, then `input`), each
 *   timed until the replay bar shows that position and the next frame has run; stepping with
 *   the `.` and `,` keys the same way;
 * - a drag: the slider moved on every animation frame from a tenth of the trace to nine tenths,
 *   as a hand drags it; the frames' intervals, how many moments the views drew on the way, and
 *   the time from the last move until its position is shown;
 * - the main thread's long tasks (PerformanceObserver 'longtask', over 50 ms) during open and
 *   during each move.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { buildDashboard, launchBrowser } from '../e2e/support/harness.ts';
import { serveDist } from './staticServer.ts';

export interface TraceInBrowserOptions {
  /** The trace file to open. */
  file: string;
  /** Events in it, and its last sequence number: what the replay bar must reach. */
  events: number;
  lastSeq: number;
  /** Positions to scrub to, one at a time; one-event steps each way. */
  positions: number[];
  steps: number;
  /** Animation frames of the drag across the trace (one slider move per frame). */
  dragFrames?: number;
  /** A built dashboard to serve; built afresh when absent. */
  dist?: string;
  /** Nodes' roles, terms and commits at the end of the trace, to check the ring shows them. */
  final?: Array<{ id: number; role: string; term: number; commit: number }>;
  log?: (line: string) => void;
}

interface Moves {
  n: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  meanMs: number;
  /** Moves during which the main thread ran a task over 50 ms, and the longest such task. */
  movesWithLongTask: number;
  longestTaskMs: number;
  /** Moves with a task over 200 ms: a stall. */
  stalls: number;
}

const OPEN_TIMEOUT_MS = 180_000;
const MOVE_TIMEOUT_MS = 30_000;
const STALL_MS = 200;

const round1 = (x: number) => Math.round(x * 10) / 10;
const mib = (bytes: number) => round1(bytes / 1048576);

// Page code is passed as text: tsx would wrap named functions in a helper the page lacks.

/** Long tasks of the main thread from the page's start, kept as [start, duration]. */
const OBSERVE_LONG_TASKS = `(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
})()`;

/**
 * Resolves with the time once the replay bar's text includes `want` and a frame has run since;
 * rejects after `timeoutMs`.
 */
const SHOWN = (want: string, timeoutMs = MOVE_TIMEOUT_MS) => `new Promise((ok, no) => {
  const timer = setTimeout(() => no(new Error('not shown in time: ' + ${JSON.stringify(want)})),
    ${timeoutMs});
  const done = () => requestAnimationFrame(() => setTimeout(() => {
    clearTimeout(timer);
    ok(performance.now());
  }, 0));
  const shown = () => {
    const el = document.querySelector('[data-testid="replay-at"]');
    return el !== null && el.textContent.includes(${JSON.stringify(want)});
  };
  if (shown()) return done();
  const obs = new MutationObserver(() => {
    if (!shown()) return;
    obs.disconnect();
    done();
  });
  obs.observe(document.body, { subtree: true, childList: true, characterData: true });
})`;

/** Arms the open measurement: the time of the file input's change, and of the full count shown. */
const ARM_OPEN = (want: string) => `(() => {
  window.__changedAt = null;
  document.addEventListener('change', (e) => {
    if (e.target instanceof HTMLInputElement && e.target.type === 'file') {
      window.__changedAt ??= performance.now();
    }
  }, true);
  window.__opened = ${SHOWN(want, OPEN_TIMEOUT_MS)}.then((shownAt) => ({ changedAt: window.__changedAt, shownAt }));
})()`;

/** Moves the slider to `position` as a drag does, and times it until shown. */
const SLIDE = (position: number, want: string) => `(async () => {
  const el = document.querySelector('input.replay-range');
  const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const t0 = performance.now();
  set.call(el, ${JSON.stringify(String(position))});
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
  const t1 = await ${SHOWN(want)};
  return [t0, t1];
})()`;

/** Presses a key on the page (the replay's shortcuts listen on the window), timed until shown. */
const PRESS = (key: string, want: string) => `(async () => {
  const t0 = performance.now();
  document.body.dispatchEvent(new KeyboardEvent('keydown', { key: ${JSON.stringify(key)}, bubbles: true }));
  const t1 = await ${SHOWN(want)};
  return [t0, t1];
})()`;

/**
 * Drags the slider from `from` to `to`, one move per animation frame, as a hand does; counts
 * the moments the replay bar showed on the way, and times the last move until it is shown.
 */
const DRAG = (from: number, to: number, frames: number, want: string) => `(async () => {
  const el = document.querySelector('input.replay-range');
  const at = document.querySelector('[data-testid="replay-at"]');
  const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  let shown = 0;
  const obs = new MutationObserver(() => { shown++; });
  obs.observe(at, { subtree: true, childList: true, characterData: true });
  const intervals = [];
  const t0 = performance.now();
  let last = t0;
  for (let i = 0; i < ${frames}; i++) {
    await new Promise((ok) => requestAnimationFrame(ok));
    const now = performance.now();
    if (i > 0) intervals.push(now - last);
    last = now;
    const p = Math.round(${from} + ((${to} - ${from}) * i) / ${frames - 1});
    set.call(el, String(p));
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }
  const lastMove = performance.now();
  const settled = await ${SHOWN(want)};
  obs.disconnect();
  return { t0, lastMove, settled, intervals, shown };
})()`;

/** The text the replay bar shows at a 0-based position: "(1,234 of 1,000,000)". */
function shownAt(position: number, events: number): string {
  return `(${(position + 1).toLocaleString('en')} of ${events.toLocaleString('en')})`;
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

/** The page's JS heap after a full collection, in bytes. */
async function pageHeap(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  return (await metrics(cdp)).JSHeapUsedSize ?? 0;
}

/**
 * The replay worker's heap after a full collection. Playwright has no CDP session for a
 * worker, so the page's session attaches to the worker's target and talks to it by messages.
 */
async function workerHeap(cdp: CDPSession) {
  const { targetInfos } = await cdp.send('Target.getTargets');
  const target = targetInfos.find((t) => t.type === 'worker' && t.url.includes('replay.worker'));
  if (!target) return null;
  const { sessionId } = await cdp.send('Target.attachToTarget', {
    targetId: target.targetId,
    flatten: false,
  });
  let nextId = 1;
  const waiting = new Map<number, (result: Record<string, number>) => void>();
  const onMessage = (ev: { sessionId?: string; message: string }) => {
    if (ev.sessionId !== sessionId) return;
    const m = JSON.parse(ev.message) as { id?: number; result?: Record<string, number> };
    if (m.id !== undefined) waiting.get(m.id)?.(m.result ?? {});
  };
  cdp.on('Target.receivedMessageFromTarget', onMessage);
  const send = (method: string) =>
    new Promise<Record<string, number>>((done) => {
      const id = nextId++;
      waiting.set(id, done);
      void cdp.send('Target.sendMessageToTarget', {
        sessionId,
        message: JSON.stringify({ id, method, params: {} }),
      });
    });
  try {
    await send('HeapProfiler.collectGarbage');
    const usage = await send('Runtime.getHeapUsage');
    return {
      usedSize: usage.usedSize ?? 0,
      backingStorageSize: usage.backingStorageSize ?? 0,
    };
  } finally {
    cdp.off('Target.receivedMessageFromTarget', onMessage);
    await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {});
  }
}

function summarizeMoves(times: Array<[number, number]>, longTasks: Array<[number, number]>) {
  const ms = times.map(([t0, t1]) => t1 - t0).sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0;
  let movesWithLongTask = 0;
  let longestTaskMs = 0;
  let stalls = 0;
  for (const [t0, t1] of times) {
    const during = longTasks.filter(([s, d]) => s < t1 && s + d > t0).map(([, d]) => d);
    const longest = Math.max(0, ...during);
    if (during.length > 0) movesWithLongTask++;
    if (longest > STALL_MS) stalls++;
    longestTaskMs = Math.max(longestTaskMs, longest);
  }
  const moves: Moves = {
    n: ms.length,
    p50Ms: round1(at(0.5)),
    p95Ms: round1(at(0.95)),
    maxMs: round1(ms.at(-1) ?? 0),
    meanMs: round1(ms.reduce((a, b) => a + b, 0) / Math.max(1, ms.length)),
    movesWithLongTask,
    longestTaskMs: Math.round(longestTaskMs),
    stalls,
  };
  return moves;
}

/** The ring's nodes as the page shows them. */
async function shownNodes(page: Page) {
  return (await page.evaluate(`[...document.querySelectorAll('.cluster-view .node[data-node]')]
    .map((n) => ({ id: Number(n.dataset.node), role: n.dataset.role,
      term: Number(n.dataset.term), commit: Number(n.dataset.commit) }))`)) as Array<{
    id: number;
    role: string;
    term: number;
    commit: number;
  }>;
}

export async function measureTraceInBrowser(o: TraceInBrowserOptions) {
  const log = o.log ?? (() => {});
  let dist = o.dist;
  let built: string | null = null;
  let buildMs: number | null = null;
  if (dist === undefined) {
    built = mkdtempSync(join(tmpdir(), 'raftlens-bench-dist-'));
    dist = built;
    log('building the dashboard');
    const t0 = performance.now();
    await buildDashboard(dist);
    buildMs = Math.round(performance.now() - t0);
  }
  const { url, server } = await serveDist(dist);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(OBSERVE_LONG_TASKS);
    await page.goto(url);
    await page.getByTestId('mode-badge').waitFor();
    const cdp = await browser.newCDPSession(page);
    await cdp.send('Performance.enable');
    const chromium = (await cdp.send('Browser.getVersion')).product;
    const pageHeapBefore = await pageHeap(cdp);

    // Open: choose the file in the page's file input, as "Open trace…" does.
    log('opening the trace in the page');
    await page.evaluate(ARM_OPEN(shownAt(o.events - 1, o.events)));
    const w0 = Date.now();
    await page.getByTestId('trace-file').setInputFiles(o.file);
    const opened = (await page.evaluate('window.__opened')) as {
      changedAt: number | null;
      shownAt: number;
    };
    const openWallMs = Date.now() - w0;
    if (opened.changedAt === null) throw new Error('the file input never changed');
    await page.getByTestId('replay-at').getByText(`#${o.lastSeq}`, { exact: true }).waitFor();
    const nodes = await shownNodes(page);
    const finalShown =
      o.final === undefined || o.final.length === 0
        ? null
        : o.final.every((want) =>
            nodes.some(
              (n) =>
                n.id === want.id &&
                n.role === want.role &&
                n.term === want.term &&
                n.commit === want.commit,
            ),
          );
    const openLong = ((await page.evaluate('window.__longTasks')) as Array<[number, number]>)
      .filter(([s, d]) => s < opened.shownAt && s + d > (opened.changedAt ?? 0))
      .map(([, d]) => d);

    // Memory once the replay is open and shown, after full collections.
    const pageHeapAfter = await pageHeap(cdp);
    const worker = await workerHeap(cdp);

    // Scrub: the slider to random positions, one at a time.
    log(`scrubbing to ${o.positions.length} positions`);
    const slides: Array<[number, number]> = [];
    let position = o.events - 1;
    for (const p of o.positions) {
      if (p === position) continue;
      slides.push((await page.evaluate(SLIDE(p, shownAt(p, o.events)))) as [number, number]);
      position = p;
    }
    // Steps: `.` forward then `,` back, one event at a time, from the middle.
    const steps: Array<[number, number]> = [];
    const mid = Math.floor(o.events / 2);
    await page.evaluate(SLIDE(mid, shownAt(mid, o.events)));
    position = mid;
    for (let i = 0; i < o.steps * 2; i++) {
      const forward = i < o.steps;
      position += forward ? 1 : -1;
      steps.push(
        (await page.evaluate(PRESS(forward ? '.' : ',', shownAt(position, o.events)))) as [
          number,
          number,
        ],
      );
    }
    // A drag across the trace.
    const dragFrames = o.dragFrames ?? 180;
    const from = Math.floor(o.events / 10);
    const to = Math.floor((o.events * 9) / 10);
    await page.evaluate(SLIDE(from, shownAt(from, o.events)));
    log(`dragging the slider over ${dragFrames} frames`);
    const drag = (await page.evaluate(DRAG(from, to, dragFrames, shownAt(to, o.events)))) as {
      t0: number;
      lastMove: number;
      settled: number;
      intervals: number[];
      shown: number;
    };
    const longTasks = (await page.evaluate('window.__longTasks')) as Array<[number, number]>;
    const dragLong = longTasks
      .filter(([s, d]) => s < drag.settled && s + d > drag.t0)
      .map(([, d]) => d);

    return {
      chromium,
      url: 'the built dashboard on a static server; the trace chosen in its file input',
      buildMs,
      open: {
        ms: Math.round(opened.shownAt - opened.changedAt),
        wallMs: openWallMs,
        until: `the replay bar shows ${shownAt(o.events - 1, o.events)} and a frame has run`,
        longTasks: openLong.length,
        longestTaskMs: Math.round(Math.max(0, ...openLong)),
        finalStateShown: finalShown,
      },
      heapMb: {
        page: mib(pageHeapAfter),
        pageBeforeOpen: mib(pageHeapBefore),
        worker: worker ? mib(worker.usedSize) : null,
        workerArrayBuffers: worker ? mib(worker.backingStorageSize) : null,
        total: mib(pageHeapAfter + (worker ? worker.usedSize + worker.backingStorageSize : 0)),
        note: 'after a full collection; the worker holds the replay (array buffers: its typed columns)',
      },
      scrub: summarizeMoves(slides, longTasks),
      step: summarizeMoves(steps, longTasks),
      drag: {
        moves: dragFrames,
        positions: `${from.toLocaleString('en')} to ${to.toLocaleString('en')}`,
        ms: Math.round(drag.lastMove - drag.t0),
        momentsShown: drag.shown,
        meanFrameMs: round1(
          drag.intervals.reduce((a, b) => a + b, 0) / Math.max(1, drag.intervals.length),
        ),
        longestFrameMs: Math.round(Math.max(0, ...drag.intervals)),
        framesOver50ms: drag.intervals.filter((d) => d > 50).length,
        settleMs: Math.round(drag.settled - drag.lastMove),
        longTasks: dragLong.length,
        longestTaskMs: Math.round(Math.max(0, ...dragLong)),
      },
      // Long tasks are those the browser reports (over 50 ms): 0 means none was.
      longTaskOverMs: 50,
      stallOverMs: STALL_MS,
      pageErrors: errors,
    };
  } finally {
    await browser.close();
    server.close();
    if (built !== null) rmSync(built, { recursive: true, force: true });
  }
}
