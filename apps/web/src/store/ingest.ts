/**
 * The one way stream data enters the store: a batch per animation frame, one `setState`.
 */

import type { ClusterSnapshot, TraceEvent } from '@raftlens/trace';
import { controlNode, describeEvent, type FeedItem } from '../model/describe.ts';
import { appendFeed } from '../model/feed.ts';
import { travelMsForSpeed } from '../model/flights.ts';
import { applyEvents } from '../model/overlay.ts';
import { nodeName } from '../model/palette.ts';
import type { AppState, AppStore } from './index.ts';
import { isNewRun } from './runIdentity.ts';
import { foldFindingEvents, resetScenarioPatch } from './scenarioSlice.ts';
import { msPerTick } from './selectors.ts';
import { MARKS_CAPACITY, type TimelineMark } from './timelineSlice.ts';
import { FEED_CAPACITY } from './traceSlice.ts';

export interface StreamBatch {
  /** The newest `hello` in the batch, with whether it followed a lost connection. */
  hello?: { snapshot: ClusterSnapshot; reconnect: boolean };
  /** The cluster was replaced (`reset`): forget its history and start again from this. */
  reset?: { reason: string; snapshot: ClusterSnapshot };
  /** The newest `state` snapshot in the batch. */
  snapshot?: ClusterSnapshot;
  events: TraceEvent[];
  /** Events the server said were skipped (`gap` messages). */
  missed: number;
  /** Local time the newest message of the batch arrived. */
  receivedAtMs: number;
}

/** Messages older than this on the display clock are not animated (catching up after a gap). */
const ANIMATE_WITHIN_MS = 5000;

export function ingestBatch(store: AppStore, batch: StreamBatch): void {
  const s = store.getState();
  const patch: Partial<AppState> = {};
  const notices: Array<[tone: 'info', text: string]> = [];
  let missed = batch.missed;

  if (batch.reset) {
    s.ring.clear();
    s.roleChanges.clear();
    s.flights.clear();
    Object.assign(patch, { feed: [], marks: [], selectedMsgId: null }, resetScenarioPatch(s));
  }
  if (batch.hello) {
    const last = s.ring.last?.seq ?? s.snapshot?.seq;
    const helloSeq = batch.hello.snapshot.seq;
    if (last !== undefined && isNewRun(s.snapshot, last, batch.hello.snapshot)) {
      // A new run of the cluster (the server was restarted, or the cluster re-created): the
      // history we hold belongs to another one.
      s.ring.clear();
      s.roleChanges.clear();
      patch.feed = [];
      patch.marks = [];
      notices.push(['info', 'connected to a new run of the cluster; earlier history cleared']);
    } else if (batch.hello.reconnect && last !== undefined) {
      const lost = helloSeq - last;
      missed += lost;
      notices.push(['info', `reconnected; ${lost.toLocaleString('en')} events missed`]);
    }
    s.flights.clear();
  } else if (batch.missed > 0) {
    notices.push(['info', `fell behind; ${batch.missed.toLocaleString('en')} events missed`]);
  }

  const base = batch.snapshot ?? batch.reset?.snapshot ?? batch.hello?.snapshot ?? s.snapshot;
  const latestWall = Math.max(
    batch.snapshot?.wallMs ?? 0,
    batch.hello?.snapshot.wallMs ?? 0,
    batch.reset?.snapshot.wallMs ?? 0,
    batch.events.at(-1)?.wallMs ?? 0,
  );
  // The display clock is set again only when the server's clock has moved. A simulated
  // cluster's clock stands still between a scenario's steps while its snapshots keep coming:
  // set from those, the display clock was pulled back to the same moment again and again, and
  // the step's last messages flew across the ring again and again.
  const fresh = batch.hello !== undefined || batch.reset !== undefined;
  const clockMoved = latestWall > 0 && (fresh || latestWall !== s.serverWallMs);
  const sample = latestWall - batch.receivedAtMs;
  const offset = clockMoved
    ? fresh
      ? sample
      : nextOffset(s.clockOffsetMs, sample)
    : s.clockOffsetMs;
  const displayNow = Date.now() + offset;
  if (clockMoved) {
    patch.clockOffsetMs = offset;
    patch.serverWallMs = latestWall;
  }

  if (base) {
    s.flights.travelMs = travelMsForSpeed(base.speed, msPerTick(base));
    patch.snapshot = applyEvents(base, batch.events);
  }

  const feed: FeedItem[] = [];
  const marks: TimelineMark[] = [];
  if (missed > 0 && latestWall > 0) {
    marks.push({ wallMs: latestWall, kind: 'gap', label: `${missed} events missed` });
  }
  for (const e of batch.events) {
    s.ring.push(e);
    if (e.kind === 'net' && displayNow - e.wallMs < ANIMATE_WITHIN_MS) s.flights.apply(e);
    if (e.kind === 'state' && e.name.startsWith('Become')) {
      s.roleChanges.note(e.node, e.group, e.wallMs);
    }
    const item = describeEvent(e);
    if (item) feed.push(item);
    const mark = markOf(e);
    if (mark) marks.push(mark);
  }
  s.flights.prune(displayNow);

  Object.assign(patch, foldFindingEvents({ ...s, ...patch }, batch.events));
  if (batch.events.length > 0 || batch.reset) patch.traceVersion = s.traceVersion + 1;
  if (feed.length > 0) patch.feed = appendFeed(patch.feed ?? s.feed, feed, FEED_CAPACITY);
  if (marks.length > 0)
    patch.marks = [...(patch.marks ?? s.marks), ...marks].slice(-MARKS_CAPACITY);
  if (missed > 0) patch.missedTotal = s.missedTotal + missed;
  if (batch.hello) patch.connection = 'open';
  store.setState(patch);
  for (const [tone, text] of notices) store.getState().notify(tone, text);
}

/**
 * Follows the smallest observed (server time - arrival time) quickly and rises slowly, so the
 * display clock runs just behind the slowest recent arrival and dots never start mid-link.
 */
function nextOffset(previous: number, sample: number): number {
  if (previous === 0 || sample < previous) return sample;
  return previous + (sample - previous) * 0.02;
}

export function markOf(e: TraceEvent): TimelineMark | null {
  if (e.kind === 'state' && e.name === 'BecomeLeader') {
    return {
      wallMs: e.wallMs,
      kind: 'leader',
      label: `${nodeName(e.node)} leader, term ${e.term}`,
    };
  }
  if (e.kind !== 'control') return null;
  const n = nodeName(controlNode(e) ?? 0);
  switch (e.name) {
    case 'PartitionSet':
      return { wallMs: e.wallMs, kind: 'control', label: 'partition' };
    case 'PartitionHealed':
      return { wallMs: e.wallMs, kind: 'control', label: 'healed' };
    case 'NodeCrashed':
      return { wallMs: e.wallMs, kind: 'control', label: `${n} crashed` };
    case 'NodeRestarted':
      return { wallMs: e.wallMs, kind: 'control', label: `${n} restarted` };
    default:
      return null;
  }
}
