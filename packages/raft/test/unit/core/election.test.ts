import { describe, expect, it } from 'vitest';
import { Cluster } from './cluster.ts';

describe('elections', () => {
  it('elects the campaigning node of three and agrees on the term', () => {
    const c = new Cluster({ voters: [1, 2, 3] });

    c.elect(1);

    expect(c.leaderIds()).toEqual([1]);
    for (const n of [1, 2, 3]) {
      const st = c.node(n).rn.basicStatus();
      expect(st.hardState.term).toBe(1);
      expect(st.softState.lead).toBe(1);
    }
  });
});
