import type { FeedItem } from '../model/describe.ts';
import { RoleChanges } from '../model/electionTimer.ts';
import { FlightTracker } from '../model/flights.ts';
import { TraceRing } from '../model/ring.ts';
import type { SliceCreator } from './types.ts';

/** How many recent events the browser keeps. */
export const TRACE_CAPACITY = 50_000;
/** How many sentences the event feed keeps. */
export const FEED_CAPACITY = 300;

/**
 * Recent history. `ring` and `flights` are mutable and shared; `traceVersion` changes whenever
 * they do, and is what components subscribe to.
 */
export interface TraceSlice {
  ring: TraceRing;
  flights: FlightTracker;
  roleChanges: RoleChanges;
  traceVersion: number;
  feed: FeedItem[];
  /** Events the server said we missed (gaps, reconnects), since the page opened. */
  missedTotal: number;
}

export const createTraceSlice: SliceCreator<TraceSlice> = () => ({
  ring: new TraceRing(TRACE_CAPACITY),
  flights: new FlightTracker(),
  roleChanges: new RoleChanges(),
  traceVersion: 0,
  feed: [],
  missedTotal: 0,
});
