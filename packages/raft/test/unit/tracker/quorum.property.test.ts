import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jointCommittedIndex, jointVoteResult } from '../../../src/quorum/joint.ts';
import {
  type AckedIndexer,
  INFINITE_INDEX,
  majorityCommittedIndex,
  majorityVoteResult,
} from '../../../src/quorum/majority.ts';
import type { LogIndex, NodeId } from '../../../src/types.ts';

/** Voter ids from a small range, so that halves of a joint config overlap often. */
const voters = fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { maxLength: 9 }) as fc.Arbitrary<
  NodeId[]
>;

/** Acknowledged indexes for ids 1..12; undefined means unknown. */
const acks = fc.array(fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }), {
  minLength: 12,
  maxLength: 12,
});

const indexer =
  (acked: (number | undefined)[]): AckedIndexer =>
  (id) =>
    acked[id - 1] as LogIndex | undefined;

/** The definition: sort the acknowledged indexes (unknown as 0) descending, take the quorum-th. */
function definitionalCommit(ids: NodeId[], acked: (number | undefined)[]): number {
  if (ids.length === 0) return INFINITE_INDEX;
  const sorted = ids.map((id) => acked[id - 1] ?? 0).sort((a, b) => b - a);
  return sorted[Math.floor(ids.length / 2)] as number;
}

describe('majority and joint quorums (properties)', () => {
  it('majorityCommittedIndex is the (n/2+1)-th largest acknowledged index', () => {
    fc.assert(
      fc.property(voters, acks, (ids, acked) => {
        const got = majorityCommittedIndex(new Set(ids), indexer(acked));

        expect(got).toBe(definitionalCommit(ids, acked));
      }),
    );
  });

  it('a majority has acknowledged the committed index, and no majority anything higher', () => {
    fc.assert(
      fc.property(
        voters.filter((ids) => ids.length > 0),
        acks,
        (ids, acked) => {
          const committed = majorityCommittedIndex(new Set(ids), indexer(acked));
          const reached = (i: number) => ids.filter((id) => (acked[id - 1] ?? 0) >= i).length;
          const quorum = Math.floor(ids.length / 2) + 1;

          expect(reached(committed)).toBeGreaterThanOrEqual(quorum);
          expect(reached(committed + 1)).toBeLessThan(quorum);
        },
      ),
    );
  });

  it('jointCommittedIndex is the minimum of the two halves', () => {
    fc.assert(
      fc.property(voters, voters, acks, (incoming, outgoing, acked) => {
        const l = indexer(acked);

        const got = jointCommittedIndex([new Set(incoming), new Set(outgoing)], l);

        expect(got).toBe(
          Math.min(definitionalCommit(incoming, acked), definitionalCommit(outgoing, acked)),
        );
      }),
    );
  });

  it('a joint config with an empty or identical outgoing half acts as the majority alone', () => {
    fc.assert(
      fc.property(voters, acks, (ids, acked) => {
        const c = new Set(ids);
        const l = indexer(acked);
        const alone = majorityCommittedIndex(c, l);

        expect(jointCommittedIndex([c, new Set()], l)).toBe(alone);
        expect(jointCommittedIndex([c, c], l)).toBe(alone);
      }),
    );
  });

  it('majorityVoteResult is decided by what the missing votes could still do', () => {
    const votes = fc.array(fc.option(fc.boolean(), { nil: undefined }), {
      minLength: 12,
      maxLength: 12,
    });
    fc.assert(
      fc.property(voters, votes, (ids, cast) => {
        const m = new Map<NodeId, boolean>();
        ids.forEach((id) => {
          const v = cast[id - 1];
          if (v !== undefined) m.set(id, v);
        });
        const yes = ids.filter((id) => cast[id - 1] === true).length;
        const open = ids.filter((id) => cast[id - 1] === undefined).length;
        const quorum = Math.floor(ids.length / 2) + 1;

        const got = majorityVoteResult(new Set(ids), m);

        const want =
          ids.length === 0 || yes >= quorum
            ? 'VoteWon'
            : yes + open >= quorum
              ? 'VotePending'
              : 'VoteLost';
        expect(got).toBe(want);
      }),
    );
  });

  it('a joint vote is won only if both halves are won and lost if either is lost', () => {
    const votes = fc.array(fc.option(fc.boolean(), { nil: undefined }), {
      minLength: 12,
      maxLength: 12,
    });
    fc.assert(
      fc.property(voters, voters, votes, (incoming, outgoing, cast) => {
        const m = new Map<NodeId, boolean>();
        cast.forEach((v, i) => {
          if (v !== undefined) m.set((i + 1) as NodeId, v);
        });
        const a = majorityVoteResult(new Set(incoming), m);
        const b = majorityVoteResult(new Set(outgoing), m);

        const got = jointVoteResult([new Set(incoming), new Set(outgoing)], m);

        if (a === 'VoteLost' || b === 'VoteLost') expect(got).toBe('VoteLost');
        else if (a === 'VoteWon' && b === 'VoteWon') expect(got).toBe('VoteWon');
        else expect(got).toBe('VotePending');
      }),
    );
  });
});
