import { SAFETY_CODES } from '@raftlens/diagnose';
import { describe, expect, it } from 'vitest';
import { fakeServer, realServer } from './support/server.ts';

const isSafety = (f: { code: string }) => (SAFETY_CODES as readonly string[]).includes(f.code);

describe('live safety monitor', () => {
  it('finds no violation in a healthy cluster under writes', async () => {
    const app = await realServer();
    await Promise.all(
      Array.from({ length: 4 }, async (_, client) => {
        for (let i = 0; i < 10; i++) {
          const put = await app.inject({
            method: 'PUT',
            url: `/api/clusters/default/kv/c${client}-${i}`,
            payload: { value: `v${i}` },
          });
          expect(put.statusCode).toBe(200);
        }
      }),
    );
    // Long enough for a periodic check with a snapshot to have run during the writes' aftermath.
    await new Promise((resolve) => setTimeout(resolve, 600));

    const res = await app.inject({ method: 'GET', url: '/api/clusters/default/diagnosis' });

    expect(res.statusCode).toBe(200);
    expect(res.json().events).toBeGreaterThan(100);
    expect(res.json().findings.filter(isSafety)).toEqual([]);
  });

  it('puts a violation at the front of the diagnosis, and keeps it', async () => {
    const { app, made } = await fakeServer();
    const cluster = made.get('default');
    if (cluster === undefined) throw new Error('no default cluster');
    await app.inject({ method: 'POST', url: '/api/clusters/default/pause' });
    const leaderOf = (node: number) => ({
      kind: 'state' as const,
      name: 'BecomeLeader' as const,
      wallMs: Date.now(),
      node,
      group: 1,
      tick: 5,
      term: 7,
      vote: node,
      commit: 0,
      role: 'StateLeader' as const,
      lastIndex: 0,
      conf: [[1, 2, 3], []] as [number[], number[]],
      learners: [],
    });
    cluster.emit(leaderOf(2));
    cluster.emit(leaderOf(3));

    const first = (
      await app.inject({ method: 'GET', url: '/api/clusters/default/diagnosis' })
    ).json().findings;
    const again = (
      await app.inject({ method: 'GET', url: '/api/clusters/default/diagnosis' })
    ).json().findings;

    expect(first[0]).toMatchObject({ code: 'TwoLeadersInTerm', severity: 'critical' });
    expect(first.filter(isSafety)).toHaveLength(1);
    expect(first).toContainEqual(expect.objectContaining({ code: 'ClusterPaused' }));
    expect(again[0]).toMatchObject({ code: 'TwoLeadersInTerm' });
    expect(again.filter(isSafety)).toHaveLength(1);
  });
});
