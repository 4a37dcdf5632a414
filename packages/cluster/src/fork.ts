/**
 * Forks a simulated run: "what if, at this moment, I had done something else?"
 *
 * A simulated run is a pure function of its options, its seed and the inputs it received from
 * outside. The fork is a new cluster with the same options and seed, on a manual clock, in
 * which every input of the original's action log (action-log.ts) is applied again at the point
 * of the run it was applied at then. Its trace therefore equals the original's, event for
 * event, wall times included (they are virtual times). The replay stops once the fork has
 * emitted event `atSeq`, and the fork is paused there; then its clock follows the wall clock
 * (when the original's did) and it is the user's to change.
 *
 * The smallest thing a replay can stop after is one scheduler callback (one message delivered,
 * one tick of a node, one timer), since a callback runs to its end: when event `atSeq` is not
 * the last one its callback emits, the fork stops after the last one. `Fork.seq` says where.
 *
 * The replay checks that it lands on the same event at every recorded point, and gives up with
 * `ForkDiverged` rather than hand over a run that is not the original's.
 */

import { type ActionLogEntry, actionLogOf } from './action-log.ts';
import type { RaftCluster } from './cluster.ts';
import { createCluster } from './create.ts';
import type { RuntimeLogger } from './node/logger.ts';
import type { SimulatedClock } from './options.ts';
import type { StorageFactory } from './storage/open.ts';
import type { VirtualScheduler } from './time/scheduler.ts';

export type ForkErrorCode = 'CannotForkLive' | 'NotForkable' | 'SeqOutOfRange' | 'ForkDiverged';

export class ForkError extends Error {
  constructor(
    readonly code: ForkErrorCode,
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ForkError';
  }
}

export const CANNOT_FORK_LIVE_MESSAGE =
  'a live run cannot be replayed exactly: its nodes ran on wall-clock timers over real ' +
  'sockets, so no seed determines what happened; instead, a simulated cluster can be started ' +
  "from the nodes' state (their logs, terms and configuration) as it is now (simulateFrom)";

export interface ForkInput {
  /** The fork's name. */
  name: string;
  /** The last event of the original that the fork replays; 1 to the original's last. */
  atSeq: number;
  /** How the fork's clock moves once it has replayed; default as the original's. */
  clock?: SimulatedClock;
  logger?: RuntimeLogger;
  /** Where a durable fork keeps its data (default the original's folder). */
  dataDir?: string;
  /** Storage for the fork (default as the original's). */
  storageFactory?: StorageFactory;
}

export interface Fork {
  cluster: RaftCluster;
  /** The event asked for. */
  atSeq: number;
  /**
   * The last event the fork shares with the original: `atSeq`, or a later event of the same
   * scheduler callback. What follows in the fork (a `Paused` event first) is its own.
   */
  seq: number;
}

/** Starts a fork of `source` paused after event `atSeq`; see the file comment. */
export async function forkCluster(source: RaftCluster, input: ForkInput): Promise<Fork> {
  if (source.options.mode !== 'simulated') {
    throw new ForkError('CannotForkLive', CANNOT_FORK_LIVE_MESSAGE, { cluster: source.name });
  }
  const log = actionLogOf(source);
  if (log === null) {
    throw new ForkError('NotForkable', `cluster ${source.name} keeps no log of its inputs`);
  }
  const broken = log.broken();
  if (broken !== null) {
    throw new ForkError('NotForkable', `cluster ${source.name} cannot be replayed: ${broken}`);
  }
  const { atSeq } = input;
  const present = source.recorder.lastSeq();
  if (!Number.isInteger(atSeq) || atSeq < 1 || atSeq > present) {
    throw new ForkError('SeqOutOfRange', `atSeq must be an event of the run: 1 to ${present}`, {
      atSeq,
      lastSeq: present,
    });
  }
  // The original runs on while the fork replays: what it does from now on is not replayed.
  const entries = [...log.entries()];
  const { clock: sourceClock = 'paced', ...extras } = log.recipe.extras;
  const storageFactory =
    input.storageFactory ??
    (source.options.storage === 'memory' ? log.recipe.storageFactory : undefined);
  const options = { ...source.options };
  if (input.dataDir !== undefined) options.dataDir = input.dataDir;
  const cluster = await createCluster({
    ...options,
    ...extras,
    name: input.name,
    clock: 'manual',
    ...(input.logger !== undefined ? { logger: input.logger } : {}),
    ...(storageFactory !== undefined ? { storageFactory } : {}),
  });
  try {
    await replay(cluster, entries, atSeq);
    const seq = cluster.recorder.lastSeq();
    if (!cluster.isPaused()) cluster.pause();
    if ((input.clock ?? sourceClock) === 'paced') cluster.pace();
    return { cluster, atSeq, seq };
  } catch (err) {
    await cluster.close();
    throw err;
  }
}

