import { describe, expect, it } from 'vitest';
import type { Message } from '../../../src/index.ts';
import { Cluster } from './cluster.ts';

/**
 * A 3-node group in which node 1's log diverges: node 1 led term 1 and appended three entries
 * alone; meanwhile node 2 led term 2 with node 3 and appended its own; then node 3 took over in
 * term 3. Node 1 is then reconnected. Logs (term/index): node 1 has 1/2 1/3 1/4 1/5; nodes 2
 * and 3 have 1/2 2/3 2/4 2/5 3/6.
 */
function divergedCluster(): Cluster {
  const c = new Cluster({ voters: [1, 2, 3] });
  c.elect(1);
  for (const to of [2, 3]) {
    c.cut.add(`1->${to}`);
    c.cut.add(`${to}->1`);
  }
  for (const s of ['lost-1', 'lost-2', 'lost-3']) c.propose(1, s);
  c.stabilize();
  c.elect(2);
  for (const s of ['kept-1', 'kept-2']) c.propose(2, s);
  c.stabilize();
  c.elect(3);
  c.cut.clear();
  return c;
}

describe('rejection and probing', () => {
  it('rejects a non-matching append with a hint that skips the divergent term', () => {
    const c = divergedCluster();
    expect(c.node(1).rn.raft.raftLog.lastIndex()).toBe(5);

    const seen: Message[] = [];
    c.tick(3);
    for (let i = 0; i < 6; i++) {
      for (const n of [1, 2, 3]) c.processReady(n);
      seen.push(...c.inflight);
      c.deliver();
    }
    const resp = seen.find((m) => m.from === 1 && m.type === 'MsgAppResp' && m.reject);
    const after = seen.slice(resp === undefined ? seen.length : seen.indexOf(resp));
    const probe = after.find((m) => m.from === 3 && m.to === 1 && m.type === 'MsgApp');

    // The leader's first probe is the append of 3/6 after 2/5, which node 1 does not have. Its
    // best guess of agreement is its last entry of a term no greater than 2: 1/5.
    expect(resp).toMatchObject({ reject: true, index: 5, rejectHint: 5, logTerm: 1 });
    // The leader skips the whole of term 2 and probes after its last term-1 entry.
    expect(probe).toMatchObject({ index: 2, logTerm: 1 });
    expect(probe?.entries.map((e) => `${e.term}/${e.index}`)).toEqual(['2/3', '2/4', '2/5', '3/6']);
  });

  it('overwrites the divergent tail and converges', () => {
    const c = divergedCluster();

    c.tick(3);
    c.stabilize();

    for (const n of [1, 2, 3]) expect(c.appliedData(n)).toEqual(['kept-1', 'kept-2']);
    const log1 = c
      .node(1)
      .rn.raft.raftLog.allEntries()
      .map((e) => `${e.term}/${e.index}`);
    expect(log1).toEqual(['1/2', '2/3', '2/4', '2/5', '3/6']);
  });

  it('a heartbeat response to a follower with a full window triggers an empty probe', () => {
    const c = new Cluster({ voters: [1, 2, 3], config: { maxInflightMsgs: 1 } });
    c.elect(1);
    c.propose(1, 'a');
    c.processReady(1);
    c.drop(3);
    c.propose(1, 'b');
    c.processReady(1);
    expect(c.inflight.filter((m) => m.to === 3)).toEqual([]);

    c.tick(1);
    c.processReady(1);
    c.deliver(3);
    c.processReady(3);
    c.deliver(1);
    c.processReady(1);
    const app = c.inflight.find((m) => m.to === 3 && m.type === 'MsgApp');

    expect(app?.entries).toEqual([]);
    c.stabilize();
    expect(c.appliedData(3)).toEqual(['a', 'b']);
  });

  it('goes back to probing when a follower is reported unreachable', () => {
    const c = new Cluster({ voters: [1, 2, 3] });
    c.elect(1);

    c.node(1).rn.reportUnreachable(c.node(3).id);

    expect(c.node(1).rn.status().progress[3]?.state).toBe('StateProbe');
    c.tick(1);
    c.stabilize();
    expect(c.node(1).rn.status().progress[3]?.state).toBe('StateReplicate');
  });
});
