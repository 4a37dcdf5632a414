/** Reconnection delays: doubling from `baseMs` to `maxMs`, with jitter so viewers spread out. */
export function backoffMs(attempt: number, baseMs = 250, maxMs = 8000, random = Math.random) {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling * (0.5 + random() * 0.5));
}
