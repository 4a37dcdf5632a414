/**
 * Operations on a log kept as term runs. Runs are immutable: every operation returns a new
 * array and shares the untouched runs, so a checkpoint can keep a log by reference.
 *
 * Invariant of a run list: runs are in index order, contiguous (each starts one after the
 * previous ends), non-empty, and two neighbours never have the same term.
 */

import type { TermRun } from './state.ts';

const EMPTY: readonly TermRun[] = Object.freeze([]);

export function emptyRuns(): readonly TermRun[] {
  return EMPTY;
}

/** The term of entry `index`, `null` when unknown, `undefined` when not in the runs. */
export function termAt(runs: readonly TermRun[], index: number): number | null | undefined {
  let lo = 0;
  let hi = runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = runs[mid] as TermRun;
    if (index < r.first) hi = mid - 1;
    else if (index > r.last) lo = mid + 1;
    else return r.term;
  }
  return undefined;
}

/** True when every entry of `lo..hi` is in the runs with term `term`. */
export function hasTerm(
  runs: readonly TermRun[],
  lo: number,
  hi: number,
  term: number | null,
): boolean {
  let a = 0;
  let b = runs.length - 1;
  while (a <= b) {
    const mid = (a + b) >> 1;
    const r = runs[mid] as TermRun;
    if (lo < r.first) b = mid - 1;
    else if (lo > r.last) a = mid + 1;
    else return r.term === term && hi <= r.last;
  }
  return false;
}

/** Keeps the entries at or below `last`. */
export function truncateAfter(runs: readonly TermRun[], last: number): readonly TermRun[] {
  const n = runs.length;
  const tail = runs[n - 1];
  if (tail === undefined || tail.last <= last) return runs;
  const out: TermRun[] = [];
  for (const r of runs) {
    if (r.first > last) break;
    out.push(r.last <= last ? r : { first: r.first, last, term: r.term });
  }
  return out;
}

/** Keeps the entries at or above `first` (compaction). */
export function dropBefore(runs: readonly TermRun[], first: number): readonly TermRun[] {
  const head = runs[0];
  if (head === undefined || head.first >= first) return runs;
  const out: TermRun[] = [];
  for (const r of runs) {
    if (r.last < first) continue;
    out.push(r.first >= first ? r : { first, last: r.last, term: r.term });
  }
  return out;
}

/**
 * Sets entries `lo..hi` to `term`, leaving the others as they are. The range may extend past
 * the end of the runs (an append), but must not leave a hole after it.
 */
export function writeRun(
  runs: readonly TermRun[],
  lo: number,
  hi: number,
  term: number | null,
): readonly TermRun[] {
  if (hi < lo) return runs;
  const tail = runs[runs.length - 1];
  if (tail !== undefined && lo > tail.last + 1) {
    throw new Error(`log runs: write at ${lo} leaves a hole after ${tail.last}`);
  }
  if (hasTerm(runs, lo, hi, term)) return runs;
  // The common case, an append of the last run's term: one run changes.
  if (tail !== undefined && lo === tail.last + 1 && tail.term === term) {
    const out = runs.slice();
    out[out.length - 1] = { first: tail.first, last: hi, term };
    return out;
  }
  const out: TermRun[] = [];
  let placed = false;
  for (const r of runs) {
    if (r.last < lo) {
      pushMerged(out, r);
      continue;
    }
    if (r.first < lo) pushMerged(out, { first: r.first, last: lo - 1, term: r.term });
    if (!placed) {
      pushMerged(out, { first: lo, last: hi, term });
      placed = true;
    }
    if (r.last > hi)
      pushMerged(out, { first: Math.max(r.first, hi + 1), last: r.last, term: r.term });
  }
  if (!placed) pushMerged(out, { first: lo, last: hi, term });
  return out;
}

/** Appends a run, merging it into the previous one when they touch and share a term. */
function pushMerged(out: TermRun[], r: TermRun): void {
  const prev = out[out.length - 1];
  if (prev !== undefined && prev.term === r.term && prev.last + 1 === r.first) {
    out[out.length - 1] = { first: prev.first, last: r.last, term: r.term };
  } else {
    out.push(r);
  }
}

/**
 * Makes the runs cover exactly `[first, last]`: cut what lies outside, and fill a gap at the
 * end with entries of term `fill`.
 */
export function fitRuns(
  runs: readonly TermRun[],
  first: number,
  last: number,
  fill: number | null,
): readonly TermRun[] {
  if (last < first) return EMPTY;
  let out = dropBefore(truncateAfter(runs, last), first);
  const head = out[0];
  if (head !== undefined && head.first > first) {
    // Nothing recorded the start of the log: say so rather than stretch the first run.
    const gap: TermRun[] =
      head.term === null
        ? [{ first, last: head.last, term: null }]
        : [{ first, last: head.first - 1, term: null }, head];
    out = [...gap, ...out.slice(1)];
  }
  const tail = out[out.length - 1];
  const from = tail === undefined ? first : tail.last + 1;
  if (from <= last) out = writeRun(out, from, last, fill);
  return out;
}
