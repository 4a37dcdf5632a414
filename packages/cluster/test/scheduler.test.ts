import { describe, expect, it } from 'vitest';
import { every } from '../src/time/periodic.ts';
import { SeededRandom } from '../src/time/random.ts';
import { RealScheduler, VirtualScheduler } from '../src/time/scheduler.ts';

describe('VirtualScheduler', () => {
  it('runs events in time order, and equal times in scheduling order', () => {
    const s = new VirtualScheduler();
    const seen: string[] = [];
    s.after(20, () => seen.push('c'));
    s.after(10, () => seen.push('a'));
    s.after(10, () => seen.push('b'));

    s.advanceBy(15);
    expect(seen).toEqual(['a', 'b']);
    s.advanceBy(10);

    expect(seen).toEqual(['a', 'b', 'c']);
    expect(s.now()).toBe(25);
  });

  it('runs events scheduled from inside an event when they fall in the window', () => {
    const s = new VirtualScheduler();
    const seen: number[] = [];
    s.after(5, () => {
      seen.push(s.now());
      s.after(5, () => seen.push(s.now()));
      s.after(50, () => seen.push(s.now()));
    });

    s.advanceBy(20);

    expect(seen).toEqual([5, 10]);
    expect(s.pending()).toBe(1);
  });

  it('skips cancelled events', () => {
    const s = new VirtualScheduler();
    const seen: string[] = [];
    const t = s.after(1, () => seen.push('x'));
    s.after(2, () => seen.push('y'));
    t.cancel();

    s.advanceBy(5);

    expect(seen).toEqual(['y']);
  });

  it('keeps a large queue ordered', () => {
    const s = new VirtualScheduler();
    const rng = new SeededRandom(7);
    const times: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const at = rng.intn(1000);
      s.after(at, () => times.push(s.now()));
    }

    s.advanceBy(1000);

    expect(times).toHaveLength(2000);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('drives a periodic timer at its period', () => {
    const s = new VirtualScheduler();
    const at: number[] = [];
    every(
      s,
      () => 10,
      () => at.push(s.now()),
    );

    s.advanceBy(45);

    expect(at).toEqual([10, 20, 30, 40]);
  });
});

describe('RealScheduler', () => {
  it('scales delays by the speed factor', async () => {
    const s = new RealScheduler(10);
    const started = performance.now();

    await new Promise<void>((resolve) => s.after(200, resolve));

    const wallMs = performance.now() - started;
    expect(wallMs).toBeGreaterThanOrEqual(15);
    expect(wallMs).toBeLessThan(150);
    s.close();
  });

  it('re-arms pending timers when the speed changes', async () => {
    const s = new RealScheduler(0.01);
    const started = performance.now();
    const done = new Promise<void>((resolve) => s.after(100, resolve));

    s.setSpeed(10);
    await done;

    expect(performance.now() - started).toBeLessThan(500);
    s.close();
  });
});

describe('SeededRandom', () => {
  it('gives the same sequence for the same seed and independent forks', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const seqA = Array.from({ length: 5 }, () => a.intn(100));
    const seqB = Array.from({ length: 5 }, () => b.intn(100));

    expect(seqA).toEqual(seqB);
    expect(a.fork('x').nextUint32()).toBe(b.fork('x').nextUint32());
    expect(a.fork('x').nextUint32()).not.toBe(a.fork('y').nextUint32());
  });
});
