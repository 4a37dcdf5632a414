/**
 * Small measuring helpers for the trace benchmark: latency percentiles, forced garbage
 * collection for heap figures, and a seeded sequence of positions.
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface Latency {
  n: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /**
   * The same calls in CPU time of this process (user + system). On a busy machine the wall
   * time includes waiting for a core; the CPU time does not (garbage collection it does).
   */
  cpu: { p50Ms: number; p99Ms: number; maxMs: number };
}

/** Runs `fn` on each input, timing each call alone, in wall and in CPU time. */
export function timeEach<T>(inputs: readonly T[], fn: (x: T) => unknown): Latency {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (const x of inputs) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn(x);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const w = summarize(wall);
  const c = summarize(cpu);
  return { ...w, cpu: { p50Ms: c.p50Ms, p99Ms: c.p99Ms, maxMs: c.maxMs } };
}

type Summary = Omit<Latency, 'cpu'>;

export function summarize(ms: number[]): Summary {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    n: sorted.length,
    p50Ms: round(at(0.5)),
    p99Ms: round(at(0.99)),
    maxMs: round(sorted.at(-1) ?? 0),
    meanMs: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
  };
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Memory held after a full collection: the JS heap plus typed arrays' buffers, in MiB. */
export function heldMb(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return Math.round((m.heapUsed + m.arrayBuffers) / 1048576);
}

/** A seeded sequence of integers in [lo, hi]. */
export function seededInts(seed: number, n: number, lo: number, hi: number): number[] {
  let a = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out.push(lo + (((t ^ (t >>> 14)) >>> 0) % (hi - lo + 1)));
  }
  return out;
}
