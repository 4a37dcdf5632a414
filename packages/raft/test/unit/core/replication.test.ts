import { describe, expect, it } from 'vitest';
import { type LogIndex, newMessage, type RaftTraceEvent, type Term } from '../../../src/index.ts';
import { bytes, Cluster, id } from './cluster.ts';

describe('replication', () => {
  it('commits and applies proposals on every node, in order', () => {
    const c = new Cluster({ voters: [1, 2, 3] });
    c.elect(1);

    for (const s of ['a', 'b', 'c']) c.propose(1, s);
    c.stabilize();

    for (const n of [1, 2, 3]) {
      expect(c.appliedData(n)).toEqual(['a', 'b', 'c']);
      expect(c.node(n).rn.raft.raftLog.committed).toBe(5);
    }
  });

  it('forwards a follower proposal to the leader', () => {
    const c = new Cluster({ voters: [1, 2, 3] });
    c.elect(1);

    c.propose(3, 'from-3');
    c.stabilize();

    expect(c.appliedData(1)).toEqual(['from-3']);
  });

  it('commits with a majority while one follower is cut off, and catches it up later', () => {
    const c = new Cluster({ voters: [1, 2, 3] });
    c.elect(1);
    c.cut.add('1->3');

    c.propose(1, 'x');
    c.stabilize();
    expect(c.appliedData(1)).toEqual(['x']);
    expect(c.appliedData(3)).toEqual([]);

    c.cut.clear();
    c.tick(1);
    c.stabilize();
    expect(c.appliedData(3)).toEqual(['x']);
  });

  it('drops proposals with a reason', () => {
    const c = new Cluster({ voters: [1, 2, 3] });

    expect(c.node(1).rn.propose(bytes('x'))).toMatchObject({
      code: 'ProposalDropped',
      reason: 'NoLeader',
      message: 'raft proposal dropped',
    });
    c.node(1).rn.campaign();
    expect(c.node(1).rn.propose(bytes('x'))).toMatchObject({ reason: 'NoLeader' });
  });

  it('followers drop proposals when forwarding is disabled', () => {
    const events: RaftTraceEvent[] = [];
    const c = new Cluster({
      voters: [1, 2, 3],
      config: { disableProposalForwarding: true, traceSink: (e) => events.push(e) },
    });
    c.elect(1);

    const err = c.node(2).rn.propose(bytes('x'));

    expect(err).toMatchObject({ code: 'ProposalDropped', reason: 'NotLeader' });
    expect(events.filter((e) => e.name === 'ProposalDropped').map((e) => e.reason)).toEqual([
      'NotLeader',
    ]);
  });

  it('drops proposals beyond the uncommitted size limit, but never an empty one', () => {
    const c = new Cluster({ voters: [1, 2, 3], config: { maxUncommittedEntriesSize: 10 } });
    c.elect(1);
    c.cut.add('1->2');
    c.cut.add('1->3');

    c.propose(1, '12345678');
    const second = c.node(1).rn.propose(bytes('12345678'));

    expect(second).toMatchObject({ reason: 'UncommittedSizeExceeded' });
    c.cut.clear();
    c.tick(1);
    c.stabilize();
    c.propose(1, '12345678');
  });

  it('splits entries into messages of at most maxSizePerMsg bytes', () => {
    const c = new Cluster({ voters: [1, 2, 3], config: { maxSizePerMsg: 0 } });
    c.elect(1);
    c.cut.add('1->2');
    c.propose(1, 'a');
    c.propose(1, 'b');
    c.stabilize();
    c.cut.clear();

    c.tick(1);
    c.processReady(1);
    c.deliver(2);
    c.processReady(2);
    c.deliver(1);
    c.processReady(1);
    const apps = c.inflight.filter((m) => m.to === 2 && m.type === 'MsgApp');

    expect(apps.length).toBeGreaterThan(0);
    for (const m of apps) expect(m.entries.length).toBeLessThanOrEqual(1);
    c.stabilize();
    expect(c.appliedData(2)).toEqual(['a', 'b']);
  });

  it('pauses a follower whose inflight window is full', () => {
    const c = new Cluster({ voters: [1, 2, 3], config: { maxInflightMsgs: 2 } });
    c.elect(1);

    for (const s of ['a', 'b', 'c', 'd']) c.propose(1, s);
    c.processReady(1);
    const to2 = c.inflight.filter((m) => m.to === 2 && m.type === 'MsgApp');

    expect(to2).toHaveLength(2);
    expect(c.node(1).rn.status().progress[2]).toMatchObject({
      state: 'StateReplicate',
      inflightCount: 2,
      inflightFull: true,
      paused: true,
    });
    c.stabilize();
    expect(c.appliedData(2)).toEqual(['a', 'b', 'c', 'd']);
  });

  it("sends the leader's MsgApp with the commit index and acks it after persistence", () => {
    const c = new Cluster({ voters: [1, 2, 3] });
    c.elect(1);

    c.propose(1, 'x');
    const rd = c.node(1).rn.ready();
    const self = rd.messages.filter((m) => m.to === 1);

    expect(rd.entries.map((e) => e.index)).toEqual([3]);
    expect(rd.mustSync).toBe(true);
    expect(self).toEqual([]);
    expect(rd.messages.map((m) => [m.type, m.to, m.index, m.commit])).toEqual([
      ['MsgApp', 2, 2, 2],
      ['MsgApp', 3, 2, 2],
    ]);
    expect(c.node(1).rn.status().progress[1]?.match).toBe(2);
    c.node(1).storage.append(rd.entries);
    c.node(1).rn.advance(rd);
    expect(c.node(1).rn.status().progress[1]?.match).toBe(3);
  });

  it('hands out the HardState only when it changed', () => {
    const c = new Cluster({ voters: [1, 2, 3] });
    c.elect(1);

    c.propose(1, 'x');
    const rd = c.node(1).rn.ready();

    expect(rd.hardState).toBeNull();
    expect(rd.softState).toBeNull();
  });

  it('answers a stale append below the commit index with the commit index', () => {
    const c = new Cluster({ voters: [1, 2, 3] });
    c.elect(1);
    c.propose(1, 'x');
    c.stabilize();
    const follower = c.node(2).rn;
    const stale = newMessage({
      type: 'MsgApp',
      from: id(1),
      to: id(2),
      term: follower.raft.term,
      logTerm: 1 as Term,
      index: 1 as LogIndex,
      commit: 1 as LogIndex,
    });

    follower.step(stale);
    const rd = follower.ready();

    expect(rd.messages).toHaveLength(1);
    expect(rd.messages[0]).toMatchObject({ type: 'MsgAppResp', index: 3, reject: false });
  });
});
