/**
 * Collects stream messages and hands them to the store once per animation frame.
 *
 * A busy cluster sends hundreds of events a second; applying each as it arrives would re-render
 * the dashboard hundreds of times a second. While the page is hidden nothing is drawn: messages
 * wait (bounded, keeping only the newest snapshot and the newest events) and are applied in one
 * batch when the page is shown again.
 */

import type { StreamMessage, TraceEvent } from '@raftlens/trace';
import type { StreamBatch } from '../store/ingest.ts';

export interface Scheduler {
  request(cb: () => void): number;
  cancel(handle: number): void;
}

export const animationFrames: Scheduler = {
  request: (cb) => requestAnimationFrame(cb),
  cancel: (h) => cancelAnimationFrame(h),
};

export class FrameBatcher {
  private pending: StreamBatch = emptyBatch();
  private hasPending = false;
  private handle: number | null = null;
  private hidden = false;
  /** Set when the connection was lost, so the next hello is known to be a reconnect. */
  private lostConnection = false;

  constructor(
    private readonly deliver: (batch: StreamBatch) => void,
    private readonly maxEvents: number,
    private readonly scheduler: Scheduler = animationFrames,
    private readonly now: () => number = Date.now,
  ) {}

  push(m: StreamMessage): void {
    const b = this.pending;
    switch (m.type) {
      case 'hello':
        b.hello = { snapshot: m.snapshot, reconnect: this.lostConnection };
        b.snapshot = undefined;
        if (b.reset) b.reset.snapshot = m.snapshot;
        this.lostConnection = false;
        break;
      case 'reset':
        // The cluster was replaced: what is pending belongs to the old one.
        b.reset = { reason: m.reason, snapshot: m.snapshot };
        b.snapshot = undefined;
        b.events.length = 0;
        b.missed = 0;
        break;
      case 'state':
        b.snapshot = m.snapshot;
        break;
      case 'events':
        appendBounded(b.events, m.events, this.maxEvents);
        break;
      case 'gap':
        b.missed += m.missed;
        break;
      case 'error':
        return;
    }
    b.receivedAtMs = this.now();
    this.hasPending = true;
    this.schedule();
  }

  connectionLost(): void {
    this.lostConnection = true;
  }

  setHidden(hidden: boolean): void {
    this.hidden = hidden;
    if (hidden && this.handle !== null) {
      this.scheduler.cancel(this.handle);
      this.handle = null;
    }
    if (!hidden) this.flush();
  }

  /** Applies whatever is pending now. */
  flush(): void {
    if (this.handle !== null) {
      this.scheduler.cancel(this.handle);
      this.handle = null;
    }
    if (!this.hasPending) return;
    const batch = this.pending;
    this.pending = emptyBatch();
    this.hasPending = false;
    this.deliver(batch);
  }

  dispose(): void {
    if (this.handle !== null) this.scheduler.cancel(this.handle);
    this.handle = null;
  }

  private schedule(): void {
    if (this.hidden || this.handle !== null) return;
    this.handle = this.scheduler.request(() => {
      this.handle = null;
      this.flush();
    });
  }
}

function emptyBatch(): StreamBatch {
  return { events: [], missed: 0, receivedAtMs: 0 };
}

function appendBounded(into: TraceEvent[], more: readonly TraceEvent[], max: number): void {
  for (const e of more) into.push(e);
  if (into.length > max) into.splice(0, into.length - max);
}
