/**
 * Expected failures of the scenario runner, with stable codes the server maps to HTTP statuses.
 * A scenario that is itself wrong (a step that throws for no expected reason) is not one of
 * these: it surfaces as a step outcome with an error, so a class sees what broke.
 */

export type ScenarioErrorCode =
  /** No scenario has this id. */
  | 'UnknownScenario'
  /** `forward()` after the last step. */
  | 'AtEnd'
  /** `back()` before the first step. */
  | 'AtStart'
  /** `forward()` after `handOver()`: the guided story has been left; go back or restart. */
  | 'HandedOver'
  /** The runner was closed. */
  | 'RunnerClosed'
  /** A step used a node name no earlier step gave. */
  | 'UnknownName'
  /** A step labelled two operations alike. */
  | 'DuplicateLabel'
  /** A step asked for the leader when no node leads. */
  | 'NoLeader'
  /** The core refused a configuration change a step proposed (an op's error). */
  | 'ConfChangeRejected'
  /** An operation a step started did not complete within the request deadline. */
  | 'Timeout';

export class ScenarioError extends Error {
  constructor(
    readonly code: ScenarioErrorCode,
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ScenarioError';
  }
}
