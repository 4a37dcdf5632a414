import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dropBefore,
  emptyRuns,
  fitRuns,
  termAt,
  truncateAfter,
  writeRun,
} from '../../src/replay/log-runs.ts';
import type { TermRun } from '../../src/replay/state.ts';

/** The runs written out entry by entry: index -> term. */
function expand(runs: readonly TermRun[]): Map<number, number | null> {
  const out = new Map<number, number | null>();
  for (const r of runs) for (let i = r.first; i <= r.last; i++) out.set(i, r.term);
  return out;
}

function checkInvariant(runs: readonly TermRun[]): void {
  runs.forEach((r, i) => {
    expect(r.first).toBeLessThanOrEqual(r.last);
    const prev = runs[i - 1];
    if (prev === undefined) return;
    expect(r.first).toBe(prev.last + 1);
    expect(r.term).not.toBe(prev.term);
  });
}

describe('log term runs', () => {
  it.each([
    ['append to an empty log', [], [1, 3, 2], [{ first: 1, last: 3, term: 2 }]],
    [
      'append the same term merges',
      [{ first: 1, last: 3, term: 2 }],
      [4, 5, 2],
      [{ first: 1, last: 5, term: 2 }],
    ],
    [
      'overwrite the middle splits',
      [{ first: 1, last: 9, term: 2 }],
      [4, 5, 3],
      [
        { first: 1, last: 3, term: 2 },
        { first: 4, last: 5, term: 3 },
        { first: 6, last: 9, term: 2 },
      ],
    ],
    [
      'fill an unknown stretch with its neighbour term merges both',
      [
        { first: 1, last: 3, term: 2 },
        { first: 4, last: 4, term: null },
        { first: 5, last: 6, term: 2 },
      ],
      [4, 4, 2],
      [{ first: 1, last: 6, term: 2 }],
    ],
  ] as Array<[string, TermRun[], [number, number, number | null], TermRun[]]>)(
    'writeRun: %s',
    (_name, runs, [lo, hi, term], want) => {
      expect(writeRun(runs, lo, hi, term)).toEqual(want);
    },
  );

  it('refuses a write that would leave a hole', () => {
    expect(() => writeRun([{ first: 1, last: 2, term: 1 }], 5, 6, 1)).toThrow(/hole/);
  });

  it('answers the term of an index by binary search, undefined outside', () => {
    const runs = writeRun(writeRun(emptyRuns(), 1, 10, 1), 11, 20, null);

    expect(termAt(runs, 1)).toBe(1);
    expect(termAt(runs, 10)).toBe(1);
    expect(termAt(runs, 11)).toBeNull();
    expect(termAt(runs, 21)).toBeUndefined();
    expect(termAt(runs, 0)).toBeUndefined();
  });

  it('fitRuns marks a start of the log that nothing recorded as unknown', () => {
    const runs = [{ first: 5, last: 6, term: 3 }];

    expect(fitRuns(runs, 1, 8, 4)).toEqual([
      { first: 1, last: 4, term: null },
      { first: 5, last: 6, term: 3 },
      { first: 7, last: 8, term: 4 },
    ]);
  });

  it('behaves like a plain array of terms under any sequence of operations', () => {
    const term = fc.option(fc.integer({ min: 1, max: 4 }), { nil: null });
    const op = fc.oneof(
      fc.record({ k: fc.constant('write' as const), lo: fc.nat(30), len: fc.nat(6), term }),
      fc.record({ k: fc.constant('truncate' as const), at: fc.nat(40) }),
      fc.record({ k: fc.constant('drop' as const), at: fc.nat(40) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        let runs = emptyRuns();
        const model = new Map<number, number | null>();
        for (const o of ops) {
          const last = runs.at(-1)?.last;
          const first = runs[0]?.first ?? 1;
          if (o.k === 'write') {
            // Writes start inside the log or right after it, never leaving a hole.
            const lo = last === undefined ? Math.max(1, o.lo) : first + (o.lo % (last - first + 2));
            const hi = lo + o.len;
            runs = writeRun(runs, lo, hi, o.term);
            for (let i = lo; i <= hi; i++) model.set(i, o.term);
          } else if (o.k === 'truncate') {
            runs = truncateAfter(runs, o.at);
            for (const i of [...model.keys()]) if (i > o.at) model.delete(i);
          } else {
            runs = dropBefore(runs, o.at);
            for (const i of [...model.keys()]) if (i < o.at) model.delete(i);
          }
          checkInvariant(runs);
          expect(expand(runs)).toEqual(model);
        }
      }),
      { numRuns: 300 },
    );
  });
});
