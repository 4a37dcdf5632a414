import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Action, SimCluster } from './sim.ts';

/**
 * Random schedules over a real in-memory cluster: messages lost, reordered and duplicated,
 * nodes restarted from what they persisted. The simulator checks at every step that at most one
 * node leads each term, committed entries never change or disappear, commit never goes
 * backwards, a new leader holds every committed entry, and logs that agree at an index agree
 * before it.
 */

const action = (size: number): fc.Arbitrary<Action> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({ t: fc.constant('tick' as const), node: fc.nat(size - 1) }),
    },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('tickAll' as const) }) },
    { weight: 16, arbitrary: fc.record({ t: fc.constant('deliver' as const), pick: fc.nat(64) }) },
    {
      weight: 6,
      arbitrary: fc.record({
        t: fc.constant('deliverMany' as const),
        count: fc.integer({ min: 1, max: 30 }),
      }),
    },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('drop' as const), pick: fc.nat(64) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('duplicate' as const), pick: fc.nat(64) }) },
    {
      weight: 3,
      arbitrary: fc.record({ t: fc.constant('propose' as const), node: fc.nat(size - 1) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ t: fc.constant('restart' as const), node: fc.nat(size - 1) }),
    },
  );

const NUM_RUNS = Number(process.env.RAFTLENS_PROPERTY_RUNS ?? 1000);

function runSchedule(
  size: number,
  options: { preVote: boolean; checkQuorum: boolean; seed: number },
  actions: Action[],
): SimCluster {
  const sim = new SimCluster(size, options);
  for (const a of actions) sim.apply(a);
  sim.checkLogMatching();
  sim.checkAcknowledged();
  return sim;
}

describe('safety under random loss, reordering, duplication and restarts', () => {
  it.each([3, 5])('holds for %i voters', (size) => {
    let committedSomething = 0;

    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.nat(1_000_000),
        fc.array(action(size), { minLength: 200, maxLength: 500 }),
        (preVote, checkQuorum, seed, actions) => {
          const sim = runSchedule(size, { preVote, checkQuorum, seed }, actions);
          if (sim.committed.size > 0) committedSomething++;
        },
      ),
      { numRuns: NUM_RUNS },
    );

    // The schedules must exercise commits, or the properties above would hold vacuously.
    expect(committedSomething).toBeGreaterThan(NUM_RUNS / 4);
  });

  it('makes progress on a reliable network: proposals are acknowledged', () => {
    const actions: Action[] = [];
    for (let round = 0; round < 60; round++) {
      actions.push({ t: 'tick', node: round % 3 });
      if (round > 20) actions.push({ t: 'propose', node: round % 3 });
      for (let i = 0; i < 20; i++) actions.push({ t: 'deliver', pick: 0 });
    }

    const sim = runSchedule(3, { preVote: true, checkQuorum: false, seed: 1 }, actions);

    expect(sim.leaders.size).toBeGreaterThan(0);
    expect(sim.acknowledged.size).toBeGreaterThan(10);
  });
});
