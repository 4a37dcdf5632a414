import { describe, expect, it } from 'vitest';
import { type LogIndex, type Message, newMessage } from '../../../src/index.ts';
import { bytes, Cluster } from './cluster.ts';

/** Compacts node `n`'s storage up to what it applied, behind a snapshot at that index. */
function snapshotAndCompact(c: Cluster, n: number): LogIndex {
  const node = c.node(n);
  const applied = node.rn.raft.raftLog.applied;
  node.storage.createSnapshot(applied, node.rn.status().config, bytes(`state@${applied}`));
  node.storage.compact(applied);
  return applied;
}

describe('snapshots', () => {
  it('catches up a follower behind the compacted log with a snapshot', () => {
    const c = new Cluster({ voters: [1, 2, 3] });
    c.elect(1);
    c.cut.add('1->3');
    for (const s of ['a', 'b', 'c']) c.propose(1, s);
    c.stabilize();
    const at = snapshotAndCompact(c, 1);
    c.cut.clear();

    const sent: Message[] = [];
    for (let i = 0; i < 20 && c.node(3).rn.raft.raftLog.committed < at; i++) {
      c.tick(1);
      for (const n of [1, 2, 3]) c.processReady(n);
      sent.push(...c.inflight);
      c.deliver();
    }
    c.stabilize();

    const snap = sent.find((m) => m.type === 'MsgSnap');
    expect(snap?.snapshot?.metadata.index).toBe(at);
    expect(c.node(3).storage.firstIndex()).toBe(at + 1);
    expect(c.node(3).rn.raft.raftLog.committed).toBe(at);
    expect(c.node(1).rn.status().progress[3]).toMatchObject({
      state: 'StateReplicate',
      match: at,
    });
    c.propose(1, 'd');
    c.stabilize();
    expect(c.appliedData(3)).toEqual(['d']);
  });

  it('holds a follower in StateSnapshot until the snapshot is reported or answered', () => {
    const c = new Cluster({ voters: [1, 2, 3] });
    c.elect(1);
    c.cut.add('1->3');
    c.propose(1, 'a');
    c.stabilize();
    snapshotAndCompact(c, 1);
    c.cut.clear();
    let snaps = 0;
    for (let i = 0; i < 10 && snaps === 0; i++) {
      c.tick(1);
      for (const n of [1, 2, 3]) c.processReady(n);
      const kept = c.inflight.filter((m) => m.type !== 'MsgSnap');
      snaps += c.inflight.length - kept.length;
      c.inflight.splice(0, c.inflight.length, ...kept);
      c.deliver();
    }

    expect(snaps).toBe(1);
    expect(c.node(1).rn.status().progress[3]).toMatchObject({
      state: 'StateSnapshot',
      pendingSnapshot: 3,
      paused: true,
    });
    c.node(1).rn.reportSnapshot(c.node(3).id, 'failure');
    expect(c.node(1).rn.status().progress[3]).toMatchObject({
      state: 'StateProbe',
      pendingSnapshot: 0,
      paused: true,
    });
  });

  it('a snapshot not newer than the commit index is ignored but answered', () => {
    const c = new Cluster({ voters: [1, 2, 3] });
    c.elect(1);
    c.propose(1, 'a');
    c.stabilize();
    const snap = c.node(1).storage.createSnapshot(2 as LogIndex, null, bytes(''));
    if ('code' in snap) throw new Error(snap.message);
    const follower = c.node(2).rn;

    follower.step(
      newMessage({
        type: 'MsgSnap',
        from: c.node(1).id,
        to: c.node(2).id,
        term: follower.raft.term,
        snapshot: snap,
      }),
    );
    const rd = follower.ready();

    expect(rd.snapshot).toBeNull();
    expect(rd.messages).toEqual([expect.objectContaining({ type: 'MsgAppResp', index: 3 })]);
  });
});
