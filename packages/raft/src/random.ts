/**
 * The core's only source of randomness, injected so that runs replay exactly.
 *
 * etcd raft draws the randomized election timeout from a global generator; here the caller
 * passes a `RandomSource`, and `seededRandom` gives a deterministic one.
 */
export interface RandomSource {
  /** A uniformly distributed integer in [0, n). `n` is a positive integer. */
  intn(n: number): number;
}

/**
 * A deterministic `RandomSource` (the SplitMix32 generator). The same seed always yields the
 * same sequence, on every platform.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  const next32 = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  return {
    intn(n: number): number {
      if (!Number.isInteger(n) || n <= 0) throw new RangeError(`intn: invalid bound ${n}`);
      // Two draws give 53 bits of randomness, enough for any bound a tick count can have.
      const hi = next32() >>> 11;
      const lo = next32();
      const x = hi * 0x100000000 + lo;
      return x % n;
    },
  };
}
