/**
 * Redial delays: exponential, capped, with jitter. Jitter spreads the redials of a whole cluster
 * after a shared outage (a restarted listener, a healed partition) so they do not arrive at once.
 */

export interface BackoffOptions {
  /** Delay before the first redial, before jitter. */
  baseMs: number;
  /** Upper bound on any delay. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 50, maxMs: 2_000 };

/**
 * The delay before redial number `attempt` (0 for the first). "Equal jitter": half the
 * exponential step is kept and the other half is random, so a delay never collapses to zero
 * (which would turn a down peer into a busy loop) yet redials still spread out.
 *
 * `random` returns a number in [0, 1), like `Math.random`.
 */
export function backoffDelayMs(
  attempt: number,
  opts: BackoffOptions,
  random: () => number,
): number {
  const step = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  return step / 2 + random() * (step / 2);
}
