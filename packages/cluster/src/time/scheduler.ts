/**
 * Time, as the runtime sees it. The runtime never calls `setTimeout` or reads a clock itself: it
 * asks a `Scheduler`. Two implementations exist:
 *
 * - `RealScheduler` runs on wall-clock timers. Delays are given in model milliseconds (the time
 *   the cluster believes passes) and scaled by the speed factor: at speed 0.1 a 100 ms tick takes
 *   one wall second.
 * - `VirtualScheduler` runs on a deterministic event queue. Nothing happens until someone
 *   advances it; events run in (time, insertion) order, so the same inputs give the same run.
 */

/** A scheduled callback that can still be cancelled. */
export interface TimerHandle {
  cancel(): void;
}

export interface Scheduler {
  readonly kind: 'real' | 'virtual';
  /** Model time in milliseconds: what delays and timeouts are measured in. */
  now(): number;
  /** The time trace events carry: epoch milliseconds when real, virtual milliseconds when not. */
  wallMs(): number;
  /** Runs `fn` once `delayMs` of model time has passed. */
  after(delayMs: number, fn: () => void): TimerHandle;
  /** Speed factor: model milliseconds per wall millisecond. */
  speed(): number;
  setSpeed(factor: number): void;
  /** Cancels every timer; the scheduler runs nothing afterwards. */
  close(): void;
}

/** Where exceptions thrown by scheduled callbacks go. */
export type ErrorSink = (err: unknown) => void;

export const SPEED_MIN = 0.001;
export const SPEED_MAX = 100;

export function checkSpeed(factor: number): number {
  if (!Number.isFinite(factor) || factor < SPEED_MIN || factor > SPEED_MAX) {
    throw new RangeError(`speed must be in [${SPEED_MIN}, ${SPEED_MAX}], got ${factor}`);
  }
  return factor;
}

type RealHandle =
  | { timeout: ReturnType<typeof setTimeout> }
  | { immediate: ReturnType<typeof setImmediate> };

interface RealTimer {
  deadlineModelMs: number;
  fn: () => void;
  handle: RealHandle | null;
}

function clearHandle(h: RealHandle | null): void {
  if (h === null) return;
  if ('timeout' in h) clearTimeout(h.timeout);
  else clearImmediate(h.immediate);
}

/**
 * Wall-clock timers with a speed factor. Model time advances at `speed` model milliseconds per
 * wall millisecond; changing the speed re-arms every pending timer for its remaining model time,
 * so slowing down to 0.01 and back does not leave a tick stranded a hundred times too far out.
 */
export class RealScheduler implements Scheduler {
  readonly kind = 'real';
  private factor: number;
  /** Model time at `baseWallMs` (monotonic wall clock). */
  private baseModelMs = 0;
  private baseWallMs = performance.now();
  private readonly timers = new Set<RealTimer>();
  private closed = false;

  constructor(
    speed = 1,
    private readonly onError: ErrorSink = rethrowLater,
  ) {
    this.factor = checkSpeed(speed);
  }

  now(): number {
    return this.baseModelMs + (performance.now() - this.baseWallMs) * this.factor;
  }

  wallMs(): number {
    return Date.now();
  }

  after(delayMs: number, fn: () => void): TimerHandle {
    const timer: RealTimer = {
      deadlineModelMs: this.now() + Math.max(0, delayMs),
      fn,
      handle: null,
    };
    if (this.closed) return { cancel: () => {} };
    this.timers.add(timer);
    this.arm(timer);
    return {
      cancel: () => {
        clearHandle(timer.handle);
        this.timers.delete(timer);
      },
    };
  }

  speed(): number {
    return this.factor;
  }

