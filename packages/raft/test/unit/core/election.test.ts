import { describe, expect, it } from 'vitest';
import { MemoryStorage, type RaftTraceEvent, RawNode, seededRandom } from '../../../src/index.ts';
import { Cluster, id } from './cluster.ts';

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

  it('campaigns on its own once the randomized election timeout passes', () => {
    const c = new Cluster({ voters: [1, 2, 3] });
    const timeout = c.node(2).rn.raft.randomizedElectionTimeout;

    expect(timeout).toBeGreaterThanOrEqual(10);
    expect(timeout).toBeLessThan(20);
    c.tick(2, timeout - 1);
    expect(c.node(2).rn.raft.state).toBe('StateFollower');
    c.tick(2);
    c.stabilize();

    expect(c.leaderIds()).toEqual([2]);
  });

  it('draws the same timeouts from the same seed', () => {
    const a = new Cluster({ voters: [1, 2, 3] });
    const b = new Cluster({ voters: [1, 2, 3] });

    const timeouts = (c: Cluster) =>
      [1, 2, 3].map((n) => c.node(n).rn.raft.randomizedElectionTimeout);

    expect(timeouts(a)).toEqual(timeouts(b));
  });

  it('refuses to vote for a candidate whose log is behind', () => {
    const c = new Cluster({ voters: [1, 2, 3] });
    c.elect(1);
    c.propose(1, 'x');
    c.processReady(1);
    c.deliver(2);
    c.processReady(2);
    c.drop(3);
    c.drop(1);

    c.node(3).rn.campaign();
    c.processReady(3);
    c.deliver(2);
    c.processReady(2);
    const resp = c.inflight.find((m) => m.from === 2 && m.to === 3);

    expect(resp).toMatchObject({ type: 'MsgVoteResp', reject: true });
  });

  it('with PreVote, a node behind on the log does not disturb the term', () => {
    const c = new Cluster({ voters: [1, 2, 3], config: { preVote: true } });
    c.elect(1);
    c.propose(1, 'x');
    c.processReady(1);
    c.deliver(2);
    c.processReady(2);
    c.drop(3);

    c.node(3).rn.campaign();
    c.stabilize();

    expect(c.leaderIds()).toEqual([1]);
    for (const n of [1, 2, 3]) expect(c.node(n).rn.raft.term).toBe(1);
  });

  it('with CheckQuorum, a leader cut off from its quorum steps down', () => {
    const c = new Cluster({ voters: [1, 2, 3], config: { checkQuorum: true } });
    c.elect(1);

    for (let i = 0; i < 2 * 10; i++) {
      c.tick(1);
      c.processReady(1);
      c.drop(2);
      c.drop(3);
    }

    expect(c.node(1).rn.raft.state).toBe('StateFollower');
  });

  it('with CheckQuorum, followers in the lease ignore a disruptive candidate', () => {
    const c = new Cluster({ voters: [1, 2, 3], config: { checkQuorum: true } });
    c.elect(1);

    c.node(3).rn.campaign();
    c.stabilize();

    expect(c.node(1).rn.raft.state).toBe('StateLeader');
    expect(c.node(2).rn.raft.term).toBe(1);
  });

  it('a node without a ConfState cannot campaign, and says why', () => {
    const events: RaftTraceEvent[] = [];
    const lines: string[] = [];
    const rn = new RawNode({
      id: id(1),
      electionTick: 10,
      heartbeatTick: 1,
      storage: new MemoryStorage(),
      random: seededRandom(1),
      logger: { debug() {}, info() {}, warn: (m) => lines.push(m), error() {} },
      traceSink: (e) => events.push(e),
    });

    rn.campaign();
    for (let i = 0; i < 100; i++) rn.tick();

    expect(rn.raft.state).toBe('StateFollower');
    expect(rn.raft.term).toBe(0);
    expect(lines.slice(0, 2)).toEqual([
      '1 is unpromotable and can not campaign',
      '1 has no configuration (its storage holds no ConfState with voters): bootstrap it, ' +
        'or add it to a group, before it can campaign',
    ]);
    const why = events.find((e) => e.name === 'NotPromotable');
    expect(why?.reason).toMatch(/no configuration/);
  });

  it('a learner does not campaign', () => {
    const c = new Cluster({ voters: [1, 2], learners: [3] });

    c.node(3).rn.campaign();
    c.tick(3, 100);
    c.processReady(3);

    expect(c.node(3).rn.raft.state).toBe('StateFollower');
    expect(c.inflight).toEqual([]);
  });

  it('transfers leadership to an up-to-date follower', () => {
    const c = new Cluster({ voters: [1, 2, 3] });
    c.elect(1);

    c.node(1).rn.transferLeader(id(3));
    c.stabilize();

    expect(c.leaderIds()).toEqual([3]);
    expect(c.node(3).rn.raft.term).toBe(2);
  });

  it('catches up a lagging transferee before handing over, refusing proposals meanwhile', () => {
    const c = new Cluster({ voters: [1, 2, 3] });
    c.elect(1);
    c.cut.add('1->3');
    c.propose(1, 'x');
    c.stabilize();
    c.cut.clear();

    c.node(1).rn.transferLeader(id(3));
    const err = c.node(1).rn.propose(new Uint8Array([1]));
    c.stabilize();

    expect(err).toMatchObject({ code: 'ProposalDropped', reason: 'LeaderTransferring' });
    expect(c.leaderIds()).toEqual([3]);
    expect(c.appliedData(3)).toEqual(['x']);
  });

  it('ForgetLeader lets a follower grant a vote within the lease', () => {
    const c = new Cluster({ voters: [1, 2, 3], config: { checkQuorum: true } });
    c.elect(1);

    c.node(2).rn.forgetLeader();
    c.node(3).rn.forgetLeader();
    c.node(3).rn.campaign();
    c.stabilize();

    expect(c.leaderIds()).toEqual([3]);
  });
});
