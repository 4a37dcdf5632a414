/**
 * The storage semantics table, after etcd raft's storage tests, run identically against the
 * core's MemoryStorage, the durable store, and the durable store reopened from disk before
 * every observation.
 */

import { entrySize, type LogIndex, type NodeId, type Snapshot, type Term } from '@raftlens/raft';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createDurableStorage } from '../../src/storage/durable.ts';
import {
  confState,
  dumpLog,
  ent,
  KINDS,
  removeTempDirs,
  type Subject,
  subject,
  tempDir,
} from './harness.ts';

const live: Subject[] = [];

afterEach(() => {
  for (const sub of live.splice(0)) sub.dispose();
});
afterAll(removeTempDirs);

/** A store holding etcd's test log: dummy {3,3}, then {4,4}, {5,5}, and any `more` entries. */
function etcdLog(kind: (typeof KINDS)[number], more: [number, number][] = []): Subject {
  const sub = subject(kind, { index: 3, term: 3 });
  live.push(sub);
  sub.s.append([ent(4, 4), ent(5, 5), ...more.map(([i, t]) => ent(i, t))]);
  sub.s.sync();
  return sub;
}

/** Reopens the durable-reopened kind (only) before an observation. */
function observe(kind: (typeof KINDS)[number], sub: Subject): Subject {
  if (kind === 'durable, reopened') sub.reopen();
  return sub;
}

const I = (n: number) => n as LogIndex;

