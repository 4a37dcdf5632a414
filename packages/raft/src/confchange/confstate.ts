/** Comparing configurations as ConfStates. */

import type { ConfState, NodeId } from '../types.ts';

const sorted = (ids: readonly NodeId[]): NodeId[] => [...ids].sort((a, b) => a - b);

function sameIds(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  if (a.length !== b.length) return false;
  const sa = sorted(a);
  const sb = sorted(b);
  return sa.every((id, i) => id === sb[i]);
}

/**
 * Whether two ConfStates describe the same configuration: the same ids in each list, in any
 * order, and the same `autoLeave`. Lists are compared as sorted lists, so a repeated id counts
 * (as in etcd's ConfState.Equivalent).
 */
export function confStatesEqual(a: ConfState, b: ConfState): boolean {
  return (
    a.autoLeave === b.autoLeave &&
    sameIds(a.voters, b.voters) &&
    sameIds(a.learners, b.learners) &&
    sameIds(a.votersOutgoing, b.votersOutgoing) &&
    sameIds(a.learnersNext, b.learnersNext)
  );
}

/** A ConfState as etcd's tests print it: `Voters:[1 2] VotersOutgoing:[] Learners:[] ...`. */
export function confStateToString(cs: ConfState): string {
  const list = (ids: readonly NodeId[]) => `[${ids.join(' ')}]`;
  return (
    `Voters:${list(cs.voters)} VotersOutgoing:${list(cs.votersOutgoing)} ` +
    `Learners:${list(cs.learners)} LearnersNext:${list(cs.learnersNext)} ` +
    `AutoLeave:${cs.autoLeave}`
  );
}
