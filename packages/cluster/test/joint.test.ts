import type { StateEvent, TraceEvent } from '@raftlens/trace';
import { describe, expect, it } from 'vitest';
import type { RaftCluster } from '../src/cluster.ts';
import {
  closeClustersAfterEach,
  groupOf,
  others,
  runUntil,
  settle,
  simCluster,
  stableLeader,
} from './helpers.ts';

closeClustersAfterEach();

/** A simulated cluster of `size` with a stable leader; returns it and its leader. */
async function withLeader(size = 3, extra: { requestTimeoutMs?: number; groups?: number } = {}) {
  const c = await simCluster({ size, ...extra });
  await runUntil(c, () => stableLeader(c) !== null, 'a leader');
  return { c, leader: c.leaderOf() as number };
}

const byId = (a: number, b: number) => a - b;

/**
 * The configurations a node switched to once a membership change was asked for, as
 * [incoming, outgoing] voters (the one it started with is left out).
 */
function appliedConfs(c: RaftCluster, node: number): Array<[number[], number[]]> {
  const asked = controls(c, 'MembershipChangeRequested')[0]?.seq ?? Number.POSITIVE_INFINITY;
  return c
    .events(asked)
    .filter((e): e is StateEvent => e.kind === 'state' && e.name === 'ApplyConfChange')
    .filter((e) => e.node === node)
    .map((e) => [[...e.conf[0]].sort(byId), [...e.conf[1]].sort(byId)]);
}

function controls(c: RaftCluster, name: string): Array<TraceEvent & { kind: 'control' }> {
  return c
    .events()
    .filter((e): e is TraceEvent & { kind: 'control' } => e.kind === 'control')
    .filter((e) => e.name === name);
}

describe('changeMembership', () => {
  it('replaces two voters at once through a joint configuration, then leaves it', async () => {
    const { c, leader } = await withLeader();
    const [a, b] = others(c, leader) as [number, number];

    const result = await settle(
      c,
      c.changeMembership([
        { type: 'add-voter', node: 4 },
        { type: 'add-voter', node: 5 },
        { type: 'remove', node: a },
        { type: 'remove', node: b },
      ]),
    );

    const incoming = [leader, 4, 5].sort(byId);
    expect(result.confState).toMatchObject({ voters: incoming, votersOutgoing: [] });
    expect(appliedConfs(c, leader)).toEqual([
      [incoming, [1, 2, 3]],
      [incoming, []],
    ]);
    expect(controls(c, 'NodeAdded').map((e) => e.node)).toEqual([4, 5]);
    const [requested] = controls(c, 'MembershipChangeRequested');
    expect(requested?.node).toBe(leader);
    expect(requested?.detail).toMatchObject({ group: 1, transition: 'auto' });
    const answered = c
      .events()
      .filter((e) => e.kind === 'proposal' && e.op === 'conf-change' && e.name === 'Answered');
    expect(answered).toEqual([expect.objectContaining({ ok: true, node: leader })]);
    // The new voters carry the log: a write commits with both of the old followers crashed.
    await c.crash(a);
    await c.crash(b);
    await settle(c, c.put('after', 'joint'));
    await runUntil(c, () => new Map(c.localKv(5)).get('after') === 'joint', 'node 5 to apply');
  });

  it('stays joint with an explicit transition until leaveJoint', async () => {
    const { c, leader } = await withLeader();
    const [gone, stays] = others(c, leader) as [number, number];
    const incoming = [leader, stays, 4].sort(byId);

    const entered = await settle(
      c,
      c.changeMembership(
        [
          { type: 'add-voter', node: 4 },
          { type: 'remove', node: gone },
        ],
        { transition: 'explicit' },
      ),
    );
    c.advance(2_000);

    expect(entered.confState).toMatchObject({
      voters: incoming,
      votersOutgoing: [1, 2, 3],
      autoLeave: false,
    });
    expect(groupOf(c, leader).confState.votersOutgoing).toEqual([1, 2, 3]);
    expect(groupOf(c, 4).confState.votersOutgoing).toEqual([1, 2, 3]);

    const left = await settle(c, c.leaveJoint());

    expect(left.confState).toMatchObject({ voters: incoming, votersOutgoing: [] });
    expect(appliedConfs(c, leader)).toEqual([
      [incoming, [1, 2, 3]],
      [incoming, []],
    ]);
    const leave = controls(c, 'MembershipChangeRequested')[1];
    expect(leave?.detail).toMatchObject({ changes: [], leave: true });
    // A removed node is not stopped: it runs on until someone shuts it down.
    expect(c.snapshot().nodes.find((n) => n.id === gone)?.status).toBe('running');
  });

  it('makes one change directly, without a joint configuration, with auto', async () => {
    const { c, leader } = await withLeader();

    const result = await settle(c, c.changeMembership([{ type: 'add-learner', node: 4 }]));

    expect(result.confState).toMatchObject({ voters: [1, 2, 3], learners: [4] });
    expect(appliedConfs(c, leader)).toEqual([[[1, 2, 3], []]]);
  });

  it('goes joint for one change with the implicit transition, and leaves on its own', async () => {
    const { c, leader } = await withLeader();

    const result = await settle(
      c,
      c.changeMembership([{ type: 'add-voter', node: 4 }], { transition: 'implicit' }),
    );

    expect(result.confState).toMatchObject({ voters: [1, 2, 3, 4], votersOutgoing: [] });
    expect(appliedConfs(c, leader)).toEqual([
      [
        [1, 2, 3, 4],
        [1, 2, 3],
      ],
      [[1, 2, 3, 4], []],
    ]);
  });

  it('gives a node a replica of another group it is added to', async () => {
    const { c } = await withLeader(3, { groups: 2 });
    await runUntil(c, () => stableLeader(c, 2) !== null, 'a leader of group 2');
    const id = await settle(c, c.addNode({ learner: true, group: 1 }));
    await settle(c, c.put('k', 'v', { group: 2 }));

    const result = await settle(
      c,
      c.changeMembership([{ type: 'add-learner', node: id }], { group: 2 }),
    );

    expect(result.confState.learners).toEqual([id]);
    expect(controls(c, 'NodeAdded').map((e) => e.node)).toEqual([id]);
    await runUntil(c, () => new Map(c.localKv(id, 2)).get('k') === 'v', 'the replica to catch up');
  });
});

