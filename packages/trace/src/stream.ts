/**
 * The viewer stream: what the server sends to each browser over WebSocket at
 * `/api/clusters/{cluster}/stream`.
 *
 * On connect the server sends `hello` with a full snapshot, then `events` batches and periodic
 * `state` snapshots. A viewer that falls behind is not waited for: its queue is cut, it receives
 * `gap` saying how many events it missed, and a fresh `state` lets it draw the present again.
 *
 * When the cluster behind a name is replaced by another one (a guided scenario stepping back or
 * restarting replays from its seed on a fresh cluster), every viewer receives `reset`: drop the
 * trace and everything drawn from it, and start again from its snapshot. The events that follow
 * are the new cluster's, numbered from its own start: `snapshot.seq + 1` onwards, as after
 * `hello`.
 */

import type { TraceEvent } from './events.ts';
import type { ClusterSnapshot } from './snapshot.ts';

export const STREAM_VERSION = 1;

export type StreamMessage =
  | { type: 'hello'; version: number; cluster: string; snapshot: ClusterSnapshot }
  | { type: 'events'; events: TraceEvent[] }
  | { type: 'state'; snapshot: ClusterSnapshot }
  | { type: 'gap'; missed: number; fromSeq: number; toSeq: number }
  | {
      type: 'reset';
      /** Why, as a stable code: `scenario-back`, `scenario-restart`, `scenario-goto`, ... */
      reason: string;
      snapshot: ClusterSnapshot;
    }
  | { type: 'error'; code: string; message: string };
