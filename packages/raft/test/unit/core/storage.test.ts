import { describe, expect, it } from 'vitest';
import {
  type Entry,
  emptyConfState,
  entrySize,
  type LogIndex,
  MemoryStorage,
  messageSize,
  newMessage,
  payloadSize,
  type Term,
} from '../../../src/index.ts';

const ent = (index: number, term: number): Entry => ({
  index: index as LogIndex,
  term: term as Term,
  type: 'EntryNormal',
  data: new Uint8Array([index]),
});

/** A storage holding a snapshot at index 3 (term 3) and entries 4 and 5 (terms 4 and 5). */
function storage345(): MemoryStorage {
  const ms = MemoryStorage.bootstrap(emptyConfState(), { index: 3 as LogIndex, term: 3 as Term });
  ms.append([ent(4, 4), ent(5, 5)]);
  return ms;
}

describe('MemoryStorage', () => {
  it('answers terms in [firstIndex-1, lastIndex] and typed errors outside', () => {
    const ms = storage345();

    expect(ms.firstIndex()).toBe(4);
    expect(ms.lastIndex()).toBe(5);
    expect(ms.term(2 as LogIndex)).toMatchObject({ code: 'Compacted' });
    expect(ms.term(3 as LogIndex)).toBe(3);
    expect(ms.term(5 as LogIndex)).toBe(5);
    expect(ms.term(6 as LogIndex)).toMatchObject({ code: 'Unavailable' });
  });

  it.each([
    { lo: 2, hi: 6, max: Infinity, want: 'Compacted' },
    { lo: 3, hi: 4, max: Infinity, want: 'Compacted' },
    { lo: 4, hi: 5, max: Infinity, want: [4] },
    { lo: 4, hi: 6, max: Infinity, want: [4, 5] },
    { lo: 4, hi: 6, max: 0, want: [4] },
  ])('entries($lo, $hi, max $max) gives $want', ({ lo, hi, max, want }) => {
    const got = storage345().entries(lo as LogIndex, hi as LogIndex, max);

    if (typeof want === 'string') expect(got).toMatchObject({ code: want });
    else expect((got as Entry[]).map((e) => e.index)).toEqual(want);
  });

  it('limits entries by their encoded size, but returns at least one', () => {
    const ms = storage345();
    const one = storage345().entries(4 as LogIndex, 5 as LogIndex, Infinity) as Entry[];
    const size = 3 + 1 + 1 + 1 + (1 + 1 + 1); // tags, type/term/index varints, data

    expect(one).toHaveLength(1);
    expect((ms.entries(4 as LogIndex, 6 as LogIndex, size) as Entry[]).length).toBe(1);
    expect((ms.entries(4 as LogIndex, 6 as LogIndex, 2 * size) as Entry[]).length).toBe(2);
  });

  it('truncates a conflicting tail on append and refuses to leave a gap', () => {
    const ms = storage345();

    ms.append([ent(5, 6), ent(6, 6)]);

    expect(ms.lastIndex()).toBe(6);
    expect(ms.term(5 as LogIndex)).toBe(6);
    expect(() => ms.append([ent(8, 6)])).toThrow(/missing log entry/);
  });

  it('ignores appended entries that are already compacted', () => {
    const ms = storage345();

    ms.append([ent(2, 2), ent(3, 3), ent(4, 4), ent(5, 5), ent(6, 5)]);

    expect(ms.firstIndex()).toBe(4);
    expect(ms.lastIndex()).toBe(6);
  });

  it('compacts up to an index and keeps its term for matching', () => {
    const ms = storage345();

    expect(ms.compact(4 as LogIndex)).toBeNull();

    expect(ms.firstIndex()).toBe(5);
    expect(ms.term(4 as LogIndex)).toBe(4);
    expect(ms.compact(4 as LogIndex)).toMatchObject({ code: 'Compacted' });
  });

  it('refuses an older snapshot and replaces the log with a newer one', () => {
    const ms = storage345();
    const snap = (index: number) => ({
      data: new Uint8Array(0),
      metadata: { confState: emptyConfState(), index: index as LogIndex, term: 7 as Term },
    });

    expect(ms.applySnapshot(snap(3))).toMatchObject({ code: 'SnapOutOfDate' });
    expect(ms.applySnapshot(snap(10))).toBeNull();

    expect(ms.firstIndex()).toBe(11);
    expect(ms.lastIndex()).toBe(10);
    expect(ms.term(10 as LogIndex)).toBe(7);
  });

  it('creates snapshots at applied indexes with the given ConfState', () => {
    const ms = storage345();
    const cs = { ...emptyConfState(), voters: [1, 2] as never[] };

    const snap = ms.createSnapshot(5 as LogIndex, cs, new Uint8Array([9]));

    expect(snap).toMatchObject({ metadata: { index: 5, term: 5, confState: { voters: [1, 2] } } });
    expect(ms.createSnapshot(4 as LogIndex, null, new Uint8Array(0))).toMatchObject({
      code: 'SnapOutOfDate',
    });
  });

  it('bootstraps with a ConfState and an empty hard state', () => {
    const cs = { ...emptyConfState(), voters: [1, 2, 3] as never[] };

    const ms = MemoryStorage.bootstrap(cs, { index: 5 as LogIndex, term: 1 as Term });

    expect(ms.initialState().confState.voters).toEqual([1, 2, 3]);
    expect(ms.initialState().hardState).toEqual({ term: 0, vote: 0, commit: 0 });
    expect(ms.firstIndex()).toBe(6);
  });
});

describe('sizes', () => {
  it('counts entries as protobuf would encode them', () => {
    const e = ent(300, 2);

    // 3 tags + type(1) + term(1) + index(2 bytes for 300) + data tag, length, 1 byte.
    expect(entrySize(e)).toBe(3 + 1 + 1 + 2 + 3);
    expect(entrySize({ ...e, data: new Uint8Array(0) })).toBe(7);
    expect(payloadSize(e)).toBe(1);
  });

  it('sizes a message with its entries', () => {
    const m = newMessage({ type: 'MsgApp', entries: [ent(1, 1), ent(2, 1)] });

    const empty = messageSize(newMessage({ type: 'MsgApp' }));

    expect(messageSize(m)).toBe(empty + 2 * (2 + entrySize(ent(1, 1))));
  });
});
