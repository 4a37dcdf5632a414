/**
 * The guided scenarios the server hosts: one `ScenarioRunner` of @raftlens/scenarios per
 * scenario cluster, by cluster name.
 *
 * A scenario's cluster is hosted in the registry like any other (stream, control routes,
 * diagnosis), with the runner's `close` as its way to close, so deleting the cluster or shutting
 * the server down closes the runner. Going back, restarting or jumping backwards replays the
 * scenario from its seed on a fresh cluster: the runner says so (`onCluster`), and the registry
 * puts the new cluster in the old one's place under the same name, which tells the stream (its
 * viewers get `reset`), the diagnostics and the trace recording.
 *
 * Calls on a run are queued here, one at a time, so that the reason a replacement gives its
 * viewers is the reason of the call that made it. `forward` is refused while anything is queued
 * or playing (`ScenarioBusy`): a second click must not play a second step.
 */

import {
  getScenario,
  type RunnerState,
  type ScenarioRunner,
  startScenario,
} from '@raftlens/scenarios';
import type { FastifyBaseLogger } from 'fastify';
import { ApiError } from './errors.ts';
import type { ClusterRegistry } from './registry.ts';

export interface StartOptions {
  /** The cluster's name; default `scenario-<id>`. */
  cluster?: string;
  /** Play steps in wall time (default true). */
  paced?: boolean;
}

/** Why viewers are told to reset, by the call that replaced the cluster. */
export type ResetReason = 'scenario-back' | 'scenario-restart' | 'scenario-goto' | 'scenario-start';

interface Run {
  runner: ScenarioRunner;
  stopListening: () => void;
  /** Calls queued or playing. */
  calls: number;
  queue: Promise<unknown>;
  /** The reason of the call playing now, given to a replacement it makes. */
  reason: ResetReason;
}

export class ScenarioHost {
  private readonly runs = new Map<string, Run>();
  /** Starts per cluster name, one at a time. */
  private readonly starts = new Map<string, Promise<unknown>>();

  private readonly stopRemoved: () => void;

  constructor(
    private readonly registry: ClusterRegistry,
    private readonly log: FastifyBaseLogger,
  ) {
    this.stopRemoved = registry.onRemoved((name) => {
      // The registry closes the runner (its host option); only forget it here.
      this.runs.get(name)?.stopListening();
      this.runs.delete(name);
    });
  }

  /**
   * Starts scenario `id` on a fresh cluster, before its first step. A cluster of that name that
   * runs a scenario is replaced (its viewers get `reset`); any other is `ClusterExists`.
   */
  start(id: string, opts: StartOptions = {}): Promise<RunnerState> {
    const scenario = getScenario(id);
    if (scenario === undefined) {
      return Promise.reject(
        new ApiError('UnknownScenario', `no scenario is called '${id}'`, { scenario: id }),
      );
    }
    const name = opts.cluster ?? `scenario-${id}`;
    const previous = this.starts.get(name) ?? Promise.resolve();
    const started = previous
      .catch(() => undefined)
      .then(async () => {
        const info = { id: scenario.id, title: scenario.title };
        const runnerOptions = { clusterName: name, paced: opts.paced ?? true, logger: this.log };
        const old = this.runs.get(name);
        if (old === undefined) {
          const made: { runner?: ScenarioRunner } = {};
          await this.registry.host(
            name,
            async () => {
              made.runner = await startScenario(id, runnerOptions);
              return made.runner.cluster;
            },
            // The registry only closes what it hosts, by which time the runner is made.
            { close: async () => made.runner?.close(), scenario: info },
          );
          const runner = made.runner as ScenarioRunner;
          this.adopt(name, runner);
          return runner.state();
        }
        const runner = await startScenario(id, runnerOptions);
        if (this.runs.get(name) !== old) {
          // The old run's cluster was deleted while this one started.
          await runner.close();
          throw new ApiError('UnknownCluster', `cluster '${name}' was deleted meanwhile`, {
            cluster: name,
          });
        }
        old.stopListening();
        this.runs.delete(name);
        this.adopt(name, runner);
        this.registry.replace(name, runner.cluster, 'scenario-start', {
          close: () => runner.close(),
          scenario: info,
        });
        await old.runner.close().catch((err) => {
          this.log.warn({ err, cluster: name }, 'previous scenario run failed to close');
        });
        return runner.state();
      });
    const settled = started
      .catch(() => undefined)
      .finally(() => {
        if (this.starts.get(name) === settled) this.starts.delete(name);
      });
    this.starts.set(name, settled);
    return started;
  }

  /** Stops following the registry; the runs close with their clusters (`closeAll`). */
  close(): void {
    this.stopRemoved();
  }

  /** The run of the scenario cluster `name`: `UnknownCluster` or `NotAScenario` otherwise. */
  state(name: string): RunnerState {
    return this.run(name).runner.state();
  }

  forward(name: string): Promise<RunnerState> {
    const run = this.run(name);
    if (run.calls > 0) {
      throw new ApiError('ScenarioBusy', 'a step is being played; wait for it to finish', {
        cluster: name,
      });
    }
    return this.call(run, null, (r) => r.forward());
  }

  back(name: string): Promise<RunnerState> {
    return this.call(this.run(name), 'scenario-back', (r) => r.back());
  }

  restart(name: string): Promise<RunnerState> {
    return this.call(this.run(name), 'scenario-restart', (r) => r.restart());
  }

  goTo(name: string, position: number): Promise<RunnerState> {
    return this.call(this.run(name), 'scenario-goto', (r) => r.goTo(position));
  }

  handOver(name: string): Promise<RunnerState> {
    return this.call(this.run(name), null, (r) => r.handOver());
  }

  private run(name: string): Run {
    this.registry.get(name);
    const run = this.runs.get(name);
    if (run === undefined) {
      throw new ApiError('NotAScenario', `cluster '${name}' does not run a guided scenario`, {
        cluster: name,
      });
    }
    return run;
  }

  private adopt(name: string, runner: ScenarioRunner): void {
    const run: Run = {
      runner,
      calls: 0,
      queue: Promise.resolve(),
      reason: 'scenario-restart',
      stopListening: () => undefined,
    };
    run.stopListening = runner.onCluster((next) => {
      if (!this.registry.replace(name, next, run.reason)) {
        // Deleted meanwhile: the registry no longer closes this run, so close it here.
        void runner.close();
      }
    });
    this.runs.set(name, run);
  }

  /** Runs `fn` after every call queued before it, then answers with the state. */
  private call(
    run: Run,
    /** Given to a replacement the call makes; null for calls that never make one. */
    reason: ResetReason | null,
    fn: (runner: ScenarioRunner) => Promise<unknown>,
  ): Promise<RunnerState> {
    run.calls++;
    const result = run.queue.then(async () => {
      if (reason !== null) run.reason = reason;
      await fn(run.runner);
      return run.runner.state();
    });
    run.queue = result.catch(() => undefined);
    return result.finally(() => {
      run.calls--;
    });
  }
}