/** Plays `entries` into `fork` (fresh from `createCluster`) until it has emitted `atSeq`. */
async function replay(
  fork: RaftCluster,
  entries: readonly ActionLogEntry[],
  atSeq: number,
): Promise<void> {
  const log = actionLogOf(fork);
  if (log === null) throw new Error('a fork is simulated and keeps an action log');
  const scheduler = fork.scheduler as VirtualScheduler;
  const reached = () => fork.recorder.lastSeq() >= atSeq;
  const diverged = (why: string, at: ActionLogEntry | null) =>
    new ForkError('ForkDiverged', `the replay did not follow the original: ${why}`, {
      ...(at !== null ? { expected: { ran: at.ran, atMs: at.atMs, seq: at.seq } } : {}),
      at: log.point(),
    });

  // A long run takes a while to replay. The server must not stall meanwhile, but a turn of the
  // event loop lets awaiting code run, which must happen at logged points only: so the replay
  // gives the turn up only while no action it applied is still under way.
  const underWay = new Set<Promise<unknown>>();
  let turnStartedMs = Date.now();
  const yieldNow = async () => {
    if (underWay.size > 0 || Date.now() - turnStartedMs < TURN_MS) return;
    await resumeWaiting();
    turnStartedMs = Date.now();
  };

  for (const e of entries) {
    if (reached() || e.seq >= atSeq) break;
    // Run the callbacks that ran before this point, and nothing else.
    while (log.ran() < e.ran && !reached()) {
      const next = scheduler.nextAtMs();
      if (next === null || next > e.atMs) throw diverged('it ran out of callbacks', e);
      scheduler.runNext();
      if ((log.ran() & 127) === 0) await yieldNow();
    }
    if (reached()) break;
    if (scheduler.now() < e.atMs) scheduler.advanceTo(e.atMs);
    if (log.ran() !== e.ran) throw diverged('a callback was due before the point', e);
    if (e.kind === 'sync') {
      if (fork.recorder.lastSeq() !== e.seq) throw diverged('another event at a point', e);
      await resumeWaiting();
    } else {
      await resumeWaiting();
      if (fork.recorder.lastSeq() !== e.seq) throw diverged(`another event before ${e.method}`, e);
      const result = apply(fork, e.method, e.args);
      if (result !== null) {
        underWay.add(result);
        const done = () => underWay.delete(result);
        result.then(done, done);
      }
      await resumeWaiting();
    }
  }
  while (!reached()) {
    if (!scheduler.runNext()) throw diverged('it ran out of callbacks', null);
    if ((log.ran() & 127) === 0) await yieldNow();
  }
}

/** Longest stretch of replay, in wall ms, before the event loop gets a turn (when it may). */
const TURN_MS = 50;

/**
 * Lets code that awaits something run, as it did in the original between two turns of the
 * event loop (the pacer's, a request's). The fork's clock is manual: nothing else moves it.
 */
function resumeWaiting(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Calls an action on the fork as the original was called. Its outcome is the original's, a
 * failure included (stepping a running cluster fails the same way twice), and nobody waits for
 * it: a write resolves in the fork's own time. Returns its promise, if it gave one.
 */
function apply(fork: RaftCluster, method: string, args: unknown[]): Promise<unknown> | null {
  const fn = (fork as unknown as Record<string, (...a: unknown[]) => unknown>)[method];
  if (typeof fn !== 'function') throw new Error(`no action ${method}`);
  try {
    const result = fn.apply(fork, structuredClone(args));
    if (!(result instanceof Promise)) return null;
    result.catch(() => {});
    return result;
  } catch {
    // Refused the same way as in the original.
    return null;
  }
}
