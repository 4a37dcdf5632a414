import { describe, expect, it } from 'vitest';
import type { ReadState } from '../../../src/index.ts';
import { bytes, Cluster } from './cluster.ts';

/** Collects the ReadStates node `n` hands out while the cluster settles. */
function settleCollecting(c: Cluster, n: number): ReadState[] {
  const out: ReadState[] = [];
  for (let i = 0; i < 50; i++) {
    let moved = false;
    for (const m of c.nodes.keys()) {
      const node = c.node(m);
      if (!node.rn.hasReady()) continue;
      moved = true;
      const rd = node.rn.ready();
      if (m === n) out.push(...rd.readStates);
      node.storage.append(rd.entries);
      if (rd.hardState !== null) node.storage.setHardState(rd.hardState);
      c.inflight.push(...rd.messages);
      node.rn.advance(rd);
    }
    if (c.deliver() > 0) moved = true;
    if (!moved) break;
  }
  return out;
}

describe('ReadIndex', () => {
  it('answers on the leader after a quorum confirms leadership (ReadOnlySafe)', () => {
    const c = new Cluster({ voters: [1, 2, 3] });
    c.elect(1);
    c.propose(1, 'x');
    c.stabilize();

    c.node(1).rn.readIndex(bytes('req-1'));
    const states = settleCollecting(c, 1);

    expect(states).toEqual([{ index: 3, requestCtx: bytes('req-1') }]);
  });

  it('answers a follower through the leader', () => {
    const c = new Cluster({ voters: [1, 2, 3] });
    c.elect(1);

    c.node(3).rn.readIndex(bytes('req-3'));
    const states = settleCollecting(c, 3);

    expect(states).toEqual([{ index: 2, requestCtx: bytes('req-3') }]);
  });

  it('does not answer while the leader cannot reach a quorum', () => {
    const c = new Cluster({ voters: [1, 2, 3] });
    c.elect(1);
    c.cut.add('1->2');
    c.cut.add('1->3');

    c.node(1).rn.readIndex(bytes('req'));

    expect(settleCollecting(c, 1)).toEqual([]);
  });

  it('answers at once from the lease with ReadOnlyLeaseBased', () => {
    const c = new Cluster({
      voters: [1, 2, 3],
      config: { checkQuorum: true, readOnlyOption: 'ReadOnlyLeaseBased' },
    });
    c.elect(1);
    c.cut.add('1->2');
    c.cut.add('1->3');

    c.node(1).rn.readIndex(bytes('req'));

    expect(c.node(1).rn.ready().readStates).toEqual([{ index: 2, requestCtx: bytes('req') }]);
  });
});
