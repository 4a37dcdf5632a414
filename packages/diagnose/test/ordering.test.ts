/**
 * Findings of equal severity and code are ordered with the group's leader first: when every
 * node shows the same fault, the leader's copy is the one that explains a stuck commit.
 */

import { describe, expect, it } from 'vitest';
import { diagnose, sortFindings, whyNotCommitted } from '../src/index.ts';
import { healthySnapshot, Scenario } from './support/builders.ts';
import { init } from './support/histories.ts';

/**
 * Leader 3 of three nodes appended entry 6 and handed it out in a Ready; no node ever calls
 * advance again, so nobody persists it and the leader never acknowledges its own entry.
 */
function neverAdvanced(): Scenario {
  const s = new Scenario(healthySnapshot({ size: 3, leader: 3, lastIndex: 5 }));
  init(s);
  s.state(3, 'BecomeLeader');
  s.elapse(2);
  for (const id of [1, 2, 3]) {
    s.append(id, 6, 6, 2);
    s.ready(id, { entries: [6, 6], messages: id === 3 ? 2 : 0, mustSync: true });
  }
  return s.elapse(30);
}

describe('the order of findings', () => {
  it("puts the leader's stopped Ready loop before its followers'", () => {
    const fs = diagnose(neverAdvanced().input());

    const stopped = fs.filter((f) => f.code === 'ReadyNotAdvanced');
    expect(stopped.map((f) => [f.nodes[0], f.severity])).toEqual([
      [3, 'error'],
      [1, 'error'],
      [2, 'error'],
    ]);
    expect(fs[0]?.code).toBe('ReadyNotAdvanced');
    expect(fs[0]?.nodes).toEqual([3]);
  });

  it('puts the leader first in the answer for one entry too', () => {
    const fs = whyNotCommitted(neverAdvanced().input(), 6);

    expect(fs[0]?.code).toBe('ReadyNotAdvanced');
    expect(fs[0]?.nodes).toEqual([3]);
  });

  it('orders by node id when no leader is given', () => {
    const f = (node: number) => ({
      code: 'NodeDown' as const,
      severity: 'warning' as const,
      group: 1,
      nodes: [node],
      evidence: [],
      summary: `Node ${node} is down.`,
    });

    const sorted = sortFindings([f(3), f(1), f(2)]);

    expect(sorted.map((x) => x.nodes[0])).toEqual([1, 2, 3]);
    expect(sortFindings([f(3), f(1), f(2)], new Map([[1, 2]])).map((x) => x.nodes[0])).toEqual([
      2, 1, 3,
    ]);
  });
});
