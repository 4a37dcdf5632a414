/**
 * The messages between the page and the replay worker. Every request carries an id and gets
 * exactly one answer with the same id; progress reports for an `open` come before its answer.
 */

import type { TraceError } from '@raftlens/trace';
import type { JumpKind, OpenPhase, ReplayFrame, ReplayInfo } from './engine.ts';

/** A trace to download and open as it arrives; `headers` carry the page's credentials. */
export interface TraceDownload {
  url: string;
  headers: Record<string, string>;
}

/** What can be opened: a trace's text, a file, or a download. */
export type TraceSource = string | Blob | TraceDownload;

export type WorkerRequest =
  | { id: number; type: 'open'; text?: string; blob?: Blob; download?: TraceDownload }
  | { id: number; type: 'frame'; seq?: number; position?: number }
  | { id: number; type: 'jump'; seq: number; kind: JumpKind | 'any'; dir: 1 | -1 };

export type OpenOutcome = { ok: true; info: ReplayInfo } | { ok: false; error: TraceError };

export type WorkerResponse =
  | { id: number; type: 'progress'; phase: OpenPhase; fraction: number | null }
  | { id: number; type: 'opened'; outcome: OpenOutcome }
  | { id: number; type: 'frame'; frame: ReplayFrame | null }
  | { id: number; type: 'jump'; seq: number | null }
  | { id: number; type: 'failed'; message: string };
