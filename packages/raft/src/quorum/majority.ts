/**
 * Majority quorums: the arithmetic behind "a majority of the voters has acknowledged index i"
 * and "a majority of the voters has granted its vote".
 */

import type { LogIndex, NodeId } from '../types.ts';
import type { VoteResult } from './vote.ts';

/** A set of voters; any majority of them forms a quorum. */
export type MajorityConfig = ReadonlySet<NodeId>;

/**
 * Looks up the log index a voter has acknowledged (for the leader: its `match`), or undefined
 * when nothing is known about the voter. "Unknown" is not the same as "acknowledged 0": the
 * describe tables print the two differently, though both count as 0 for the commit index.
 */
export type AckedIndexer = (id: NodeId) => LogIndex | undefined;

/**
 * The committed index of an empty configuration. An empty majority imposes no constraint, so
 * it "commits everything"; that makes it the neutral element of the joint minimum.
 */
export const INFINITE_INDEX = Number.MAX_SAFE_INTEGER as LogIndex;

/** The voters in ascending order, for stable output. */
export function majoritySlice(c: MajorityConfig): NodeId[] {
  return [...c].sort((a, b) => a - b);
}

/** The set as etcd prints it: `(1 2 3)`, sorted, or `()` when empty. */
export function majorityConfigToString(c: MajorityConfig): string {
  return `(${majoritySlice(c).join(' ')})`;
}

/** An index as etcd prints it: the infinite index of an empty quorum is `∞`. */
export function indexToString(i: LogIndex): string {
  return i === INFINITE_INDEX ? '∞' : String(i);
}

/**
 * The largest index that a majority of the voters has acknowledged: with the acknowledged
 * indexes sorted in descending order, the (n/2+1)-th one. Voters with no known index count as
 * having acknowledged 0, so they can only hold the result down.
 */
export function majorityCommittedIndex(c: MajorityConfig, l: AckedIndexer): LogIndex {
  const n = c.size;
  if (n === 0) return INFINITE_INDEX;
  // Called on every acknowledgement: a reused scratch array and an insertion sort (the
  // configurations are small) avoid an allocation and a comparator call per element.
  const acked = scratch;
  let k = 0;
  for (const id of c) {
    const v = l(id) ?? 0;
    let j = k++;
    while (j > 0 && (acked[j - 1] as number) < v) {
      acked[j] = acked[j - 1] as number;
      j--;
    }
    acked[j] = v;
  }
  // n is positive and the quorum size n/2+1 never exceeds it, so the element exists.
  const quorum = Math.floor(n / 2) + 1;
  return acked[quorum - 1] as LogIndex;
}

/** Scratch space of majorityCommittedIndex, sorted in descending order; only [0, n) is used. */
const scratch: number[] = [];

/**
 * Counts the votes of a majority configuration. Votes from ids outside the configuration are
 * ignored. An empty configuration wins every vote, which, like its infinite committed index,
 * makes it neutral inside a joint configuration.
 */
export function majorityVoteResult(
  c: MajorityConfig,
  votes: ReadonlyMap<NodeId, boolean>,
): VoteResult {
  if (c.size === 0) return 'VoteWon';
  let granted = 0;
  let missing = 0;
  for (const id of c) {
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) granted++;
  }
  const quorum = Math.floor(c.size / 2) + 1;
  if (granted >= quorum) return 'VoteWon';
  if (granted + missing >= quorum) return 'VotePending';
  return 'VoteLost';
}

/**
 * A table of the acknowledged indexes, one voter a line in id order, as etcd's quorum scripts
 * print it:
 *
 *            idx
 *     x>     100    (id=1)
 *     xx>    101    (id=2)
 *     >       99    (id=3)
 *
 * The bar in front of each index has one `x` for every voter with a strictly smaller index, so
 * the bars read as a ranking and equal indexes get equal bars; `?` marks a voter whose index is
 * unknown. Each line ends with a newline.
 */
export function describeMajority(c: MajorityConfig, l: AckedIndexer): string {
  if (c.size === 0) return '<empty majority quorum>';
  const n = c.size;
  const rows = majoritySlice(c).map((id) => {
    const idx = l(id);
    return { id, idx: idx ?? 0, known: idx !== undefined };
  });
  let out = `${' '.repeat(n)}    idx\n`;
  for (const row of rows) {
    const bar = rows.filter((other) => other.idx < row.idx).length;
    const prefix = row.known ? `${'x'.repeat(bar)}>${' '.repeat(n - bar)}` : `?${' '.repeat(n)}`;
    out += `${prefix} ${String(row.idx).padStart(5)}    (id=${row.id})\n`;
  }
  return out;
}
