/**
 * The viewer stream: what the server sends to each browser over WebSocket at
 * `/api/clusters/{cluster}/stream`.
 *
 * On connect the server sends `hello` with a full snapshot, then `events` batches and periodic
 * `state` snapshots. A viewer that falls behind is not waited for: its queue is cut, it receives
 * `gap` saying how many events it missed, and a fresh `state` lets it draw the present again.
 */

import type { TraceEvent } from './events.ts';
import type { ClusterSnapshot } from './snapshot.ts';

export const STREAM_VERSION = 1;

export type StreamMessage =
  | { type: 'hello'; version: number; cluster: string; snapshot: ClusterSnapshot }
  | { type: 'events'; events: TraceEvent[] }
  | { type: 'state'; snapshot: ClusterSnapshot }
  | { type: 'gap'; missed: number; fromSeq: number; toSeq: number }
  | { type: 'error'; code: string; message: string };