  setSpeed(factor: number): void {
    checkSpeed(factor);
    this.baseModelMs = this.now();
    this.baseWallMs = performance.now();
    this.factor = factor;
    for (const timer of this.timers) {
      clearHandle(timer.handle);
      this.arm(timer);
    }
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) {
      clearHandle(timer.handle);
    }
    this.timers.clear();
  }

  private arm(timer: RealTimer): void {
    const wallDelayMs = Math.max(0, (timer.deadlineModelMs - this.now()) / this.factor);
    // "As soon as possible" runs after the I/O callbacks of this turn of the event loop, so
    // work deferred by many of them (messages read from many sockets) is done once, together.
    // One callback for every timer, given the timer: no closure is made per timer armed.
    timer.handle =
      wallDelayMs <= 0
        ? { immediate: setImmediate(this.fire, timer) }
        : { timeout: setTimeout(this.fire, wallDelayMs, timer) };
  }

  private readonly fire = (timer: RealTimer): void => {
    this.timers.delete(timer);
    try {
      timer.fn();
    } catch (err) {
      this.onError(err);
    }
  };
}

interface VirtualTimer {
  atMs: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A deterministic event queue. `advanceBy` runs every event due within the window, in time
 * order and, at equal times, in the order they were scheduled; events scheduled while running
 * are run too if they fall inside the window.
 */
export class VirtualScheduler implements Scheduler {
  readonly kind = 'virtual';
  private nowMs = 0;
  private seq = 0;
  private factor = 1;
  private heap: VirtualTimer[] = [];
  private closed = false;
  private running = false;

  constructor(private readonly onError: ErrorSink = rethrow) {}

  now(): number {
    return this.nowMs;
  }

  wallMs(): number {
    return this.nowMs;
  }

  after(delayMs: number, fn: () => void): TimerHandle {
    const timer: VirtualTimer = {
      atMs: this.nowMs + Math.max(0, delayMs),
      seq: this.seq++,
      fn,
      cancelled: false,
    };
    if (!this.closed) this.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  speed(): number {
    return this.factor;
  }

  setSpeed(factor: number): void {
    this.factor = checkSpeed(factor);
  }

  close(): void {
    this.closed = true;
    this.heap = [];
  }

  /** Pending (not cancelled) events. */
  pending(): number {
    return this.heap.filter((t) => !t.cancelled).length;
  }

  /** The time of the next pending event, or null when the queue is empty. */
  nextAtMs(): number | null {
    this.dropCancelledTop();
    return this.heap[0]?.atMs ?? null;
  }

  /** Runs every event due up to `nowMs + ms`, then sets the clock there. */
  advanceBy(ms: number): void {
    this.advanceTo(this.nowMs + Math.max(0, ms));
  }

  advanceTo(targetMs: number): void {
    if (this.running) throw new Error('VirtualScheduler.advanceTo called from inside an event');
    this.running = true;
    try {
      for (;;) {
        this.dropCancelledTop();
        const top = this.heap[0];
        if (top === undefined || top.atMs > targetMs || this.closed) break;
        this.pop();
        this.nowMs = Math.max(this.nowMs, top.atMs);
        try {
          top.fn();
        } catch (err) {
          this.onError(err);
        }
      }
      if (!this.closed) this.nowMs = Math.max(this.nowMs, targetMs);
    } finally {
      this.running = false;
    }
  }

  /** Runs the single next event, moving the clock to it; false when there is none. */
  runNext(): boolean {
    const at = this.nextAtMs();
    if (at === null) return false;
    const top = this.pop();
    if (top === undefined) return false;
    this.nowMs = Math.max(this.nowMs, top.atMs);
    try {
      top.fn();
    } catch (err) {
      this.onError(err);
    }
    return true;
  }

  private dropCancelledTop(): void {
    while (this.heap[0]?.cancelled) this.pop();
  }

  private less(a: VirtualTimer, b: VirtualTimer): boolean {
    return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
  }

  private push(t: VirtualTimer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p] as VirtualTimer;
      if (!this.less(t, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = t;
  }

  private pop(): VirtualTimer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      let best = last;
      const lv = h[l];
      const rv = h[r];
      if (lv !== undefined && this.less(lv, best)) {
        m = l;
        best = lv;
      }
      if (rv !== undefined && this.less(rv, best)) {
        m = r;
        best = rv;
      }
      if (m === i) break;
      h[i] = best;
      i = m;
    }
    h[i] = last;
    return top;
  }
}

function rethrow(err: unknown): never {
  throw err;
}

function rethrowLater(err: unknown): void {
  queueMicrotask(() => {
    throw err;
  });
}