describe('changeMembership refusals', () => {
  it('answers ConfChangeRejected for leaveJoint outside a joint configuration', async () => {
    const { c } = await withLeader();

    await expect(settle(c, c.leaveJoint())).rejects.toMatchObject({
      code: 'ConfChangeRejected',
      detail: { reason: 'NotInJointConfig' },
    });
  });

  it('refuses a new change while joint, and stops the node it started for it', async () => {
    const { c } = await withLeader();
    await settle(
      c,
      c.changeMembership([{ type: 'add-voter', node: 4 }], { transition: 'explicit' }),
    );

    const next = c.changeMembership([{ type: 'add-learner', node: 5 }]);

    await expect(settle(c, next)).rejects.toMatchObject({
      code: 'ConfChangeRejected',
      detail: { reason: 'MustLeaveJointFirst' },
    });
    expect(c.snapshot().nodes.map((n) => n.id)).toEqual([1, 2, 3, 4]);
  });

  it('refuses to remove every voter before proposing anything', async () => {
    const { c } = await withLeader();
    const before = c.events().length;

    const all = c.changeMembership([1, 2, 3].map((node) => ({ type: 'remove', node }) as const));

    await expect(all).rejects.toMatchObject({
      code: 'ConfChangeRejected',
      detail: { reason: 'RemovedAllVoters' },
    });
    expect(
      c
        .events()
        .slice(before)
        .filter((e) => e.kind === 'proposal'),
    ).toEqual([]);
  });

  it('answers NoLeader before any election, UnknownGroup and InvalidRequest', async () => {
    const c = await simCluster({ size: 3 });
    const add = { type: 'add-voter', node: 4 } as const;

    await expect(c.changeMembership([add])).rejects.toMatchObject({ code: 'NoLeader' });
    await expect(c.leaveJoint()).rejects.toMatchObject({ code: 'NoLeader' });
    await expect(c.changeMembership([add], { group: 2 })).rejects.toMatchObject({
      code: 'UnknownGroup',
    });
    const invalid: unknown[][] = [
      [],
      [{ type: 'promote', node: 4 }],
      [{ type: 'add-voter', node: 0 }],
      [add, { type: 'remove', node: 4 }],
    ];
    for (const changes of invalid) {
      await expect(
        c.changeMembership(changes as Parameters<RaftCluster['changeMembership']>[0]),
      ).rejects.toMatchObject({ code: 'InvalidRequest' });
    }
    await expect(
      c.changeMembership([add], { transition: 'joint' as 'auto' }),
    ).rejects.toMatchObject({ code: 'InvalidRequest' });
    expect(c.snapshot().nodes.map((n) => n.id)).toEqual([1, 2, 3]);
  });

  it('answers Timeout when the change cannot commit, and keeps the node it started', async () => {
    const { c, leader } = await withLeader(3, { requestTimeoutMs: 500 });
    c.partition([[leader]]);

    const change = c.changeMembership([{ type: 'add-voter', node: 4 }]);

    await expect(settle(c, change)).rejects.toMatchObject({ code: 'Timeout' });
    // The entry might still commit under this leader or the next: node 4 must be there then.
    expect(c.snapshot().nodes.find((n) => n.id === 4)?.status).toBe('running');
  });
});
