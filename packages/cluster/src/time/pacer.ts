import type { VirtualScheduler } from './scheduler.ts';

/** How often a paced simulated clock catches up with the wall clock, in wall ms. */
const PACER_INTERVAL_MS = 5;
/** The most model time a paced clock runs in one go, so a stalled process does not lurch. */
const PACER_CHUNK_MAX_MS = 2_000;

/**
 * Runs a virtual clock along with the wall clock, times its speed factor, so a simulated cluster
 * can be watched. The run stays deterministic: events happen in virtual-time order however the
 * wall clock slices it; only inputs from outside (a person's clicks) land at wall-dependent
 * virtual times.
 */
export function startPacer(
  scheduler: VirtualScheduler,
  onError: (err: unknown) => void,
): { stop(): void } {
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const ms = Math.min(PACER_CHUNK_MAX_MS, (now - last) * scheduler.speed());
    last = now;
    try {
      scheduler.advanceBy(ms);
    } catch (err) {
      onError(err);
    }
  }, PACER_INTERVAL_MS);
  timer.unref?.();
  return { stop: () => clearInterval(timer) };
}
