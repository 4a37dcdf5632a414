import { describe, expect, it } from 'vitest';
import {
  isLocalMsgTarget,
  LOCAL_APPEND_THREAD,
  LOCAL_APPLY_THREAD,
  type Message,
} from '../../../src/index.ts';
import { Cluster } from './cluster.ts';

/**
 * Drives a cluster configured with asyncStorageWrites: Readys are never advanced; the
 * MsgStorageAppend / MsgStorageApply messages they carry are processed by per-node "threads"
 * and their responses delivered like any other message.
 */
function stabilizeAsync(c: Cluster): Message[] {
  const local: Message[] = [];
  for (let round = 0; round < 200; round++) {
    let moved = false;
    for (const n of c.nodes.keys()) {
      const node = c.node(n);
      while (node.rn.hasReady()) {
        moved = true;
        const rd = node.rn.ready();
        for (const m of rd.messages) (isLocalMsgTarget(m.to) ? local : c.inflight).push(m);
      }
    }
    for (const m of local.splice(0)) {
      moved = true;
      const node = c.node(m.from);
      if (m.to === LOCAL_APPEND_THREAD) {
        if (m.term !== 0)
          node.storage.setHardState({ term: m.term, vote: m.vote, commit: m.commit });
        if (m.snapshot !== null) node.storage.applySnapshot(m.snapshot);
        node.storage.append(m.entries);
      } else if (m.to === LOCAL_APPLY_THREAD) {
        node.applied.push(...m.entries);
      }
      c.inflight.push(...m.responses);
    }
    for (const m of c.inflight.splice(0)) {
      moved = true;
      const to = c.nodes.get(m.to);
      if (to !== undefined) to.rn.step(m);
    }
    if (!moved) return local;
  }
  throw new Error('did not stabilize');
}

describe('async storage writes', () => {
  it('elects, replicates and applies through the local storage threads', () => {
    const c = new Cluster({ voters: [1, 2, 3], config: { asyncStorageWrites: true } });

    c.node(1).rn.campaign();
    stabilizeAsync(c);
    c.propose(1, 'x');
    stabilizeAsync(c);

    expect(c.leaderIds()).toEqual([1]);
    for (const n of [1, 2, 3]) expect(c.appliedData(n)).toEqual(['x']);
    for (const n of [1, 2, 3]) expect(c.node(n).rn.raft.raftLog.unstable.entries).toEqual([]);
  });

  it('puts the vote on the append thread instead of sending it at once', () => {
    const c = new Cluster({ voters: [1, 2, 3], config: { asyncStorageWrites: true } });

    c.node(1).rn.campaign();
    const rd = c.node(1).rn.ready();
    const append = rd.messages.find((m) => m.type === 'MsgStorageAppend');

    expect(rd.messages.filter((m) => m.type === 'MsgVoteResp')).toEqual([]);
    expect(append).toMatchObject({ to: LOCAL_APPEND_THREAD, term: 1, vote: 1 });
    expect(append?.responses.map((m) => [m.type, m.to])).toEqual([['MsgVoteResp', 1]]);
    expect(() => c.node(1).rn.advance(rd)).toThrow(/AsyncStorageWrites/);
  });
});
