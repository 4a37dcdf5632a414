/**
 * A differential property test: random sequences of writes, syncs and reopens applied to the
 * core's MemoryStorage and to the durable store must give the same results, the same errors,
 * the same throws, and the same observable state after every step.
 */

import type { ConfState, LogIndex, NodeId, Snapshot, Term } from '@raftlens/raft';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { NodeStorage } from '../../src/storage/types.ts';
import { confState, ent, removeTempDirs, type Subject, subject } from './harness.ts';

afterAll(removeTempDirs);

type Op =
  | { k: 'append'; back: number; terms: number[]; data: Uint8Array[] }
  | { k: 'hardState'; term: number; vote: number; commit: number }
  | { k: 'compact'; pick: number }
  | { k: 'createSnapshot'; pick: number; voters: number[] | null; data: Uint8Array }
  | { k: 'applySnapshot'; ahead: number; term: number; voters: number[]; data: Uint8Array }
  | { k: 'sync' }
  | { k: 'reopen' };

const bytes = fc.uint8Array({ maxLength: 12 });
const voters = fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { maxLength: 4 });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(fc.tuple(fc.integer({ min: 1, max: 9 }), bytes), { maxLength: 6 })
      .chain((ents) =>
        fc.record({
          k: fc.constant('append' as const),
          // How far before lastIndex+1 the new entries start: 0 appends, more overwrites.
          back: fc.integer({ min: 0, max: 8 }),
          terms: fc.constant(ents.map(([t]) => t)),
          data: fc.constant(ents.map(([, d]) => d)),
        }),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('hardState' as const),
      term: fc.nat(9),
      vote: fc.nat(5),
      commit: fc.nat(30),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('compact' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('createSnapshot' as const),
      pick: fc.nat(),
      voters: fc.option(voters, { nil: null }),
      data: bytes,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('applySnapshot' as const),
      ahead: fc.integer({ min: -3, max: 6 }),
      term: fc.integer({ min: 1, max: 9 }),
      voters,
      data: bytes,
    }),
  },
  { weight: 3, arbitrary: fc.constant({ k: 'sync' as const }) },
  { weight: 2, arbitrary: fc.constant({ k: 'reopen' as const }) },
);

/** Picks an index in [offset - 1, last + 1] from a random natural, to hit both edges. */
function pickIndex(s: NodeStorage, pick: number): LogIndex {
  const lo = s.firstIndex() - 2;
  const span = s.lastIndex() + 1 - lo + 1;
  return Math.max(0, lo + (pick % span)) as LogIndex;
}

const cs = (v: number[]): ConfState => confState(v);

/**
 * Fixes the indexes of `op` from the reference store's current state, and returns the step to
 * run against each store, so that both see exactly the same call.
 */
function resolve(op: Op, ref: NodeStorage): (sub: Subject) => unknown {
  switch (op.k) {
    case 'append': {
      const start = Math.max(1, ref.lastIndex() + 1 - op.back);
      const ents = op.terms.map((t, i) => ent(start + i, t, op.data[i]));
      return (sub) => sub.s.append(ents);
    }
    case 'hardState': {
      const hs = { term: op.term as Term, vote: op.vote as NodeId, commit: op.commit as LogIndex };
      return (sub) => sub.s.setHardState(hs);
    }
    case 'compact': {
      const i = pickIndex(ref, op.pick);
      return (sub) => sub.s.compact(i);
    }
    case 'createSnapshot': {
      const i = pickIndex(ref, op.pick);
      return (sub) => sub.s.createSnapshot(i, op.voters === null ? null : cs(op.voters), op.data);
    }
    case 'applySnapshot': {
      const snap: Snapshot = {
        data: op.data,
        metadata: {
          index: Math.max(0, ref.lastIndex() + op.ahead) as LogIndex,
          term: op.term as Term,
          confState: cs(op.voters),
        },
      };
      return (sub) => sub.s.applySnapshot(snap);
    }
    case 'sync':
      return (sub) => sub.s.sync();
    case 'reopen':
      // A restart after a clean sync: what the durable store reads back must equal the reference.
      return (sub) => {
        sub.s.sync();
        sub.reopen();
      };
  }
}

/**
 * Runs `f`, turning a throw into a comparable value. Only the fact of a throw is compared: a
 * throw is a caller bug, and the wording differs (MemoryStorage meets a snapshot below its
 * compacted index as a TypeError, the durable store names the broken invariant).
 */
function outcome(f: () => unknown): unknown {
  try {
    return { returned: f() ?? null };
  } catch {
    return { threw: true };
  }
}

/** Everything a reader of the store can see. */
function observe(s: NodeStorage): unknown {
  const first = s.firstIndex();
  const last = s.lastIndex();
  const terms: unknown[] = [];
  for (let i = first - 2; i <= last + 1; i++) terms.push(outcome(() => s.term(i as LogIndex)));
  const entries: unknown[] = [];
  for (let lo = first - 1; lo <= last + 1; lo++) {
    for (const maxSize of [0, 14, Infinity]) {
      entries.push(outcome(() => s.entries(lo as LogIndex, (last + 1) as LogIndex, maxSize)));
    }
  }
  return { first, last, init: s.initialState(), snap: s.snapshot(), terms, entries };
}

describe('durable storage against MemoryStorage', () => {
  it('behaves identically under random writes, syncs and reopens', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops) => {
        const mem = subject('memory');
        // Without the fsync, which changes nothing a reader sees, and only costs time here.
        const dur = subject('durable', undefined, undefined, 'NORMAL');
        try {
          for (const op of ops) {
            const step = resolve(op, mem.s);
            const want = outcome(() => step(mem));
            const got = outcome(() => step(dur));

            expect(got).toEqual(want);
            expect(observe(dur.s)).toEqual(observe(mem.s));
          }
        } finally {
          dur.dispose();
        }
      }),
      { numRuns: 100 },
    );
  }, 120_000);
});
