import { describe, expect, it } from 'vitest';
import type { StreamBatch } from '../src/store/ingest.ts';
import { FrameBatcher, type Scheduler } from '../src/stream/frameBatcher.ts';
import { msg, net, node, snapshot } from './fixtures.ts';

/** A scheduler whose frames run only when the test says so. */
function manualFrames() {
  const queue = new Map<number, () => void>();
  let next = 1;
  const scheduler: Scheduler = {
    request: (cb) => {
      queue.set(next, cb);
      return next++;
    },
    cancel: (h) => queue.delete(h),
  };
  const frame = () => {
    const cbs = [...queue.values()];
    queue.clear();
    for (const cb of cbs) cb();
  };
  return { scheduler, frame, pending: () => queue.size };
}

const events = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => net('Send', `m${from + i}`, msg('MsgApp', 1, 2), i));

describe('FrameBatcher', () => {
  it('hands everything that arrived in one frame to the store as one batch', () => {
    const frames = manualFrames();
    const got: StreamBatch[] = [];
    const b = new FrameBatcher(
      (x) => got.push(x),
      100,
      frames.scheduler,
      () => 42,
    );

    b.push({ type: 'events', events: events(3) });
    b.push({ type: 'state', snapshot: snapshot([node(1)], { seq: 3 }) });
    b.push({ type: 'events', events: events(2, 3) });
    b.push({ type: 'gap', missed: 7, fromSeq: 1, toSeq: 8 });
    expect(got).toEqual([]);
    frames.frame();

    expect(got).toHaveLength(1);
    expect(got[0]?.events).toHaveLength(5);
    expect(got[0]?.snapshot?.seq).toBe(3);
    expect(got[0]?.missed).toBe(7);
    expect(got[0]?.receivedAtMs).toBe(42);
  });

  it('draws nothing while hidden, keeps only the newest events, and catches up on return', () => {
    const frames = manualFrames();
    const got: StreamBatch[] = [];
    const b = new FrameBatcher((x) => got.push(x), 4, frames.scheduler);

    b.setHidden(true);
    b.push({ type: 'events', events: events(10) });
    expect(frames.pending()).toBe(0);
    b.setHidden(false);

    expect(got).toHaveLength(1);
    expect(got[0]?.events.map((e) => e.kind === 'net' && e.msgId)).toEqual([
      'm6',
      'm7',
      'm8',
      'm9',
    ]);
  });

  it('marks the first hello after a lost connection as a reconnect', () => {
    const frames = manualFrames();
    const got: StreamBatch[] = [];
    const b = new FrameBatcher((x) => got.push(x), 10, frames.scheduler);
    const hello = {
      type: 'hello' as const,
      version: 1,
      cluster: 'default',
      snapshot: snapshot([]),
    };

    b.push(hello);
    frames.frame();
    b.connectionLost();
    b.push(hello);
    frames.frame();

    expect(got.map((x) => x.hello?.reconnect)).toEqual([false, true]);
  });
});
