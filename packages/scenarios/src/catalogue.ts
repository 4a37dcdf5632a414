/**
 * The catalogue: every guided scenario, in the order a course would take them, and a JSON-safe
 * description of each for `GET /api/scenarios`.
 */

import type { CoreOptions, IntegrationFault } from '@raftlens/cluster';
import type { FindingCode } from '@raftlens/diagnose';
import { ScenarioError } from './errors.ts';
import type { Audience, Scenario, ScenarioCategory } from './model.ts';
import { resolveNarration } from './narration.ts';
import {
  type RunnerOptions,
  SCENARIO_NET_LATENCY_MS,
  SCENARIO_TICK_MS,
  ScenarioRunner,
} from './runner.ts';
import { leaderElection, logReplication } from './scenarios/basics.ts';
import {
  checkQuorum,
  rejoinWithoutPreVote,
  rejoinWithPreVote,
  splitVote,
  staleLeader,
} from './scenarios/elections.ts';
import {
  divergentLog,
  leaderCrash,
  majorityPartition,
  minorityPartition,
  threeWaySplit,
} from './scenarios/failures.ts';
import {
  ackOnAppend,
  doubleTick,
  dropPersistedMessages,
  neverAdvance,
  neverReportSnapshot,
  noInitialConf,
  votersExcludeSelf,
} from './scenarios/faults.ts';
import { jointConsensus, leaderTransfer, snapshotCatchUp } from './scenarios/membership.ts';
import { readIndex } from './scenarios/reads.ts';

/** Every scenario, basics first, integration faults last. */
export const SCENARIOS: readonly Scenario[] = [
  leaderElection,
  logReplication,
  leaderCrash,
  minorityPartition,
  majorityPartition,
  threeWaySplit,
  divergentLog,
  splitVote,
  rejoinWithoutPreVote,
  rejoinWithPreVote,
  checkQuorum,
  staleLeader,
  leaderTransfer,
  readIndex,
  jointConsensus,
  snapshotCatchUp,
  neverAdvance,
  noInitialConf,
  votersExcludeSelf,
  doubleTick,
  dropPersistedMessages,
  neverReportSnapshot,
  ackOnAppend,
];

const BY_ID = new Map(SCENARIOS.map((s) => [s.id, s]));

/** The scenario with this id, or undefined. */
export function getScenario(id: string): Scenario | undefined {
  return BY_ID.get(id);
}

/**
 * Starts the catalogue's scenario `id` on a fresh simulated cluster, before its first step
 * (what `POST /api/scenarios/{id}/start` does). Rejects with `UnknownScenario` for an unknown id.
 */
export async function startScenario(
  id: string,
  options: RunnerOptions = {},
): Promise<ScenarioRunner> {
  const scenario = getScenario(id);
  if (scenario === undefined) {
    throw new ScenarioError('UnknownScenario', `no scenario is called '${id}'`, { id });
  }
  return ScenarioRunner.start(scenario, options);
}

/** A scenario as the API lists it: no functions, narration without run-time node numbers. */
export interface ScenarioInfo {
  id: string;
  title: string;
  summary: string;
  audience: Audience[];
  category: ScenarioCategory;
  cluster: {
    size: number;
    seed: number;
    tickMs: number;
    netLatencyMs: number;
    core: Partial<CoreOptions>;
    faults: Record<number, IntegrationFault[]>;
  };
  fault?: { fault: IntegrationFault; finding: FindingCode };
  steps: Array<{ index: number; title: string; narration: string; until: string }>;
}

export function describeScenario(s: Scenario): ScenarioInfo {
  const info: ScenarioInfo = {
    id: s.id,
    title: s.title,
    summary: s.summary,
    audience: [...s.audience],
    category: s.category,
    cluster: {
      size: s.cluster.size,
      seed: s.cluster.seed,
      tickMs: s.cluster.tickMs ?? SCENARIO_TICK_MS,
      netLatencyMs: s.cluster.netLatencyMs ?? SCENARIO_NET_LATENCY_MS,
      core: { ...s.cluster.core },
      faults: { ...s.cluster.faults },
    },
    steps: s.steps.map((step, index) => ({
      index,
      title: step.title,
      narration: resolveNarration(step.narration, new Map(), s.cast),
      until: resolveNarration(step.until.description, new Map(), s.cast),
    })),
  };
  if (s.fault !== undefined) info.fault = { ...s.fault };
  return info;
}

/** The whole catalogue, described. */
export function listScenarios(): ScenarioInfo[] {
  return SCENARIOS.map(describeScenario);
}
