/**
 * `@raftlens/scenarios`: guided, repeatable stories on simulated clusters, for a class, a
 * student, or an engineer reproducing a stuck commit.
 *
 * ```ts
 * const runner = await startScenario('leader-election');
 * await runner.forward();          // runs step 1 on virtual time; same seed, same run
 * runner.state();                  // narration, checks, findings, snapshot
 * await runner.back();             // replays from the seed to the step before
 * await runner.handOver();         // free play: the cluster keeps running
 * ```
 */

/** The scenario catalogue and its JSON-safe descriptions. */
export {
  describeScenario,
  getScenario,
  listScenarios,
  SCENARIOS,
  type ScenarioInfo,
  startScenario,
} from './catalogue.ts';
/** Conditions for `until` and custom checks. */
export * as conditions from './conditions.ts';
/** The actions a step's `act` can take. */
export { ScenarioContext } from './context.ts';
/** Expected failures of the runner. */
export { ScenarioError, type ScenarioErrorCode } from './errors.ts';
/** A step's checklist. */
export type { CheckResult } from './expect.ts';
/** The scenario model. */
export type {
  Audience,
  CustomCheck,
  NodeRef,
  Scenario,
  ScenarioCategory,
  ScenarioClusterSpec,
  ScenarioStep,
  StepExpect,
  StepUntil,
} from './model.ts';
/** Narration with the run's nodes filled in. */
export { type Cast, castNeeded, resolveNarration } from './narration.ts';
/** Client operations started by steps. */
export type { OpKind, OpRecord } from './run-record.ts';
/** The runner. */
export {
  type ClusterListener,
  type RunnerOptions,
  type RunnerState,
  SCENARIO_NET_LATENCY_MS,
  SCENARIO_TICK_MS,
  ScenarioRunner,
  type StepInfo,
  type StepOutcome,
} from './runner.ts';
/** What `until` and `expect` see. */
export { StepView } from './view.ts';
