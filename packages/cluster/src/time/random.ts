/**
 * A small seeded pseudo-random source. Every random choice the runtime makes (the core's
 * election timeouts, drop and duplicate decisions, jitter) comes from one of these, derived from
 * the cluster's seed, so that a simulated run replays exactly from its seed.
 */

/** FNV-1a over a string: a stable 32-bit hash for deriving named sub-streams. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: fast, 32 bits of state, good enough for timeouts and network faults. */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** The next unsigned 32-bit value. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [0, n); the core's `RandomSource` interface. */
  intn(n: number): number {
    if (!(n > 0)) throw new Error(`intn: n must be positive, got ${n}`);
    return Math.floor(this.float() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.float() < p;
  }

  /**
   * An independent stream named by `label`, derived from this stream's seed (not its current
   * position), so adding draws to one stream never shifts another.
   */
  fork(label: string): SeededRandom {
    return new SeededRandom(hash32(`${this.seed}/${label}`));
  }
}
