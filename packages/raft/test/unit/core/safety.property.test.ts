import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Entry, type Message, seededRandom } from '../../../src/index.ts';
import { Cluster } from './cluster.ts';

const N = 5;

interface Params {
  seed: number;
  steps: number;
  /** Percent of messages lost. */
  lossPct: number;
  /** Percent of messages delivered twice. */
  dupPct: number;
  /** Deliver each step's messages in a random order. */
  reorder: boolean;
  /** Every this many steps, isolate a random node or heal the network (alternately). */
  partitionEvery: number;
  preVote: boolean;
  checkQuorum: boolean;
}

const params: fc.Arbitrary<Params> = fc.record({
  seed: fc.nat(),
  steps: fc.integer({ min: 100, max: 400 }),
  lossPct: fc.integer({ min: 0, max: 30 }),
  dupPct: fc.integer({ min: 0, max: 10 }),
  reorder: fc.boolean(),
  partitionEvery: fc.integer({ min: 10, max: 60 }),
  preVote: fc.boolean(),
  checkQuorum: fc.boolean(),
});

const key = (e: Entry) => `${e.term}/${e.index}/${new TextDecoder().decode(e.data)}`;

interface Outcome {
  leaderTerms: number;
  applied: number;
}

/**
 * Simulates a 5-node cluster on a network that loses, duplicates and reorders messages and
 * partitions nodes, checking Raft's safety properties after every step: at most one leader per
 * term, commit indexes that never go back, and applied sequences that are prefixes of one
 * another (state machine safety).
 */
function simulate(p: Params): Outcome {
  const rnd = seededRandom(p.seed);
  const chance = (pct: number) => rnd.intn(100) < pct;
  const c = new Cluster({
    voters: [1, 2, 3, 4, 5],
    config: { electionTick: 6, heartbeatTick: 2, preVote: p.preVote, checkQuorum: p.checkQuorum },
  });
  const leaders = new Map<number, number>();
  const commits = new Map<number, number>();
  let proposals = 0;
  let isolated = false;
  for (let step = 1; step <= p.steps; step++) {
    if (step % p.partitionEvery === 0) {
      c.cut.clear();
      if (!isolated) {
        const victim = 1 + rnd.intn(N);
        for (let other = 1; other <= N; other++) {
          c.cut.add(`${victim}->${other}`);
          c.cut.add(`${other}->${victim}`);
        }
      }
      isolated = !isolated;
    }
    for (const n of c.nodes.keys()) if (chance(50)) c.tick(n);
    if (chance(30)) c.node(1 + rnd.intn(N)).rn.propose(new TextEncoder().encode(`p${proposals++}`));
    for (const n of c.nodes.keys()) c.processReady(n);

    const batch = c.inflight.splice(0);
    if (p.reorder) {
      for (let i = batch.length - 1; i > 0; i--) {
        const j = rnd.intn(i + 1);
        [batch[i], batch[j]] = [batch[j] as Message, batch[i] as Message];
      }
    }
    for (const m of batch) {
      if (c.cut.has(`${m.from}->${m.to}`) || chance(p.lossPct)) continue;
      const to = c.nodes.get(m.to);
      to?.rn.step(m);
      if (chance(p.dupPct)) to?.rn.step(m);
    }

    for (const n of c.nodes.values()) {
      const r = n.rn.raft;
      if (r.state === 'StateLeader') {
        const prev = leaders.get(r.term);
        expect(prev === undefined || prev === n.id, `two leaders in term ${r.term}`).toBe(true);
        leaders.set(r.term, n.id);
      }
      expect(r.raftLog.committed).toBeGreaterThanOrEqual(commits.get(n.id) ?? 0);
      commits.set(n.id, r.raftLog.committed);
    }
  }
  const applied = [...c.nodes.values()].map((n) => n.applied.map(key));
  const longest = applied.reduce((a, b) => (b.length > a.length ? b : a), []);
  for (const seq of applied) expect(seq).toEqual(longest.slice(0, seq.length));
  return { leaderTerms: leaders.size, applied: longest.length };
}

describe('safety under message loss, duplication, reordering and partitions', () => {
  it('keeps one leader per term and a common applied prefix', () => {
    const outcomes: Outcome[] = [];
    fc.assert(
      fc.property(params, (p) => {
        outcomes.push(simulate(p));
      }),
      { numRuns: 30, seed: 42 },
    );

    // The runs must actually change leaders and commit, or the property says nothing.
    expect(outcomes.filter((o) => o.leaderTerms >= 2).length).toBeGreaterThanOrEqual(10);
    expect(outcomes.filter((o) => o.applied >= 10).length).toBeGreaterThanOrEqual(20);
  });
});
