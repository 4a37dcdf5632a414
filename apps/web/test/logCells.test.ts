import { describe, expect, it } from 'vitest';
import { indexRange, logCell } from '../src/model/logCells.ts';
import { entries, group } from './fixtures.ts';

const log = (first: number, terms: number[], snapshotIndex = first - 1) => ({
  firstIndex: first,
  lastIndex: first + terms.length - 1,
  snapshotIndex,
  snapshotTerm: snapshotIndex ? 1 : 0,
  entries: entries(first, terms),
});

describe('logCell', () => {
  const leader = group({ role: 'StateLeader', commit: 3, log: log(1, [1, 1, 2, 2]) });

  it('marks committed, uncommitted and conflicting entries', () => {
    const follower = group({ commit: 2, applied: 1, log: log(1, [1, 1, 1, 1, 1]) });

    const cells = [1, 2, 3, 4, 5, 6].map((i) => logCell(follower, i, leader));

    expect(cells.map((c) => c.kind)).toEqual([
      'entry',
      'entry',
      'entry',
      'entry',
      'entry',
      'empty',
    ]);
    expect(cells.map((c) => c.committed)).toEqual([true, true, false, false, false, false]);
    expect(cells.map((c) => c.conflict)).toEqual([false, false, true, true, false, false]);
    expect(cells[0]?.applied).toBe(true);
    expect(cells[1]?.applied).toBe(false);
  });

  it('shows compacted indexes as part of the snapshot', () => {
    const g = group({ commit: 8, log: log(6, [2, 2, 3], 5) });

    expect(logCell(g, 3, undefined).kind).toBe('compacted');
    expect(logCell(g, 5, undefined).kind).toBe('compacted');
    expect(logCell(g, 6, undefined).kind).toBe('entry');
  });

  it('says so when an index is in the log but outside the window it was sent', () => {
    const g = group({
      log: {
        firstIndex: 1,
        lastIndex: 500,
        snapshotIndex: 0,
        snapshotTerm: 0,
        entries: entries(401, [3]),
      },
    });

    expect(logCell(g, 10, undefined).kind).toBe('unknown');
    expect(logCell(g, 401, undefined).kind).toBe('entry');
  });
});

describe('indexRange', () => {
  it('spans from the oldest kept index to the newest of any node', () => {
    const a = group({ log: log(6, [2, 2], 5) });
    const b = group({ log: log(1, [1, 1, 1, 1, 1, 2, 2, 3]) });

    expect(indexRange([a, b])).toEqual({ first: 1, last: 8 });
    expect(indexRange([a])).toEqual({ first: 5, last: 7 });
  });
});
