/**
 * What a guided scenario is: a cluster to start, from a seed, and a list of steps. Each step
 * says in plain words what is about to happen, does something to the cluster, lets virtual time
 * run until the story has played out (or a deadline passes), and then checks that what the
 * class was told would happen did happen.
 *
 * Scenarios are data plus a few functions. The functions (`act`, `until.test`, custom checks)
 * must be deterministic: they may read the view they are given and call the context's actions,
 * and nothing else (no clocks, no randomness), so that a scenario replays identically from its
 * seed.
 */

import type { CoreOptions, IntegrationFault } from '@raftlens/cluster';
import type { FindingCode } from '@raftlens/diagnose';
import type { Role } from '@raftlens/trace';
import type { ScenarioContext } from './context.ts';
import type { StepView } from './view.ts';

/** Who a scenario is written for. */
export type Audience = 'teacher' | 'student' | 'engineer';

/** Where a scenario sits in the catalogue. */
export type ScenarioCategory =
  | 'basics'
  | 'failures'
  | 'elections'
  | 'membership'
  | 'integration-fault';

/**
 * A node, by number or by a name the scenario gave it while running ("leader", "old", ...).
 * Names are needed because which node wins an election is decided by the seed, not the author.
 */
export type NodeRef = number | string;

/** The cluster a scenario runs on. Everything not given takes the runtime's default. */
export interface ScenarioClusterSpec {
  /** Founding voters, 1 to 15. */
  size: number;
  /** The seed of the simulated network and of every node's randomized timeouts. */
  seed: number;
  /** Model milliseconds per tick (default 100, so a paced replay is easy to follow). */
  tickMs?: number;
  /** One-way latency of every link in model milliseconds (default 10). */
  netLatencyMs?: number;
  /** Core options that differ from the runtime's defaults (PreVote and CheckQuorum are on). */
  core?: Partial<CoreOptions>;
  /** Integration faults, per founding node id. */
  faults?: Record<number, IntegrationFault[]>;
  /** Deadline of client requests in model ms (default: the runtime's). */
  requestTimeoutMs?: number;
}

/** What a step waits for before its expectations are checked. */
export interface StepUntil {
  /** The condition in words, for the dashboard ("a leader is elected"). */
  description: string;
  /**
   * True once the step has played out. Absent: the step simply runs for `withinMs`. Evaluated
   * every `everyMs` of virtual time, so it should be cheap; `view.stepEvents` and
   * `view.leader()` are, `view.findings` is not.
   */
  test?: (view: StepView) => boolean;
  /** Virtual-time deadline, in model ms from the start of the step. */
  withinMs: number;
  /** How often the condition is checked, in model ms (default a quarter tick). */
  everyMs?: number;
  /** Model ms to keep running once the condition holds (default 0), to let replies land. */
  settleMs?: number;
}

/** A custom expectation: a sentence and a test that returns null when it holds, else what is. */
export interface CustomCheck {
  description: string;
  check: (view: StepView) => string | null;
}

/**
 * What must be true once a step has played out. Every field is optional; the runner turns
 * each present field into one or more checks with a sentence and a verdict.
 */
export interface StepExpect {
  /** The node that leads group 1 (`null`: no node leads; `'any'`: some node does). */
  leader?: NodeRef | 'any' | null;
  /** The leader must not be this node. */
  notLeader?: NodeRef;
  /** Roles of named nodes, or 'crashed' for a node that is down. */
  roles?: Record<string, Role | 'crashed'>;
  /** The leader's commit index is at least this. */
  commitAtLeast?: number;
  /** The commit index of every running node is exactly this. */
  commitEquals?: number;
  /** Every running voter holds the same log as the leader and has applied all of it. */
  caughtUp?: boolean;
  /** Finding codes the diagnosis must contain. */
  findings?: FindingCode[];
  /** Finding codes the diagnosis must not contain. */
  absent?: FindingCode[];
  /** The code of the first (most important) finding. */
  firstFinding?: FindingCode;
  /** No finding at warning severity or above. */
  healthy?: boolean;
  /** Safety monitor codes that must have been raised (empty list: none may be). */
  violations?: FindingCode[];
  /** Client operations (by label) and how they must stand. */
  ops?: Record<string, 'ok' | 'failed' | 'pending'>;
  checks?: CustomCheck[];
}

/** One step of a scenario. */
export interface ScenarioStep {
  /** A few words for a button or a list. */
  title: string;
  /**
   * One or two plain sentences a class can read on a projector. `{name}` placeholders are
   * filled in with the node a name stands for; before the run knows it, `node {name}` reads as
   * the scenario's cast describes the name, and a parenthesis with the name is left out.
   */
  narration: string;
  /** What the step does to the cluster, if anything. */
  act?: (ctx: ScenarioContext) => void | Promise<void>;
  until: StepUntil;
  /**
   * Runs once the step has played out, before the expectations: the place to name the nodes
   * the step revealed ("the node that won is the leader"). It should not start anything.
   */
  after?: (ctx: ScenarioContext, view: StepView) => void;
  expect?: StepExpect;
}

export interface Scenario {
  /** Stable, URL-safe id: `leader-election`. */
  id: string;
  title: string;
  /** Two or three sentences: what the scenario shows and what to watch. */
  summary: string;
  audience: Audience[];
  category: ScenarioCategory;
  cluster: ScenarioClusterSpec;
  /**
   * For integration-fault scenarios: the fault shown and the finding code that names it, which
   * the last step's diagnosis leads with.
   */
  fault?: { fault: IntegrationFault; finding: FindingCode };
  /**
   * Who each node name stands for, in words ("the old leader"), for narration read before the
   * run has decided which node it is (the catalogue, the next step's preview).
   */
  cast?: Record<string, string>;
  steps: ScenarioStep[];
}
