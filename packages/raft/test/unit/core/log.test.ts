import { describe, expect, it } from 'vitest';
import {
  discardLogger,
  type Entry,
  emptyConfState,
  type LogIndex,
  type LogLine,
  MemoryStorage,
  RaftLog,
  recordingLogger,
  type Term,
} from '../../../src/index.ts';

const ent = (index: number, term: number): Entry => ({
  index: index as LogIndex,
  term: term as Term,
  type: 'EntryNormal',
  data: new Uint8Array(0),
});

/** A log whose storage holds entries 1..n with the given terms (index 0 is the snapshot). */
function logWithTerms(terms: number[]): RaftLog {
  const ms = MemoryStorage.bootstrap(emptyConfState());
  ms.append(terms.map((t, i) => ent(i + 1, t)));
  return new RaftLog(ms, discardLogger);
}

describe('RaftLog', () => {
  // Terms by index 1..9: 1 3 3 3 5 5 5 5 5, as in etcd's comment on probing.
  const terms = [1, 3, 3, 3, 5, 5, 5, 5, 5];

  it.each([
    { index: 9, term: 2, want: [1, 1] },
    { index: 9, term: 3, want: [4, 3] },
    { index: 9, term: 5, want: [9, 5] },
    { index: 6, term: 4, want: [4, 3] },
    { index: 1, term: 0, want: [0, 0] },
    { index: 0, term: 9, want: [0, 0] },
  ])('findConflictByTerm($index, $term) skips whole terms to $want', ({ index, term, want }) => {
    const log = logWithTerms(terms);

    const got = log.findConflictByTerm(index as LogIndex, term as Term);

    expect([got.index, got.term]).toEqual(want);
  });

  it('appends a connecting slice, overwrites a conflicting tail and caps the commit', () => {
    const lines: LogLine[] = [];
    const ms = MemoryStorage.bootstrap(emptyConfState());
    ms.append([ent(1, 1), ent(2, 1), ent(3, 1)]);
    const log = new RaftLog(ms, recordingLogger(lines));

    const last = log.maybeAppend(
      { term: 2 as Term, prev: { term: 1 as Term, index: 1 as LogIndex }, entries: [ent(2, 2)] },
      10 as LogIndex,
    );

    expect(last).toBe(2);
    expect(log.lastIndex()).toBe(2);
    expect(log.term(2 as LogIndex)).toBe(2);
    expect(log.committed).toBe(2);
    expect(lines.map((l) => l.msg)).toEqual([
      'found conflict at index 2 [existing term: 1, conflicting term: 2]',
      'replace the unstable entries from index 2',
    ]);
  });

  it('rejects a slice whose previous entry does not match', () => {
    const log = logWithTerms([1, 1]);

    const last = log.maybeAppend(
      { term: 3 as Term, prev: { term: 2 as Term, index: 2 as LogIndex }, entries: [ent(3, 3)] },
      3 as LogIndex,
    );

    expect(last).toBeUndefined();
    expect(log.lastIndex()).toBe(2);
  });

  it('commits only entries of the given term (the current-term rule)', () => {
    const log = logWithTerms([1, 1, 2]);

    expect(log.maybeCommit({ term: 2 as Term, index: 2 as LogIndex })).toBe(false);
    expect(log.maybeCommit({ term: 2 as Term, index: 3 as LogIndex })).toBe(true);
    expect(log.committed).toBe(3);
  });

  it('ignores a stability report for an entry replaced in a later term', () => {
    const lines: LogLine[] = [];
    const log = new RaftLog(MemoryStorage.bootstrap(emptyConfState()), recordingLogger(lines));
    log.append([ent(1, 1), ent(2, 1)]);
    log.acceptUnstable();
    log.append([ent(2, 2)]);

    log.stableTo({ term: 1 as Term, index: 2 as LogIndex });

    expect(log.unstable.entries.map((e) => e.term)).toEqual([1, 2]);
    expect(lines.at(-1)?.msg).toBe(
      'entry at (index,term)=(2,1) mismatched with entry at (2,2) in unstable log; ignoring',
    );
  });

  it('hands out unstable entries once, and keeps them readable until stable', () => {
    const log = new RaftLog(MemoryStorage.bootstrap(emptyConfState()), discardLogger);
    log.append([ent(1, 1), ent(2, 1)]);

    expect(log.nextUnstableEnts().map((e) => e.index)).toEqual([1, 2]);
    log.acceptUnstable();
    expect(log.nextUnstableEnts()).toEqual([]);
    expect(log.term(2 as LogIndex)).toBe(1);

    log.stableTo({ term: 1 as Term, index: 1 as LogIndex });
    expect(log.unstable.offset).toBe(2);
  });

  it('pauses handing out committed entries at the applying size limit', () => {
    const ms = MemoryStorage.bootstrap(emptyConfState());
    ms.append([ent(1, 1), ent(2, 1), ent(3, 1)]);
    const log = new RaftLog(ms, discardLogger, 1);
    log.commitTo(3 as LogIndex);

    const first = log.nextCommittedEnts(true);
    log.acceptApplying(1 as LogIndex, 6, true);

    expect(first.map((e) => e.index)).toEqual([1]);
    expect(log.hasNextCommittedEnts(true)).toBe(false);
    log.appliedTo(1 as LogIndex, 6);
    expect(log.nextCommittedEnts(true).map((e) => e.index)).toEqual([2]);
  });
});