describe.each(KINDS)('storage semantics: %s', (kind) => {
  it.each([
    [2, { code: 'Compacted' }],
    [3, 3],
    [4, 4],
    [5, 5],
    [6, { code: 'Unavailable' }],
  ])('term(%i)', (i, want) => {
    const sub = observe(kind, etcdLog(kind));

    const got = sub.s.term(I(i));

    if (typeof want === 'number') expect(got).toBe(want);
    else expect(got).toMatchObject(want);
  });

  const sz = (...idx: number[]) => idx.reduce((n, i) => n + entrySize(ent(i, i)), 0);
  it.each<[number, number, number, [number, number][] | { code: string }]>([
    [2, 6, Infinity, { code: 'Compacted' }],
    [3, 4, Infinity, { code: 'Compacted' }],
    [4, 5, Infinity, [[4, 4]]],
    [
      4,
      6,
      Infinity,
      [
        [4, 4],
        [5, 5],
      ],
    ],
    [
      4,
      7,
      Infinity,
      [
        [4, 4],
        [5, 5],
        [6, 6],
      ],
    ],
    [4, 7, 0, [[4, 4]]],
    [
      4,
      7,
      sz(4, 5),
      [
        [4, 4],
        [5, 5],
      ],
    ],
    [
      4,
      7,
      sz(4, 5, 6) - 1,
      [
        [4, 4],
        [5, 5],
      ],
    ],
    [
      4,
      7,
      sz(4, 5, 6),
      [
        [4, 4],
        [5, 5],
        [6, 6],
      ],
    ],
    [5, 5, Infinity, []],
  ])('entries(%i, %i, maxSize %s)', (lo, hi, maxSize, want) => {
    const sub = observe(kind, etcdLog(kind, [[6, 6]]));

    const got = sub.s.entries(I(lo), I(hi), maxSize);

    if (Array.isArray(want)) {
      expect(got).toEqual(want.map(([i, t]) => ent(i, t)));
    } else {
      expect(got).toMatchObject(want);
    }
  });

  it('entries beyond the last index is a caller bug and throws', () => {
    const sub = observe(kind, etcdLog(kind));

    expect(() => sub.s.entries(I(4), I(7), Infinity)).toThrow(/out of bound/);
  });

  it('entries of a log holding only its dummy entry is Unavailable', () => {
    const sub = subject(kind, { index: 3, term: 3 });
    live.push(sub);

    observe(kind, sub);

    expect(sub.s.entries(I(4), I(4), Infinity)).toMatchObject({ code: 'Unavailable' });
  });

  it('lastIndex follows appends', () => {
    const sub = etcdLog(kind);
    expect(observe(kind, sub).s.lastIndex()).toBe(5);

    sub.s.append([ent(6, 5)]);
    sub.s.sync();

    expect(observe(kind, sub).s.lastIndex()).toBe(6);
  });

  it('firstIndex follows compaction', () => {
    const sub = etcdLog(kind);
    expect(observe(kind, sub).s.firstIndex()).toBe(4);

    sub.s.compact(I(4));
    sub.s.sync();

    expect(observe(kind, sub).s.firstIndex()).toBe(5);
  });

  it.each<[number, string | null, [number, number][]]>([
    [
      2,
      'Compacted',
      [
        [3, 3],
        [4, 4],
        [5, 5],
      ],
    ],
    [
      3,
      'Compacted',
      [
        [3, 3],
        [4, 4],
        [5, 5],
      ],
    ],
    [
      4,
      null,
      [
        [4, 4],
        [5, 5],
      ],
    ],
    [5, null, [[5, 5]]],
  ])('compact(%i)', (i, code, log) => {
    const sub = etcdLog(kind);

    const err = sub.s.compact(I(i));
    sub.s.sync();

    expect(err?.code ?? null).toBe(code);
    expect(dumpLog(observe(kind, sub).s)).toEqual(log);
  });

  it('compact beyond the last index is a caller bug and throws', () => {
    const sub = etcdLog(kind);

    expect(() => sub.s.compact(I(6))).toThrow(/out of bound/);
  });

  it.each([4, 5])('createSnapshot(%i)', (i) => {
    const sub = etcdLog(kind);
    const cs = confState([1, 2, 3]);
    const data = new TextEncoder().encode('data');

    const snap = sub.s.createSnapshot(I(i), cs, data);
    sub.s.sync();

    const want: Snapshot = { data, metadata: { index: I(i), term: i as Term, confState: cs } };
    expect(snap).toEqual(want);
    expect(observe(kind, sub).s.snapshot()).toEqual(want);
    expect(sub.s.initialState().confState).toEqual(cs);
  });

  it('createSnapshot at or below the stored snapshot is SnapOutOfDate', () => {
    const sub = etcdLog(kind);

    expect(sub.s.createSnapshot(I(3), null, new Uint8Array(0))).toMatchObject({
      code: 'SnapOutOfDate',
    });
  });

  it.each<[string, [number, number][], [number, number][]]>([
    [
      'entries all compacted',
      [
        [1, 1],
        [2, 2],
      ],
      [
        [3, 3],
        [4, 4],
        [5, 5],
      ],
    ],
    [
      'the same entries',
      [
        [3, 3],
        [4, 4],
        [5, 5],
      ],
      [
        [3, 3],
        [4, 4],
        [5, 5],
      ],
    ],
    [
      'a conflicting suffix',
      [
        [3, 3],
        [4, 6],
        [5, 6],
      ],
      [
        [3, 3],
        [4, 6],
        [5, 6],
      ],
    ],
    [
      'a longer log',
      [
        [3, 3],
        [4, 4],
        [5, 5],
        [6, 5],
      ],
      [
        [3, 3],
        [4, 4],
        [5, 5],
        [6, 5],
      ],
    ],
    [
      'entries partly compacted',
      [
        [2, 3],
        [3, 3],
        [4, 5],
      ],
      [
        [3, 3],
        [4, 5],
      ],
    ],
    [
      'a truncating entry',
      [[4, 5]],
      [
        [3, 3],
        [4, 5],
      ],
    ],
    [
      'a direct append',
      [[6, 5]],
      [
        [3, 3],
        [4, 4],
        [5, 5],
        [6, 5],
      ],
    ],
  ])('append of %s', (_name, entries, log) => {
    const sub = etcdLog(kind);

    sub.s.append(entries.map(([i, t]) => ent(i, t)));
    sub.s.sync();

    expect(dumpLog(observe(kind, sub).s)).toEqual(log);
  });

  it('append leaving a gap is a caller bug and throws', () => {
    const sub = etcdLog(kind);

    expect(() => sub.s.append([ent(7, 5)])).toThrow(/missing log entry/);
  });

  it('applySnapshot replaces the log, and refuses an older snapshot', () => {
    const sub = subject(kind);
    live.push(sub);
    const cs = confState([1, 2, 3]);
    const data = new Uint8Array([1, 2, 3]);
    sub.s.append([ent(1, 1), ent(2, 1)]);

    const first = sub.s.applySnapshot({
      data,
      metadata: { index: I(4), term: 4 as Term, confState: cs },
    });
    sub.s.sync();
    const stale = sub.s.applySnapshot({
      data,
      metadata: { index: I(3), term: 3 as Term, confState: cs },
    });

    expect(first).toBeNull();
    expect(stale).toMatchObject({ code: 'SnapOutOfDate' });
    observe(kind, sub);
    expect(dumpLog(sub.s)).toEqual([[4, 4]]);
    expect(sub.s.snapshot()).toEqual({ data, metadata: { index: 4, term: 4, confState: cs } });
    expect(sub.s.initialState().confState).toEqual(cs);
  });

  it('keeps the hard state', () => {
    const sub = subject(kind);
    live.push(sub);

    sub.s.setHardState({ term: 5 as Term, vote: 2 as never, commit: 0 as LogIndex });
    sub.s.sync();

    expect(observe(kind, sub).s.initialState().hardState).toEqual({ term: 5, vote: 2, commit: 0 });
  });

  it('starts a bootstrapped member from its ConfState', () => {
    const cs = confState([1, 2, 3]);
    const sub = subject(kind, { index: 0, term: 0 }, cs);
    live.push(sub);

    observe(kind, sub);

    expect(sub.s.initialState()).toEqual({
      hardState: { term: 0, vote: 0, commit: 0 },
      confState: cs,
    });
    expect([sub.s.firstIndex(), sub.s.lastIndex()]).toEqual([1, 0]);
  });
});

describe('durable storage close', () => {
  it.each([
    ['syncs what was written', {}, 6, 6],
    ['drops what was not synced, as a crash would', { discardUnsynced: true }, 5, 2],
  ])('%s', (_name, opts, last, commit) => {
    const dir = tempDir();
    const s = createDurableStorage(dir);
    s.append([ent(1, 1), ent(2, 1), ent(3, 2), ent(4, 2), ent(5, 2)]);
    s.setHardState({ term: 2 as Term, vote: 1 as NodeId, commit: 2 as LogIndex });
    s.sync();
    s.append([ent(6, 2)]);
    s.setHardState({ term: 2 as Term, vote: 1 as NodeId, commit: 6 as LogIndex });

    s.close(opts);

    const again = createDurableStorage(dir);
    expect(again.lastIndex()).toBe(last);
    expect(again.initialState().hardState.commit).toBe(commit);
    again.close();
  });
});
