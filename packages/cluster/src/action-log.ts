/**
 * The action log of a simulated cluster: every input that came from outside the simulation (a
 * person's click, a client's write, a finding of the diagnostics), each with the exact point of
 * the run at which it took effect. A simulated run is a pure function of its seed and of these
 * inputs, so the log is what `forkCluster` needs to play the run again, event for event.
 *
 * "The exact point" is not a wall time, nor even a virtual time alone. A paced cluster applies
 * a click at whatever virtual time its clock happened to reach, and between two scheduler
 * callbacks at the same virtual time; so a point is recorded as
 *
 * - `ran`: how many scheduler callbacks had run (all of them, from the cluster's start),
 * - `atMs`: the virtual clock then, and
 * - `seq`: the last trace event then (only to notice a replay that went astray).
 *
 * Besides the actions, the log marks `sync` points: places where code that awaited something
 * (a membership change that waits for its entry to apply, then stops a node and says so) ran
 * between two callbacks: it emitted an event, set a timer, or an action's promise settled. A
 * replay lets awaiting code run at those points, and only there.
 *
 * The replay lets awaiting code run to its end at each point (up to its next wait), as it did
 * under the pacer, whose timer ends a turn of the event loop after each stretch of virtual time.
 * A driver that moves a manual clock on while such code is halfway (awaiting only a microtask
 * or two between `advance` calls) makes a run that cannot be replayed; the replay then notices
 * that it lands elsewhere and says so.
 *
 * The log hooks the cluster from the outside (it wraps the action methods, the scheduler's
 * `after` and listens to the trace), so the cluster's own code does not know it exists.
 */

import type { RaftCluster } from './cluster.ts';
import type { ClusterExtras } from './options.ts';
import type { StorageFactory } from './storage/open.ts';
import type { TimerHandle } from './time/scheduler.ts';

/** The cluster methods that are inputs from outside, replayed by a fork. */
export const REPLAYED_METHODS = [
  'pause',
  'resume',
  'step',
  'setSpeed',
  'setLinkRule',
  'clearLinkRule',
  'partition',
  'heal',
  'releaseHeld',
  'dropHeld',
  'crash',
  'restart',
  'addNode',
  'removeNode',
  'promoteLearner',
  'transferLeader',
  'campaign',
  'changeMembership',
  'leaveJoint',
  'compact',
  'put',
  'get',
  'recordFinding',
] as const satisfies ReadonlyArray<keyof RaftCluster>;

export type ReplayedMethod = (typeof REPLAYED_METHODS)[number];

/** A point of a simulated run, exact to the scheduler callback. */
export interface RunPoint {
  /** Scheduler callbacks run before this point, since the cluster was created. */
  ran: number;
  /** The virtual clock, in model ms. */
  atMs: number;
  /** The sequence number of the last trace event before this point. */
  seq: number;
}

/** A call of one of `REPLAYED_METHODS`, with its arguments as they were then. */
export interface LoggedAction extends RunPoint {
  kind: 'action';
  method: ReplayedMethod;
  args: unknown[];
}

/** A point at which awaiting code resumed and left a mark. */
export interface SyncPoint extends RunPoint {
  kind: 'sync';
}

export type ActionLogEntry = LoggedAction | SyncPoint;

/** How the cluster was made, beyond its options: what a fork needs to be made the same way. */
export interface ClusterRecipe {
  extras: ClusterExtras;
  /** The storage factory the caller gave, if any (a fork of a durable run needs its own). */
  storageFactory?: StorageFactory;
}

const logs = new WeakMap<RaftCluster, ActionLog>();

/** The action log of a cluster made by `createCluster` in simulated mode; null otherwise. */
export function actionLogOf(cluster: RaftCluster): ActionLog | null {
  return logs.get(cluster) ?? null;
}

