import type { Scheduler, TimerHandle } from './scheduler.ts';

/**
 * Runs `fn` every `periodMs()` model milliseconds, starting `offsetMs` from now. The period is
 * read again before each re-arm, so a period that depends on settings takes effect at once.
 */
export function every(
  scheduler: Scheduler,
  periodMs: () => number,
  fn: () => void,
  offsetMs = periodMs(),
): TimerHandle {
  let current: TimerHandle | null = null;
  let stopped = false;
  const fire = (): void => {
    if (stopped) return;
    // Re-arm first, so an exception in fn does not stop the loop.
    current = scheduler.after(periodMs(), fire);
    fn();
  };
  current = scheduler.after(offsetMs, fire);
  return {
    cancel: () => {
      stopped = true;
      current?.cancel();
    },
  };
}
