/**
 * The scenario runner: one scenario on one simulated cluster, step by step.
 *
 * The cluster runs on a manual virtual clock that only the runner moves, in fixed chunks, so a
 * run is a pure function of the scenario and its seed. That is what makes `back()` possible: it
 * does not undo anything, it starts a fresh cluster from the seed and replays every step before
 * the previous one, which lands in exactly the state the class saw then. After `handOver()` the
 * clock follows the wall clock and the cluster is free to play with; `back()` and `restart()`
 * return to the story.
 *
 * Calls are serialised: a `back()` issued while a paced `forward()` plays waits for it.
 */

import { createCluster, type RaftCluster, type RuntimeLogger } from '@raftlens/cluster';
import type { Finding } from '@raftlens/diagnose';
import type { ClusterSnapshot } from '@raftlens/trace';
import { ScenarioContext } from './context.ts';
import { ScenarioError } from './errors.ts';
import { type CheckResult, evaluateExpect } from './expect.ts';
import type { Scenario, ScenarioStep } from './model.ts';
import { resolveNarration } from './narration.ts';
import { type OpRecord, RunRecord } from './run-record.ts';
import { StepView } from './view.ts';

/** Defaults a scenario's cluster takes when it does not say. */
export const SCENARIO_TICK_MS = 100;
export const SCENARIO_NET_LATENCY_MS = 10;

/** How often a paced or handed-over clock catches up with the wall clock, in wall ms. */
const PACE_INTERVAL_MS = 20;

export interface RunnerOptions {
  /** The cluster's name (default `scenario-<id>`); every replay reuses it. */
  clusterName?: string;
  logger?: RuntimeLogger;
  /**
   * Play each step out in wall time at the cluster's speed (`cluster.setSpeed`), so that a
   * viewer sees messages fly; default false: a step runs as fast as the machine allows. Either
   * way the run is the same, event for event.
   */
  paced?: boolean;
}

/** How one step went. JSON-safe. */
export interface StepOutcome {
  index: number;
  title: string;
  /** The narration with the run's nodes filled in. */
  narration: string;
  /** What the step waited for, and whether it happened before the deadline. */
  until: string;
  untilMet: boolean;
  startedAtMs: number;
  endedAtMs: number;
  /** Trace sequence numbers the step spans. */
  fromSeq: number;
  toSeq: number;
  checks: CheckResult[];
  /** The condition was met, every check holds and the action did not fail. */
  passed: boolean;
  /** The action threw: its code and message. */
  error?: { code: string; message: string };
}

/** A step as the dashboard lists it. */
export interface StepInfo {
  index: number;
  title: string;
  narration: string;
}

/** Everything the dashboard shows about a running scenario. JSON-safe. */
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
  /** The step last run, and how it went; null before the first. */
  step: StepInfo | null;
  outcome: StepOutcome | null;
  /** The step `forward()` runs next; null at the end. */
  next: StepInfo | null;
  outcomes: StepOutcome[];
  names: Record<string, number>;
  ops: OpRecord[];
  findings: Finding[];
  violations: Finding[];
  snapshot: ClusterSnapshot;
}

export type ClusterListener = (cluster: RaftCluster, previous: RaftCluster | null) => void;

export class ScenarioRunner {
  private run: RunRecord;
  private position = 0;
  private outcomes: StepOutcome[] = [];
  private handedOver = false;
  private busy = false;
  private closed = false;
  private pacer: ReturnType<typeof setInterval> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<ClusterListener>();

  private constructor(
    readonly scenario: Scenario,
    private readonly options: RunnerOptions,
    cluster: RaftCluster,
  ) {
    this.run = new RunRecord(cluster, scenario.cast);
  }

  /** Starts the scenario's cluster from its seed, before the first step. */
  static async start(scenario: Scenario, options: RunnerOptions = {}): Promise<ScenarioRunner> {
    const cluster = await startCluster(scenario, options);
    return new ScenarioRunner(scenario, options, cluster);
  }

  /** The cluster of the current run; a new one after each `back()` or `restart()`. */
  get cluster(): RaftCluster {
    return this.run.cluster;
  }

