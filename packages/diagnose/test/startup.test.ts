/**
 * A node's core records InitState, its configuration and BecomeFollower as it is constructed;
 * none of that is work a Ready must hand out. A fresh cluster waiting for its first election
 * timeout is healthy, whatever the other nodes' Readys show.
 */

import { describe, expect, it } from 'vitest';
import { diagnose } from '../src/index.ts';
import { healthySnapshot, message, Scenario } from './support/builders.ts';

/** Three followers in term 0 that started at tick 0 and have not heard of a leader. */
function started(): Scenario {
  const s = new Scenario(healthySnapshot({ size: 3, term: 0, lastIndex: 0 }));
  for (const n of s.snapshot.nodes) {
    s.set(n.id, { role: 'StateFollower', lead: 0, vote: 0, progress: undefined });
    s.state(n.id, 'InitState', { conf: [[], []] });
    s.state(n.id, 'ApplyConfChange', { confChange: 'v1 v2 v3' });
    s.state(n.id, 'BecomeFollower');
  }
  return s;
}

describe('a node that has just started', () => {
  it('is not taken for a stopped Ready loop while it waits for an election timeout', () => {
    const s = started().elapse(11);
    // Node 1 times out first: it campaigns, and its Ready hands out the pre-votes.
    s.set(1, { role: 'StatePreCandidate' });
    s.state(1, 'BecomePreCandidate', { role: 'StatePreCandidate' });
    s.ready(1, { messages: 2 });
    for (const p of [2, 3]) s.net('Send', message('MsgPreVote', 1, p, { term: 1 }));

    const found = diagnose(s.input()).filter((f) => f.code === 'ReadyNotAdvanced');

    expect(found).toEqual([]);
  });

  it('is still caught when it had real work after starting that no Ready handed out', () => {
    const s = started().elapse(1);
    s.set(2, { role: 'StatePreCandidate' });
    s.state(2, 'BecomePreCandidate', { role: 'StatePreCandidate' });
    s.ready(1);
    s.elapse(15);

    const found = diagnose(s.input()).filter((f) => f.code === 'ReadyNotAdvanced');

    expect(found.map((f) => f.nodes)).toEqual([[2]]);
  });
});
