import { describe, expect, it } from 'vitest';
import {
  type ConfChangeV2,
  type NodeId,
  newMessage,
  type RaftTraceEvent,
} from '../../../src/index.ts';
import { Cluster, id } from './cluster.ts';

const v2 = (changes: [ConfChangeV2['changes'][number]['type'], number][]): ConfChangeV2 => ({
  transition: 'ConfChangeTransitionAuto',
  changes: changes.map(([type, n]) => ({ type, nodeId: n as NodeId })),
  context: new Uint8Array(0),
});

describe('configuration changes', () => {
  it('adds a voter with a V1 change and catches it up by snapshot', () => {
    const c = new Cluster({ voters: [1, 2, 3] });
    c.elect(1);
    c.propose(1, 'before');
    c.stabilize();

    c.node(1).rn.proposeConfChange({
      type: 'ConfChangeAddNode',
      nodeId: id(4),
      context: new Uint8Array(0),
    });
    c.add(4, null);
    c.stabilize();
    c.propose(1, 'after');
    c.stabilize();

    expect(c.node(1).rn.status().config.voters).toEqual([1, 2, 3, 4]);
    expect(c.node(4).rn.status().config.voters).toEqual([1, 2, 3, 4]);
    expect(c.appliedData(4)).toEqual(['after']);
    expect(c.node(1).rn.status().progress[4]?.match).toBe(c.node(1).rn.raft.raftLog.lastIndex());
  });

  it('goes through a joint configuration and leaves it automatically', () => {
    const c = new Cluster({ voters: [1, 2, 3] });
    c.elect(1);

    c.node(1).rn.proposeConfChange(
      v2([
        ['ConfChangeRemoveNode', 3],
        ['ConfChangeAddLearnerNode', 3],
      ]),
    );
    c.stabilize();

    const states = c.node(1).confStates;
    expect(states).toHaveLength(2);
    expect(states[0]).toMatchObject({
      voters: [1, 2],
      votersOutgoing: [1, 2, 3],
      learnersNext: [3],
      autoLeave: true,
    });
    expect(states[1]).toMatchObject({ voters: [1, 2], learners: [3], votersOutgoing: [] });
    expect(c.node(3).rn.raft.isLearner).toBe(true);
  });

  it('replaces a second change proposed before the first is applied by an empty entry', () => {
    const events: RaftTraceEvent[] = [];
    const c = new Cluster({ voters: [1, 2, 3], config: { traceSink: (e) => events.push(e) } });
    c.elect(1);

    const first = c.node(1).rn.proposeConfChange(v2([['ConfChangeAddLearnerNode', 4]]));
    const second = c.node(1).rn.proposeConfChange(v2([['ConfChangeAddLearnerNode', 5]]));
    c.stabilize();

    expect(first).toBeNull();
    expect(second).toBeNull();
    const replaced = events.filter((e) => e.name === 'ConfChangeReplaced' && e.id === 1);
    expect(replaced.map((e) => e.reason)).toEqual(['PendingConfChange']);
    expect(c.node(1).rn.status().config.learners).toEqual([4]);
    const last = c.node(1).rn.raft.raftLog.allEntries().at(-1);
    expect(last).toMatchObject({ type: 'EntryNormal', data: new Uint8Array(0) });
  });

  it('a removed leader keeps leading by default but steps down with stepDownOnRemoval', () => {
    for (const stepDownOnRemoval of [false, true]) {
      const c = new Cluster({ voters: [1, 2, 3], config: { stepDownOnRemoval } });
      c.elect(1);

      c.node(1).rn.proposeConfChange(v2([['ConfChangeRemoveNode', 1]]));
      c.stabilize();

      const state = c.node(1).rn.raft.state;
      expect(state).toBe(stepDownOnRemoval ? 'StateFollower' : 'StateLeader');
      if (!stepDownOnRemoval) {
        expect(c.node(1).rn.propose(new Uint8Array([1]))).toMatchObject({
          reason: 'RemovedFromConfig',
        });
      }
    }
  });

  it('refuses responses from nodes that left the configuration', () => {
    const c = new Cluster({ voters: [1, 2, 3] });
    c.elect(1);
    c.node(1).rn.proposeConfChange(v2([['ConfChangeRemoveNode', 3]]));
    c.stabilize();

    const err = c
      .node(1)
      .rn.step(
        newMessage({ type: 'MsgAppResp', from: id(3), to: id(1), term: c.node(1).rn.raft.term }),
      );

    expect(err).toMatchObject({
      code: 'StepPeerNotFound',
      message: 'raft: cannot step as peer not found',
    });
  });
});
