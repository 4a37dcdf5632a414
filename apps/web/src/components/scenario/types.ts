/**
 * What the server's scenario API answers, as the dashboard reads it. These mirror
 * `ScenarioInfo` and `RunnerState` of @raftlens/scenarios, which the web app does not depend on
 * (it would pull the whole runtime into the bundle); only the fields shown are listed.
 */

import type { Finding } from '@raftlens/diagnose';

export type Audience = 'teacher' | 'student' | 'engineer';

export type ScenarioCategory =
  | 'basics'
  | 'failures'
  | 'elections'
  | 'membership'
  | 'integration-fault';

/** One catalogue entry (`GET /api/scenarios`). */
export interface ScenarioInfo {
  id: string;
  title: string;
  summary: string;
  audience: Audience[];
  category: ScenarioCategory;
  /** Integration-fault scenarios: the fault shown and the finding code that names it. */
  fault?: { fault: string; finding: string };
  steps: Array<{ index: number; title: string; narration: string; until: string }>;
}

/** One expectation of a step, judged. */
export interface CheckResult {
  description: string;
  ok: boolean;
  /** What was seen, when the check failed. */
  actual?: string;
}

export interface StepInfo {
  index: number;
  title: string;
  narration: string;
}

export interface StepOutcome extends StepInfo {
  until: string;
  untilMet: boolean;
  fromSeq: number;
  toSeq: number;
  checks: CheckResult[];
  passed: boolean;
  error?: { code: string; message: string };
}

/** A running scenario (`RunnerState`): where the story is and how the last step went. */
export interface RunnerState {
  scenarioId: string;
  title: string;
  cluster: string;
  /** Steps completed: 0 before the first, `total` after the last. */
  position: number;
  total: number;
  done: boolean;
  handedOver: boolean;
  /** A step is being played (paced) or replayed. */
  busy: boolean;
  step: StepInfo | null;
  outcome: StepOutcome | null;
  next: StepInfo | null;
  findings: Finding[];
  violations: Finding[];
}
