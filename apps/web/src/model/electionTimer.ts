/**
 * How full a node's election timer is, between snapshots.
 *
 * A snapshot says how many ticks have elapsed at its wall time; ticks then advance at
 * tickMs / speed. A follower's timer restarts whenever a MsgApp, MsgHeartbeat or MsgSnap from
 * its leader reaches it, which the flight tracker tells us with the visible arrival time, so the
 * arc empties exactly when the dot lands.
 */

import type { GroupView } from '@raftlens/trace';

const RESETTING = new Set(['MsgApp', 'MsgHeartbeat', 'MsgSnap']);

export interface Arrival {
  atMs: number;
  flight: { type: string; msg: { term: number } };
}

export interface TimerInput {
  group: GroupView;
  snapshotWallMs: number;
  msPerTick: number;
  paused: boolean;
  arrivals: readonly Arrival[] | undefined;
  /** When the node last changed role or term (Raft resets the timer then), if known. */
  roleChangeMs: number | undefined;
}

/** The timer's fill in [0, 1], or null when the node has no election timer to show. */
export function electionTimerFraction(t: TimerInput, nowMs: number): number | null {
  const g = t.group;
  if (g.role === 'StateLeader' || g.randomizedElectionTimeoutTicks <= 0) return null;
  if (t.paused) return clamp01(g.electionElapsedTicks / g.randomizedElectionTimeoutTicks);
  let baseTicks = g.electionElapsedTicks;
  let baseMs = t.snapshotWallMs;
  const arrived = latestReset(t.arrivals, g.term, nowMs);
  const reset = Math.max(arrived ?? 0, t.roleChangeMs ?? 0);
  if (reset > baseMs && reset <= nowMs) {
    baseTicks = 0;
    baseMs = reset;
  }
  const ticks = baseTicks + Math.max(0, nowMs - baseMs) / t.msPerTick;
  return clamp01(ticks / g.randomizedElectionTimeoutTicks);
}

function latestReset(arrivals: readonly Arrival[] | undefined, term: number, nowMs: number) {
  if (!arrivals) return null;
  for (let i = arrivals.length - 1; i >= 0; i--) {
    const a = arrivals[i];
    if (!a || a.atMs > nowMs) continue;
    if (RESETTING.has(a.flight.type) && a.flight.msg.term >= term) return a.atMs;
  }
  return null;
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/** The last role or term change of each node in each group (wall ms), kept by the store. */
export class RoleChanges {
  private readonly at = new Map<string, number>();

  note(node: number, group: number, wallMs: number): void {
    this.at.set(`${node}/${group}`, wallMs);
  }

  get(node: number, group: number): number | undefined {
    return this.at.get(`${node}/${group}`);
  }

  clear(): void {
    this.at.clear();
  }
}