  /** Calls `listener` whenever `back()` or `restart()` replaces the cluster. */
  onCluster(listener: ClusterListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs the next step. Throws `AtEnd` after the last, `HandedOver` in free play. */
  forward(): Promise<StepOutcome> {
    return this.serial(async () => {
      if (this.handedOver) {
        throw new ScenarioError('HandedOver', 'the cluster is in free play; go back or restart');
      }
      if (this.position >= this.scenario.steps.length) {
        throw new ScenarioError('AtEnd', 'the scenario has no more steps');
      }
      return this.runNext(this.options.paced === true);
    });
  }

  /** Returns to the state after the previous step, replaying from the seed. */
  back(): Promise<RunnerState> {
    return this.serial(async () => {
      const target = this.handedOver ? this.position : this.position - 1;
      if (target < 0) throw new ScenarioError('AtStart', 'the scenario has not started yet');
      await this.replayTo(target);
      return this.state();
    });
  }

  /** Starts over from the seed, before the first step. */
  restart(): Promise<RunnerState> {
    return this.serial(async () => {
      await this.replayTo(0);
      return this.state();
    });
  }

  /** Replays from the seed up to `position` steps (for a dashboard's step list). */
  goTo(position: number): Promise<RunnerState> {
    return this.serial(async () => {
      if (!Number.isInteger(position) || position < 0) {
        throw new ScenarioError('AtStart', `no step position ${position}`);
      }
      if (position > this.scenario.steps.length) {
        throw new ScenarioError('AtEnd', `the scenario has ${this.scenario.steps.length} steps`);
      }
      if (position < this.position || this.handedOver) await this.replayTo(position);
      while (this.position < position) await this.runNext(false);
      return this.state();
    });
  }

  /**
   * Leaves the story: the cluster keeps running for free play, its virtual clock following the
   * wall clock at the cluster's speed (unless `pace` is false, for tests that advance it).
   */
  handOver(opts: { pace?: boolean } = {}): Promise<RaftCluster> {
    return this.serial(async () => {
      this.handedOver = true;
      if (opts.pace !== false) this.startPacer();
      return this.run.cluster;
    });
  }

  /** The present, for the dashboard. */
  state(): RunnerState {
    const steps = this.scenario.steps;
    const view = new StepView(this.run, this.run.cluster.recorder.lastSeq() + 1, 0);
    const last = this.position > 0 ? steps[this.position - 1] : undefined;
    const next = steps[this.position];
    return {
      scenarioId: this.scenario.id,
      title: this.scenario.title,
      cluster: this.run.cluster.name,
      position: this.position,
      total: steps.length,
      done: this.position >= steps.length,
      handedOver: this.handedOver,
      busy: this.busy,
      step: last === undefined ? null : this.stepInfo(this.position - 1, last),
      outcome: this.outcomes[this.position - 1] ?? null,
      next: next === undefined ? null : this.stepInfo(this.position, next),
      outcomes: [...this.outcomes],
      names: Object.fromEntries(this.run.names),
      ops: [...this.run.ops.values()].map((op) => ({ ...op })),
      findings: view.findings,
      violations: [...view.violations],
      snapshot: view.snapshot,
    };
  }

  /** The view steps see, of the present (for tests and tools). */
  view(): StepView {
    return new StepView(this.run, this.run.cluster.recorder.lastSeq() + 1, 0);
  }

  /**
   * Stops the cluster for good. It does not wait for a step being played: that step stops
   * where it is and its call rejects, as does every later call, with `RunnerClosed`.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopPacer();
    this.run.close();
    await this.run.cluster.close();
  }

  private stepInfo(index: number, step: ScenarioStep): StepInfo {
    return {
      index,
      title: step.title,
      narration: resolveNarration(step.narration, this.run.names, this.run.cast),
    };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(async () => {
      if (this.closed) throw closedError();
      this.busy = true;
      try {
        return await fn();
      } finally {
        this.busy = false;
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async replayTo(position: number): Promise<void> {
    this.stopPacer();
    const previous = this.run.cluster;
    const speed = previous.scheduler.speed();
    this.run.close();
    await previous.close();
    const cluster = await startCluster(this.scenario, this.options);
    if (this.closed) {
      await cluster.close();
      throw closedError();
    }
    // A class watching at a quarter of real time keeps watching at that speed. Speed changes
    // nothing in virtual time, only the SpeedSet event it records.
    if (speed !== 1) cluster.setSpeed(speed);
    this.run = new RunRecord(cluster, this.scenario.cast);
    this.position = 0;
    this.outcomes = [];
    this.handedOver = false;
    for (const l of this.listeners) l(cluster, previous);
    while (this.position < position) await this.runNext(false);
  }

  private async runNext(paced: boolean): Promise<StepOutcome> {
    const index = this.position;
    const step = this.scenario.steps[index];
    if (step === undefined) throw new Error(`no step ${index}`);
    const outcome = await this.runStep(index, step, paced);
    this.outcomes.push(outcome);
    this.position++;
    return outcome;
  }

  private async runStep(index: number, step: ScenarioStep, paced: boolean): Promise<StepOutcome> {
    const c = this.run.cluster;
    const fromSeq = c.recorder.lastSeq() + 1;
    const startedAtMs = c.scheduler.now();
    let error: StepOutcome['error'];
    try {
      await step.act?.(new ScenarioContext(this.run));
    } catch (err) {
      error = errorOf(err);
    }
    await drain();
    const { test, withinMs, settleMs = 0 } = step.until;
    const everyMs = step.until.everyMs ?? c.options.tickMs / 4;
    let untilMet = test === undefined;
    for (;;) {
      if (test?.(new StepView(this.run, fromSeq, startedAtMs))) {
        untilMet = true;
        break;
      }
      const elapsed = c.scheduler.now() - startedAtMs;
      if (elapsed >= withinMs) break;
      await this.advance(Math.min(everyMs, withinMs - elapsed), paced);
    }
    for (let left = untilMet ? settleMs : 0; left > 0; left -= everyMs) {
      await this.advance(Math.min(everyMs, left), paced);
    }
    const view = new StepView(this.run, fromSeq, startedAtMs);
    if (step.after !== undefined && error === undefined) {
      try {
        step.after(new ScenarioContext(this.run), view);
      } catch (err) {
        error = errorOf(err);
      }
    }
    const checks = evaluateExpect(step.expect, view);
    const outcome: StepOutcome = {
      index,
      title: step.title,
      narration: resolveNarration(step.narration, this.run.names, this.run.cast),
      until: resolveNarration(step.until.description, this.run.names, this.run.cast),
      untilMet,
      startedAtMs,
      endedAtMs: c.scheduler.now(),
      fromSeq,
      toSeq: c.recorder.lastSeq(),
      checks,
      passed: untilMet && error === undefined && checks.every((x) => x.ok),
    };
    if (error !== undefined) outcome.error = error;
    return outcome;
  }

  /**
   * Moves virtual time by `ms`. Paced, it first waits the wall time that takes at the cluster's
   * speed, and while the cluster is paused it waits without moving the clock, so that a paused
   * story resumes exactly where it stopped.
   */
  private async advance(ms: number, paced: boolean): Promise<void> {
    const c = this.run.cluster;
    if (paced) {
      while (c.isPaused() && !this.closed) await sleep(PACE_INTERVAL_MS * 5);
      await sleep(ms / c.scheduler.speed());
    }
    if (this.closed) throw closedError();
    c.advance(ms);
    await drain();
  }

  private startPacer(): void {
    this.stopPacer();
    const c = this.run.cluster;
    let last = performance.now();
    this.pacer = setInterval(() => {
      const now = performance.now();
      const ms = Math.min(2_000, (now - last) * c.scheduler.speed());
      last = now;
      try {
        c.advance(ms);
      } catch {
        // The cluster was closed behind the runner's back (say, deleted by the server).
        this.stopPacer();
      }
    }, PACE_INTERVAL_MS);
    this.pacer.unref?.();
  }

  private stopPacer(): void {
    if (this.pacer !== null) clearInterval(this.pacer);
    this.pacer = null;
  }
}

async function startCluster(scenario: Scenario, options: RunnerOptions): Promise<RaftCluster> {
  const spec = scenario.cluster;
  return createCluster({
    name: options.clusterName ?? `scenario-${scenario.id}`,
    mode: 'simulated',
    clock: 'manual',
    size: spec.size,
    seed: spec.seed,
    tickMs: spec.tickMs ?? SCENARIO_TICK_MS,
    netLatencyMs: spec.netLatencyMs ?? SCENARIO_NET_LATENCY_MS,
    ...(spec.core !== undefined ? { core: spec.core } : {}),
    faults: spec.faults ?? {},
    ...(spec.requestTimeoutMs !== undefined ? { requestTimeoutMs: spec.requestTimeoutMs } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
}

/** Lets every promise callback that virtual time released run before time moves again. */
function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function closedError(): ScenarioError {
  return new ScenarioError('RunnerClosed', 'the scenario runner is closed');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function errorOf(err: unknown): { code: string; message: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : err.name, message: err.message };
  }
  return { code: 'Error', message: String(err) };
}
