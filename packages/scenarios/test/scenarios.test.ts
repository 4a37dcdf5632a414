import { compareSeverity, type Finding } from '@raftlens/diagnose';
import { describe, expect, it } from 'vitest';
import {
  type RunnerState,
  SCENARIOS,
  type Scenario,
  ScenarioRunner,
  type StepOutcome,
} from '../src/index.ts';
import { failures, runToEnd } from './support.ts';

interface Run {
  outcomes: StepOutcome[];
  state: RunnerState;
  internalErrors: unknown[];
}

/** Each scenario runs once; the tests below read the same run. */
const runs = new Map<string, Promise<Run>>();

function runOnce(scenario: Scenario): Promise<Run> {
  let run = runs.get(scenario.id);
  if (run === undefined) {
    run = (async () => {
      const { runner, outcomes } = await runToEnd(scenario);
      const state = runner.state();
      const internalErrors = runner.cluster.internalErrors();
      await runner.close();
      return { outcomes, state, internalErrors };
    })();
    runs.set(scenario.id, run);
  }
  return run;
}

const serious = (fs: readonly Finding[]) =>
  fs.filter((f) => compareSeverity(f.severity, 'warning') <= 0).map((f) => f.code);

const byId = (s: Scenario) => [s.id, s] as const;

describe('every scenario', () => {
  it.each(SCENARIOS.map(byId))('%s runs to its end with every expectation met', async (_, s) => {
    const { outcomes, state, internalErrors } = await runOnce(s);

    expect(outcomes.flatMap(failures)).toEqual([]);
    expect(outcomes.map((o) => o.passed)).toEqual(s.steps.map(() => true));
    expect(state.done).toBe(true);
    expect(internalErrors).toEqual([]);
  });
});

describe('integration-fault scenarios', () => {
  const faulty = SCENARIOS.filter((s) => s.fault !== undefined);

  it.each(faulty.map(byId))('%s ends with the finding that names its fault first', async (_, s) => {
    const { state } = await runOnce(s);

    expect(state.findings[0]?.code).toBe(s.fault?.finding);
  });

  it.each(faulty.map(byId))(
    '%s names no other fault, and breaks Raft only by its own',
    async (_, s) => {
      const { state } = await runOnce(s);
      const otherFaults = faulty
        .map((f) => f.fault?.finding)
        .filter((code) => code !== s.fault?.finding);
      // Only a write acknowledged before it was applied can be lost; no other fault loses one.
      const allowedViolations = s.fault?.fault === 'ack-on-append' ? ['AckedWriteLost'] : [];

      expect(
        state.findings.map((f) => f.code).filter((code) => otherFaults.includes(code)),
      ).toEqual([]);
      expect(
        state.violations.map((v) => v.code).filter((c) => !allowedViolations.includes(c)),
      ).toEqual([]);
    },
  );
});

describe('healthy scenarios', () => {
  const healthy = SCENARIOS.filter((s) => s.fault === undefined);

  it.each(healthy.map(byId))(
    '%s ends with no warning and never breaks a Raft invariant',
    async (_, s) => {
      const { state } = await runOnce(s);

      expect(serious(state.findings)).toEqual([]);
      expect(state.violations).toEqual([]);
    },
  );

  it('leader-election raises no warning at any step', async () => {
    const scenario = SCENARIOS.find((s) => s.id === 'leader-election');
    if (scenario === undefined) throw new Error('missing leader-election');
    const runner = await ScenarioRunner.start(scenario);
    const perStep: string[][] = [];

    for (const _ of scenario.steps) {
      await runner.forward();
      perStep.push(serious(runner.state().findings));
    }
    await runner.close();

    expect(perStep).toEqual(scenario.steps.map(() => []));
  });
});
