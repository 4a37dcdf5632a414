/**
 * Messages in flight, as the cluster view animates them.
 *
 * A message is a dot that leaves its sender at Send, parks halfway while Held, waits near the
 * receiver while the network delays it (or the cluster is paused), finishes its trip at Deliver,
 * and stops with a cross where a Drop happens. Real latencies on one machine are a millisecond,
 * far too short to see, so each trip takes a visible `travelMs`; to keep cause before effect on
 * screen, a node's next message does not visibly leave before the message that prompted it has
 * visibly arrived (bounded to one trip, so the picture never drifts behind the cluster).
 *
 * Times here are on the display clock: server wall milliseconds, as the trace writes them.
 */

import type { DropReason, MessageSummary, NetEvent } from '@raftlens/trace';

export type FlightState = 'flying' | 'held' | 'delivered' | 'dropped';

/** Where a flying dot waits for a late delivery, as a fraction of its link. */
export const WAIT_AT = 0.86;
/** Where a held dot parks. */
export const HOLD_AT = 0.5;
/** How long a drop's cross stays on screen. */
export const DROP_FADE_MS = 1800;
/** Messages with no news for this long are forgotten (e.g. lost across a reconnect). */
const STALE_MS = 120_000;
const MAX_FLIGHTS = 1500;

export interface Flight {
  msgId: string;
  from: number;
  to: number;
  group: number;
  type: string;
  msg: MessageSummary;
  /** When the dot leaves its sender. */
  startMs: number;
  travelMs: number;
  state: FlightState;
  /** Progress along the link at `anchorMs`; the dot moves on from there at 1/travelMs. */
  anchorP: number;
  anchorMs: number;
  delayed: boolean;
  duplicate: boolean;
  dropReason?: DropReason;
  /** When any event last concerned this message (for forgetting stale ones). */
  lastNewsMs: number;
}

/** How far along its link a message is at `nowMs`, in [0, 1]. */
export function flightProgress(f: Flight, nowMs: number): number {
  const moved = f.anchorP + Math.max(0, nowMs - f.anchorMs) / f.travelMs;
  return Math.min(stopPoint(f), moved);
}

function stopPoint(f: Flight): number {
  switch (f.state) {
    case 'flying':
      return Math.max(f.anchorP, WAIT_AT);
    case 'held':
      return Math.max(f.anchorP, HOLD_AT);
    case 'delivered':
      return 1;
    case 'dropped':
      return f.anchorP;
  }
}

/** When a delivered message visibly reaches its receiver. */
export function arrivalMs(f: Flight): number {
  return f.anchorMs + (1 - f.anchorP) * f.travelMs;
}

/** Whether the dot should still be drawn at `nowMs`. */
export function flightVisible(f: Flight, nowMs: number): boolean {
  if (nowMs < f.startMs) return false;
  if (f.state === 'delivered') return nowMs < arrivalMs(f);
  if (f.state === 'dropped') return nowMs < f.anchorMs + DROP_FADE_MS;
  return true;
}

/**
 * The visible trip time: slower clusters get slower, easier to follow dots, but a trip stays
 * shorter than a tick, so one heartbeat has landed before the next leaves and links stay calm.
 */
export function travelMsForSpeed(speed: number, msPerTick = Number.POSITIVE_INFINITY): number {
  const s = Math.min(1, Math.max(0.01, speed));
  const wanted = Math.min(550 / Math.sqrt(s), 0.8 * msPerTick);
  return Math.min(4000, Math.max(250, wanted));
}

export class FlightTracker {
  readonly flights = new Map<string, Flight>();
  /** The latest delivered message into each node, for the cause-before-effect rule. */
  private readonly lastInto = new Map<number, Flight>();
  /** Visible arrival times of messages into each node, for the election timer's resets. */
  readonly arrivals = new Map<number, Array<{ atMs: number; flight: Flight }>>();
  travelMs = travelMsForSpeed(1);

  apply(e: NetEvent): void {
    switch (e.name) {
      case 'Send':
        this.onSend(e);
        return;
      case 'Hold':
        this.restate(e, 'held');
        return;
      case 'Release':
        this.restate(e, 'flying');
        return;
      case 'Delay': {
        const f = this.flights.get(e.msgId);
        if (f) f.delayed = true;
        return;
      }
      case 'Duplicate':
        this.onDuplicate(e);
        return;
      case 'Deliver':
        this.onDeliver(e);
        return;
      case 'Drop':
        this.restate(e, 'dropped');
        return;
    }
  }

  /** Forgets finished and stale messages. */
  prune(nowMs: number): void {
    for (const [id, f] of this.flights) {
      const finished = !flightVisible(f, nowMs) && nowMs >= f.startMs;
      const stale = nowMs - f.lastNewsMs > STALE_MS;
      if (finished || stale) this.flights.delete(id);
    }
    for (const id of this.flights.keys()) {
      if (this.flights.size <= MAX_FLIGHTS) break;
      this.flights.delete(id);
    }
  }

  clear(): void {
    this.flights.clear();
    this.lastInto.clear();
    this.arrivals.clear();
  }

  private onSend(e: NetEvent): void {
    if (this.flights.has(e.msgId)) return;
    const cause = this.lastInto.get(e.msg.from);
    let startMs = e.wallMs;
    if (cause && cause.state === 'delivered') {
      startMs = Math.max(e.wallMs, Math.min(arrivalMs(cause), e.wallMs + this.travelMs));
    }
    this.flights.set(e.msgId, this.newFlight(e, e.msgId, startMs, false));
  }

  private onDuplicate(e: NetEvent): void {
    const id = e.copyId;
    if (!id || this.flights.has(id)) return;
    this.flights.set(id, this.newFlight(e, id, e.wallMs, true));
  }

  private onDeliver(e: NetEvent): void {
    const f = this.flights.get(e.msgId) ?? this.lateFlight(e);
    this.reanchor(f, e.wallMs, 'delivered');
    this.lastInto.set(f.to, f);
    let list = this.arrivals.get(f.to);
    if (!list) {
      list = [];
      this.arrivals.set(f.to, list);
    }
    list.push({ atMs: arrivalMs(f), flight: f });
    if (list.length > 64) list.splice(0, list.length - 64);
  }

  private restate(e: NetEvent, state: FlightState): void {
    const f = this.flights.get(e.msgId) ?? this.lateFlight(e);
    if (state === 'dropped' && e.reason) f.dropReason = e.reason;
    this.reanchor(f, e.wallMs, state);
  }

  /** Moves a flight into a new state, keeping the dot where it is at that moment. */
  private reanchor(f: Flight, wallMs: number, state: FlightState): void {
    const at = Math.max(wallMs, f.startMs);
    f.anchorP = flightProgress(f, at);
    f.anchorMs = at;
    f.state = state;
    f.lastNewsMs = wallMs;
  }

  /** A message whose Send we never saw (it happened before we connected). */
  private lateFlight(e: NetEvent): Flight {
    const f = this.newFlight(e, e.msgId, e.wallMs, false);
    f.anchorP = HOLD_AT;
    this.flights.set(e.msgId, f);
    return f;
  }

  private newFlight(e: NetEvent, msgId: string, startMs: number, duplicate: boolean): Flight {
    return {
      msgId,
      from: e.msg.from,
      to: e.msg.to,
      group: e.group,
      type: e.msg.type,
      msg: e.msg,
      startMs,
      travelMs: this.travelMs,
      state: 'flying',
      anchorP: 0,
      anchorMs: startMs,
      delayed: false,
      duplicate,
      lastNewsMs: e.wallMs,
    };
  }
}
