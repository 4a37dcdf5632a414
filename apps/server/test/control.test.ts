import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { realServer, waitForLeader } from './support/server.ts';

const base = '/api/clusters/default';

async function snapshot(app: FastifyInstance) {
  return (await app.inject({ method: 'GET', url: base })).json();
}

/** Polls until `check` holds for the snapshot. */
async function until(
  app: FastifyInstance,
  check: (snapshot: Record<string, never>) => boolean,
  timeoutMs = 5_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const current = await snapshot(app);
    if (check(current)) return current;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('condition not reached');
}

type NodeJson = {
  id: number;
  status: string;
  groups: Array<{ role: string; commit: number; lastIndex: number }>;
};

describe('control', () => {
  it('pauses the cluster, steps it one tick at a time, and resumes it', async () => {
    const app = await realServer();

    const paused = await app.inject({ method: 'POST', url: `${base}/pause` });
    const before = await snapshot(app);
    const step = await app.inject({
      method: 'POST',
      url: `${base}/step`,
      payload: { what: 'tick' },
    });
    const after = await snapshot(app);
    const resumed = await app.inject({ method: 'POST', url: `${base}/resume` });

    expect(paused.json()).toEqual({ paused: true });
    expect(before.paused).toBe(true);
    expect(step.json()).toEqual({ did: 'tick' });
    const ticks = (s: { nodes: Array<{ tick: number }> }) => s.nodes.map((n) => n.tick);
    expect(ticks(after)).toEqual(ticks(before).map((t: number) => t + 1));
    expect(resumed.json()).toEqual({ paused: false });
  });

  it('changes no Raft state while paused', async () => {
    const app = await realServer();
    await app.inject({ method: 'POST', url: `${base}/pause` });
    const before = await snapshot(app);

    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = await snapshot(app);

    const state = (s: { nodes: NodeJson[] }) => s.nodes.map((n) => n.groups);
    expect(state(after)).toEqual(state(before));
  });

  it('sets the speed', async () => {
    const app = await realServer();

    const res = await app.inject({
      method: 'PUT',
      url: `${base}/speed`,
      payload: { factor: 0.5 },
    });

    expect(res.json()).toEqual({ speed: 0.5 });
    expect((await snapshot(app)).speed).toBe(0.5);
  });

  it('holds messages on a link, lists, releases and drops them, clears the rule', async () => {
    const app = await realServer();
    const leader = await waitForLeader(app, 'default');
    const follower = leader === 1 ? 2 : 1;

    const set = await app.inject({
      method: 'PUT',
      url: `${base}/links/${leader}/${follower}`,
      payload: { hold: true },
    });
    await until(app, (s) => (s.held as unknown as unknown[]).length >= 2);
    const held = (await app.inject({ method: 'GET', url: `${base}/held` })).json().held;
    const release = await app.inject({
      method: 'POST',
      url: `${base}/held/${held[0].msgId}/release`,
    });
    const drop = await app.inject({ method: 'POST', url: `${base}/held/${held[1].msgId}/drop` });
    const again = await app.inject({ method: 'POST', url: `${base}/held/${held[1].msgId}/drop` });
    const cleared = await app.inject({
      method: 'DELETE',
      url: `${base}/links/${leader}/${follower}`,
    });

    expect(set.json()).toEqual({ from: leader, to: follower, rule: { hold: true } });
    expect(held[0]).toMatchObject({ from: leader, to: follower, group: 1 });
    expect(release.statusCode).toBe(204);
    expect(drop.statusCode).toBe(204);
    expect(again.json().error.code).toBe('UnknownMessage');
    expect(cleared.statusCode).toBe(204);
    expect((await snapshot(app)).links).toEqual([]);
  });

  it('partitions the leader away, the majority elects another, then heals', async () => {
    const app = await realServer();
    const leader = await waitForLeader(app, 'default');
    const others = [1, 2, 3].filter((n) => n !== leader);

    const split = await app.inject({
      method: 'POST',
      url: `${base}/partition`,
      payload: { groups: [[leader], others] },
    });
    const during = await until(app, (s) =>
      (s.nodes as unknown as NodeJson[]).some(
        (n) => others.includes(n.id) && n.groups[0]?.role === 'StateLeader',
      ),
    );
    const healed = await app.inject({ method: 'POST', url: `${base}/heal` });

    expect(split.json().partitions).toHaveLength(2);
    expect(during.partitions).toHaveLength(2);
    expect(healed.json()).toEqual({ partitions: [] });
  });

  it('crashes a node and restarts it', async () => {
    const app = await realServer();

    const crash = await app.inject({ method: 'POST', url: `${base}/nodes/3/crash` });
    const down = await snapshot(app);
    const again = await app.inject({ method: 'POST', url: `${base}/nodes/3/crash` });
    const restart = await app.inject({ method: 'POST', url: `${base}/nodes/3/restart` });
    const up = await snapshot(app);

    expect(crash.statusCode).toBe(204);
    expect(down.nodes[2].status).toBe('crashed');
    expect(again.json().error.code).toBe('NodeCrashed');
    expect(restart.statusCode).toBe(204);
    expect(up.nodes[2].status).toBe('running');
  });

  it('adds a learner, promotes it to a voter, and removes it', async () => {
    const app = await realServer();
    const leader = await waitForLeader(app, 'default');
    // The leader applies a configuration change before it answers; the others follow later.
    const voters = (s: { nodes: Array<{ id: number; groups: Array<{ confState: object }> }> }) =>
      s.nodes.find((n) => n.id === leader)?.groups[0]?.confState;

    const added = await app.inject({
      method: 'POST',
      url: `${base}/nodes`,
      payload: { learner: true },
    });
    const node = added.json().node;
    const asLearner = voters(await snapshot(app));
    const promoted = await app.inject({ method: 'POST', url: `${base}/nodes/${node}/promote` });
    const asVoter = voters(await snapshot(app));
    const removed = await app.inject({ method: 'DELETE', url: `${base}/nodes/${node}` });

    expect(added.statusCode).toBe(201);
    expect(node).toBe(4);
    expect(asLearner).toMatchObject({ voters: [1, 2, 3], learners: [4] });
    expect(promoted.statusCode).toBe(204);
    expect(asVoter).toMatchObject({ voters: [1, 2, 3, 4], learners: [] });
    expect(removed.statusCode).toBe(204);
  });

  it('transfers leadership to a follower', async () => {
    const app = await realServer();
    const leader = await waitForLeader(app, 'default');
    const target = leader === 3 ? 2 : 3;

    const res = await app.inject({
      method: 'POST',
      url: `${base}/transfer-leader`,
      payload: { to: target },
    });
    const after = await until(app, (s) =>
      (s.nodes as unknown as NodeJson[]).some(
        (n) => n.id === target && n.groups[0]?.role === 'StateLeader',
      ),
    );

    expect(res.statusCode).toBe(204);
    expect(after.nodes.find((n: NodeJson) => n.id === leader).groups[0].role).not.toBe(
      'StateLeader',
    );
  });

  it("compacts a node's log up to what it applied", async () => {
    const app = await realServer();
    let written = { index: 0, leader: 0 };
    for (let i = 0; i < 3; i++) {
      const put = await app.inject({
        method: 'PUT',
        url: `${base}/kv/k${i}`,
        payload: { value: 'v' },
      });
      written = put.json();
    }

    const res = await app.inject({
      method: 'POST',
      url: `${base}/nodes/${written.leader}/compact`,
    });
    const log = (await snapshot(app)).nodes[written.leader - 1].groups[0].log;

    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ node: written.leader, group: 1 });
    expect(res.json().index).toBeGreaterThanOrEqual(written.index);
    expect(log.snapshotIndex).toBe(res.json().index);
    expect(log.firstIndex).toBe(res.json().index + 1);
  });

  it('changes several members at once through an explicit joint configuration', async () => {
    const app = await realServer();

    const entered = await app.inject({
      method: 'POST',
      url: `${base}/membership`,
      payload: {
        changes: [
          { type: 'add-voter', node: 4 },
          { type: 'add-learner', node: 5 },
        ],
        transition: 'explicit',
      },
    });
    const left = await app.inject({ method: 'POST', url: `${base}/membership/leave-joint` });

    expect(entered.statusCode).toBe(200);
    expect(entered.json().confState).toMatchObject({
      voters: [1, 2, 3, 4],
      votersOutgoing: [1, 2, 3],
      learners: [5],
    });
    expect(left.statusCode).toBe(200);
    expect(left.json().confState).toMatchObject({
      voters: [1, 2, 3, 4],
      votersOutgoing: [],
      learners: [5],
    });
  });

  it('refuses a membership change that names a node twice', async () => {
    const app = await realServer();

    const res = await app.inject({
      method: 'POST',
      url: `${base}/membership`,
      payload: {
        changes: [
          { type: 'add-voter', node: 4 },
          { type: 'remove', node: 4 },
        ],
      },
    });

    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('InvalidRequest');
  });

  it('makes a follower campaign and win, without PreVote and CheckQuorum', async () => {
    // With them on (the default), followers that hear from a live leader refuse the vote.
    const app = await realServer({
      defaultCluster: { name: 'default', size: 3, core: { preVote: false, checkQuorum: false } },
    });
    const leader = await waitForLeader(app, 'default');
    const follower = leader === 1 ? 2 : 1;
    // A follower whose log lacks the leader's first entry would be refused every vote, so wait
    // until every node holds and has committed the same log.
    await until(app, (s) => {
      const groups = (s.nodes as unknown as NodeJson[]).map((n) => n.groups[0]);
      const first = groups[0];
      return (
        first !== undefined &&
        first.commit > 0 &&
        groups.every((g) => g?.commit === first.commit && g.lastIndex === first.lastIndex)
      );
    });

    const res = await app.inject({ method: 'POST', url: `${base}/nodes/${follower}/campaign` });
    const after = await until(app, (s) =>
      (s.nodes as unknown as NodeJson[]).some(
        (n) => n.id === follower && n.groups[0]?.role === 'StateLeader',
      ),
    );

    expect(res.statusCode).toBe(204);
    expect(after.nodes.find((n: NodeJson) => n.id === follower).groups[0].role).toBe('StateLeader');
  });
});
