import type { Scenario, ScenarioRunner, StepOutcome } from '../src/index.ts';
import { ScenarioRunner as Runner } from '../src/index.ts';

/** Runs every step of `scenario`; the caller closes the runner. */
export async function runToEnd(
  scenario: Scenario,
): Promise<{ runner: ScenarioRunner; outcomes: StepOutcome[] }> {
  const runner = await Runner.start(scenario);
  const outcomes: StepOutcome[] = [];
  for (let i = 0; i < scenario.steps.length; i++) outcomes.push(await runner.forward());
  return { runner, outcomes };
}

/** The failed parts of an outcome, as lines a person can read in a test report. */
export function failures(o: StepOutcome): string[] {
  const out: string[] = [];
  if (!o.untilMet) out.push(`step ${o.index} (${o.title}): never saw "${o.until}"`);
  if (o.error) out.push(`step ${o.index} (${o.title}): ${o.error.code}: ${o.error.message}`);
  for (const c of o.checks) {
    if (!c.ok) out.push(`step ${o.index} (${o.title}): ${c.description}; saw ${c.actual}`);
  }
  return out;
}

/** The trace as comparable text: every event, every field. */
export function traceText(runner: ScenarioRunner): string {
  return runner.cluster
    .events()
    .map((e) => JSON.stringify(e))
    .join('\n');
}
