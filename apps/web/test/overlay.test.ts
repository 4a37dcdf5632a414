import { beforeEach, describe, expect, it } from 'vitest';
import { applyEvents } from '../src/model/overlay.ts';
import { group, msg, net, node, resetSeq, snapshot, state } from './fixtures.ts';

describe('applyEvents', () => {
  beforeEach(() => resetSeq(10));

  it('folds role, term and commit changes into the node that had them', () => {
    const base = snapshot([node(1), node(2)], { seq: 10 });

    const next = applyEvents(base, [
      state('BecomeLeader', 2, { term: 4, vote: 2, commit: 7, role: 'StateLeader', lastIndex: 8 }),
    ]);

    const g = next.nodes[1]?.groups[0];
    expect(g?.role).toBe('StateLeader');
    expect(g?.term).toBe(4);
    expect(g?.lead).toBe(2);
    expect(g?.commit).toBe(7);
    expect(next.seq).toBe(11);
  });

  it('leaves untouched nodes, and the base snapshot, as they were', () => {
    const base = snapshot([node(1), node(2)], { seq: 10 });

    const next = applyEvents(base, [
      state('BecomeCandidate', 2, { term: 2, role: 'StateCandidate' }),
    ]);

    expect(next.nodes[0]).toBe(base.nodes[0]);
    expect(base.nodes[1]?.groups[0]?.role).toBe('StateFollower');
  });

  it('ignores events the snapshot already covers', () => {
    const base = snapshot([node(1)], { seq: 50 });

    const next = applyEvents(base, [state('BecomeLeader', 1, { role: 'StateLeader' })]);

    expect(next).toBe(base);
  });

  it('tracks held messages from Hold to Release', () => {
    const base = snapshot([node(1), node(2)], { seq: 10 });
    const m = msg('MsgApp', 1, 2, { index: 5 });

    const held = applyEvents(base, [net('Send', 'x', m, 1), net('Hold', 'x', m, 2)]);
    expect(held.held.map((h) => [h.msgId, h.type, h.index])).toEqual([['x', 'MsgApp', 5]]);
    const released = applyEvents(held, [net('Release', 'x', m, 3)]);

    expect(released.held).toEqual([]);
  });

  it('marks crashes, pauses and partitions from control events', () => {
    const base = snapshot([node(1, group()), node(2)], { seq: 10 });
    const control = (name: string, detail: Record<string, unknown>) =>
      ({
        kind: 'control',
        name,
        detail,
        seq: 11 + Object.keys(detail).length,
        wallMs: 1,
        node: 0,
        group: 1,
        tick: 0,
      }) as never;

    const next = applyEvents(base, [
      control('Paused', {}),
      control('NodeCrashed', { node: 2 }),
      control('PartitionSet', { groups: [[1], [2]], x: 1 }),
    ]);

    expect(next.paused).toBe(true);
    expect(next.nodes[1]?.status).toBe('crashed');
    expect(next.partitions).toEqual([[1], [2]]);
  });
});

describe('applyEvents while paused', () => {
  beforeEach(() => resetSeq(10));

  it('queues messages sent while paused and takes the stepped one out', () => {
    const base = snapshot([node(1), node(2)], { seq: 10, paused: true, pending: [] });
    const a = msg('MsgHeartbeat', 1, 2);
    const b = msg('MsgHeartbeatResp', 2, 1);

    const queued = applyEvents(base, [net('Send', 'a', a, 1), net('Send', 'b', b, 2)]);
    expect(queued.pending?.map((p) => p.msgId)).toEqual(['a', 'b']);
    const stepped = applyEvents(queued, [net('Deliver', 'a', a, 3)]);

    expect(stepped.pending?.map((p) => p.msgId)).toEqual(['b']);
  });

  it('queues nothing while running', () => {
    const base = snapshot([node(1), node(2)], { seq: 10, paused: false, pending: [] });

    const next = applyEvents(base, [net('Send', 'a', msg('MsgApp', 1, 2), 1)]);

    expect(next.pending).toEqual([]);
  });
});