export class ActionLog {
  private readonly log: ActionLogEntry[] = [];
  private ranCount = 0;
  /** Above 0 inside a scheduler callback. */
  private inCallback = 0;
  /** Above 0 inside the synchronous part of an action. */
  private inAction = 0;
  /** Why the log cannot replay the run, once it cannot. */
  private brokenBy: string | null = null;
  /** Recording starts once the cluster has started: a fork starts the same way by itself. */
  private armed = false;

  private constructor(
    private readonly cluster: RaftCluster,
    readonly recipe: ClusterRecipe,
  ) {}

  /**
   * Hooks a simulated cluster that has not started yet; `arm` once it has. The hooks cost a
   * counter and a closure per scheduled callback.
   */
  static attach(cluster: RaftCluster, recipe: ClusterRecipe): ActionLog {
    if (cluster.options.mode !== 'simulated') {
      throw new Error('an action log is for simulated clusters');
    }
    const log = new ActionLog(cluster, recipe);
    log.hookScheduler();
    log.hookActions();
    cluster.subscribe((e) => {
      if (log.outside()) log.markSync(e.seq - 1);
    });
    logs.set(cluster, log);
    return log;
  }

  /** Starts recording: the cluster has started. */
  arm(): void {
    this.armed = true;
  }

  /** The entries so far, oldest first. */
  entries(): readonly ActionLogEntry[] {
    return this.log;
  }

  /** Scheduler callbacks run so far. */
  ran(): number {
    return this.ranCount;
  }

  /** The point the run is at now. */
  point(): RunPoint {
    return {
      ran: this.ranCount,
      atMs: this.cluster.scheduler.now(),
      seq: this.cluster.recorder.lastSeq(),
    };
  }

  /**
   * Null while the log can replay the run; else why not. An action called from inside a
   * scheduler callback (by a trace listener) has no point between callbacks to replay it at.
   */
  broken(): string | null {
    return this.brokenBy;
  }

  private outside(): boolean {
    return this.armed && this.inCallback === 0 && this.inAction === 0;
  }

  private markSync(seq: number): void {
    const last = this.log[this.log.length - 1];
    const here = this.point();
    // Code resuming right after an action, at the same point, is replayed by the replay's
    // pause after that action: one entry per point is enough.
    if (last !== undefined && last.ran === here.ran && last.atMs === here.atMs) return;
    this.log.push({ kind: 'sync', ...here, seq });
  }

  private readonly settled = (): void => {
    if (this.outside()) this.markSync(this.cluster.recorder.lastSeq());
  };

  private hookScheduler(): void {
    const scheduler = this.cluster.scheduler;
    const after = scheduler.after.bind(scheduler);
    scheduler.after = (delayMs: number, fn: () => void): TimerHandle => {
      if (this.outside()) this.markSync(this.cluster.recorder.lastSeq());
      return after(delayMs, () => {
        this.ranCount++;
        this.inCallback++;
        try {
          fn();
        } finally {
          this.inCallback--;
        }
      });
    };
  }

  private hookActions(): void {
    const target = this.cluster as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const method of REPLAYED_METHODS) {
      const original = target[method];
      if (typeof original !== 'function') continue;
      target[method] = (...args: unknown[]) => {
        // Calls an action makes of another are part of it, not inputs of their own.
        if (this.outside()) {
          this.log.push({ kind: 'action', ...this.point(), method, args: structuredClone(args) });
        } else if (this.armed && this.inAction === 0 && this.brokenBy === null) {
          this.brokenBy = `${method} was called from inside the simulation, at event ${this.cluster.recorder.lastSeq()}`;
        }
        this.inAction++;
        let result: unknown;
        try {
          result = original.apply(this.cluster, args);
        } finally {
          this.inAction--;
        }
        // The end of an action that awaited something is a point where its code ran, marks or
        // not (a membership change that fails stops the node it started, silently).
        if (result instanceof Promise) result.then(this.settled, this.settled);
        return result;
      };
    }
  }
}
