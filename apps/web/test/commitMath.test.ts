import { describe, expect, it } from 'vitest';
import { computeCommit, confOutliers, majorityHalf } from '../src/model/commitMath.ts';
import { entries, group, progress } from './fixtures.ts';

describe('majorityHalf', () => {
  it.each([
    [[5], 5],
    [[7, 3], 3],
    [[9, 7, 3], 7],
    [[9, 7, 3, 1], 3],
    [[10, 9, 7, 3, 1], 7],
  ])('the voters with match %j agree on %i', (matches, index) => {
    const voters = matches.map((_, i) => i + 1);

    const half = majorityHalf('incoming', voters, (id) => matches[id - 1] ?? 0);

    expect(half.index).toBe(index);
    expect(half.sorted[half.quorumPos]?.match).toBe(index);
  });
});

describe('computeCommit', () => {
  const leader = (extra: Parameters<typeof group>[0]) =>
    group({
      role: 'StateLeader',
      term: 3,
      log: {
        firstIndex: 1,
        lastIndex: 6,
        snapshotIndex: 0,
        snapshotTerm: 0,
        entries: entries(1, [1, 1, 2, 2, 3, 3]),
      },
      ...extra,
    });

  it('moves commit to what a majority holds in the current term', () => {
    const g = leader({
      commit: 4,
      progress: { '1': progress(6), '2': progress(5), '3': progress(2) },
    });

    const c = computeCommit(g);

    expect(c?.quorumIndex).toBe(5);
    expect(c?.heldBackByTerm).toBe(false);
  });

  it('holds back an entry of an older term even when a majority has it', () => {
    const g = leader({
      commit: 2,
      progress: { '1': progress(6), '2': progress(4), '3': progress(2) },
    });

    const c = computeCommit(g);

    expect(c?.quorumIndex).toBe(4);
    expect(c?.quorumTerm).toBe(2);
    expect(c?.heldBackByTerm).toBe(true);
  });

  it('takes the lower of the two halves of a joint configuration', () => {
    const g = leader({
      commit: 1,
      confState: {
        voters: [1, 2, 3],
        votersOutgoing: [1, 4, 5],
        learners: [],
        learnersNext: [],
        autoLeave: false,
      },
      progress: {
        '1': progress(6),
        '2': progress(6),
        '3': progress(6),
        '4': progress(1),
        '5': progress(5),
      },
    });

    const c = computeCommit(g);

    expect(c?.halves.map((h) => h.index)).toEqual([6, 5]);
    expect(c?.quorumIndex).toBe(5);
  });

  it('has nothing to say for a follower', () => {
    expect(computeCommit(group())).toBeNull();
  });
});

describe('confOutliers', () => {
  it('flags the node whose configuration differs from most', () => {
    const base = group().confState;
    const other = { ...base, voters: [1, 2, 3, 4] };

    const { outliers } = confOutliers([
      { id: 1, conf: base },
      { id: 2, conf: base },
      { id: 3, conf: other },
    ]);

    expect([...outliers]).toEqual([3]);
  });
});

describe('computeCommit, the next entry', () => {
  it('says who has the entry after commit and how many it needs', () => {
    const g = group({
      role: 'StateLeader',
      term: 3,
      commit: 4,
      log: {
        firstIndex: 1,
        lastIndex: 6,
        snapshotIndex: 0,
        snapshotTerm: 0,
        entries: entries(1, [1, 1, 2, 2, 3, 3]),
      },
      confState: {
        voters: [1, 2, 3, 4, 5],
        votersOutgoing: [],
        learners: [],
        learnersNext: [],
        autoLeave: false,
      },
      progress: {
        '1': progress(6),
        '2': progress(4),
        '3': progress(5),
        '4': progress(4),
        '5': progress(4),
      },
    });

    const c = computeCommit(g);

    expect(c?.next).toEqual({ index: 5, have: [1, 3], need: 3 });
  });
});
