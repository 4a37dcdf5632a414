import type { TraceEvent } from '@raftlens/trace';
import { describe, expect, it } from 'vitest';
import { getScenario, type Scenario, ScenarioRunner } from '../src/index.ts';
import { runToEnd, traceText } from './support.ts';

function scenario(id: string): Scenario {
  const s = getScenario(id);
  if (s === undefined) throw new Error(`no scenario ${id}`);
  return s;
}

/** The parts of the runner's state that must match between two runs (not the cluster's name). */
function comparable(runner: ScenarioRunner): string {
  const { snapshot, outcomes, names, ops, findings, violations, position } = runner.state();
  return JSON.stringify({ snapshot, outcomes, names, ops, findings, violations, position });
}

describe('determinism', () => {
  it.each(['partition-majority', 'rejoin-without-prevote', 'split-vote', 'fault-ack-on-append'])(
    '%s gives the same trace, event for event, when run twice from its seed',
    async (id) => {
      const first = await runToEnd(scenario(id));
      const second = await runToEnd(scenario(id));

      const a = traceText(first.runner);
      const b = traceText(second.runner);
      const stateA = comparable(first.runner);
      const stateB = comparable(second.runner);
      await first.runner.close();
      await second.runner.close();

      expect(a.length).toBeGreaterThan(0);
      expect(b).toBe(a);
      expect(stateB).toBe(stateA);
    },
  );

  it('runs a different story from a different seed', async () => {
    const base = scenario('leader-election');
    const first = await runToEnd(base);
    const other = await runToEnd({ ...base, cluster: { ...base.cluster, seed: 99 } });

    const a = traceText(first.runner);
    const b = traceText(other.runner);
    await first.runner.close();
    await other.runner.close();

    expect(b).not.toBe(a);
  });

  it('plays a step out paced in wall time exactly as it runs unpaced', async () => {
    const s = scenario('split-vote');
    const fast = await runToEnd(s);
    const paced = await ScenarioRunner.start(s, { paced: true });
    paced.cluster.setSpeed(100);

    for (const _ of s.steps) await paced.forward();

    // setSpeed adds one control event to the paced run; apart from it and the sequence numbers
    // it shifts, every event must match.
    const a = eventsWithoutSeq(fast.runner, () => true);
    const b = eventsWithoutSeq(paced, (e) => e.name !== 'SpeedSet');
    await fast.runner.close();
    await paced.close();

    expect(b.length).toBeGreaterThan(100);
    expect(b).toEqual(a);
  });
});

describe('back and forward', () => {
  it('back() then forward() returns to an identical state', async () => {
    const runner = await ScenarioRunner.start(scenario('divergent-log'));
    for (let i = 0; i < 4; i++) await runner.forward();
    const before = comparable(runner);
    const trace = traceText(runner);

    await runner.back();
    const atThree = runner.state();
    await runner.forward();

    expect(atThree.position).toBe(3);
    expect(comparable(runner)).toBe(before);
    expect(traceText(runner)).toBe(trace);
    await runner.close();
  });

  it('back() lands on the state the class saw after the previous step', async () => {
    const runner = await ScenarioRunner.start(scenario('leader-crash'));
    await runner.forward();
    await runner.forward();
    const afterTwo = comparable(runner);
    await runner.forward();

    await runner.back();

    expect(comparable(runner)).toBe(afterTwo);
    await runner.close();
  });

  it('restart() returns to the moment before the first step', async () => {
    const runner = await ScenarioRunner.start(scenario('leader-crash'));
    const fresh = comparable(runner);
    await runner.forward();
    await runner.forward();

    const state = await runner.restart();

    expect(state.position).toBe(0);
    expect(state.step).toBeNull();
    expect(comparable(runner)).toBe(fresh);
    await runner.close();
  });

  it('goTo() reaches the same state as stepping forward', async () => {
    const stepped = await ScenarioRunner.start(scenario('check-quorum'));
    for (let i = 0; i < 3; i++) await stepped.forward();
    const jumped = await ScenarioRunner.start(scenario('check-quorum'));

    await jumped.goTo(5);
    await jumped.goTo(3);

    expect(comparable(jumped)).toBe(comparable(stepped));
    await stepped.close();
    await jumped.close();
  });
});

function eventsWithoutSeq(runner: ScenarioRunner, keep: (e: TraceEvent) => boolean): string[] {
  return runner.cluster
    .events()
    .filter(keep)
    .map(({ seq: _seq, ...rest }) => JSON.stringify(rest));
}
