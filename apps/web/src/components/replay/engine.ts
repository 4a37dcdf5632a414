/**
 * The replay engine: a parsed trace held as a `TraceReplay`, and the frames the dashboard draws
 * from it. Pure (no DOM, no worker API), so the same code runs inside the parsing worker, in a
 * page without workers, and in unit tests.
 *
 * A frame is everything the views need at one moment: the `ClusterSnapshot` view of the state,
 * the findings active then, and a bounded window of the events up to the moment (the space-time
 * diagram, the feed and the diagnostics read those). The window is bounded so that a frame costs
 * the same at event ten and at event ten million.
 */

import {
  type ActiveFinding,
  createTraceReader,
  type MomentKind,
  type OpenTraceResult,
  type ReplaySnapshot,
  type TraceError,
  type TraceEvent,
  type TraceHeader,
  type TraceReplay,
} from '@raftlens/trace';

/** Events before the cursor sent with each frame: the views' history at that moment. */
export const FRAME_WINDOW_EVENTS = 1200;

/** Moments one can jump between; `fault` is the trace's word for control actions. */
export const JUMP_KINDS = ['election', 'commit', 'finding', 'fault'] as const;
export type JumpKind = (typeof JUMP_KINDS)[number];

export interface ReplayInfo {
  header: TraceHeader;
  /** What the source never records, in plain words (imported traces; empty otherwise). */
  unknowns: string[];
  firstSeq: number;
  lastSeq: number;
  /** Wall time of the first event (virtual time in a simulated run). */
  firstWallMs: number;
  length: number;
  /** How many moments of each kind the trace holds. */
  counts: Record<JumpKind, number>;
  /** Nodes at the end of the trace (the size a simulated re-run needs). */
  size: number;
}

export interface ReplayFrame {
  seq: number;
  /** 0-based position of the event at `seq` (-1 before the first event). */
  position: number;
  wallMs: number;
  snapshot: ReplaySnapshot;
  findings: ActiveFinding[];
  /** The last events up to and including `seq`, oldest first, at most FRAME_WINDOW_EVENTS. */
  events: TraceEvent[];
}

export type OpenPhase = 'downloading' | 'reading' | 'parsing' | 'indexing';
/** `fraction` is 0..1, or null when the total is unknown (a download without a length). */
export type ProgressFn = (phase: OpenPhase, fraction: number | null) => void;

export type BuildResult = { ok: true; replay: TraceReplay } | { ok: false; error: TraceError };

/** Text handed to the reader at a time: a progress report after each. */
const SLICE_CHARS = 1 << 20;

function finished(result: OpenTraceResult): BuildResult {
  if (!result.ok) return result;
  if (result.replay.length === 0) {
    return {
      ok: false,
      error: { code: 'EmptyTrace', line: 0, message: 'The trace has a header but no events.' },
    };
  }
  return result;
}

/**
 * Parses a trace (native, or etcd raft's, which the trace package imports) and indexes it for
 * replay as it reads, reporting progress. Never throws on bad input: the error names the line.
 */
export function buildReplay(text: string, progress: ProgressFn = () => {}): BuildResult {
  const reader = createTraceReader();
  progress('reading', 0);
  for (let off = 0; off < text.length; off += SLICE_CHARS) {
    if (!reader.push(text.slice(off, off + SLICE_CHARS))) break;
    progress('reading', Math.min(1, (off + SLICE_CHARS) / text.length));
  }
  return finished(reader.finish());
}

/** The same from a file, read as a stream: neither text nor events held whole. */
export function buildReplayFromBlob(
  blob: Blob,
  progress: ProgressFn = () => {},
): Promise<BuildResult> {
  return buildReplayFromStream(blob.stream(), blob.size, 'reading', progress);
}

/**
 * The same from a byte stream (a file's, or a download's body) of `total` bytes (0 when
 * unknown): each chunk is parsed and indexed as it arrives.
 */
export async function buildReplayFromStream(
  body: ReadableStream<Uint8Array>,
  total: number,
  phase: OpenPhase,
  progress: ProgressFn = () => {},
): Promise<BuildResult> {
  const reader = createTraceReader();
  const stream = body.getReader();
  const decoder = new TextDecoder();
  let bytes = 0;
  let refused = false;
  progress(phase, total > 0 ? 0 : null);
  for (;;) {
    const chunk = await stream.read();
    if (chunk.done) break;
    bytes += chunk.value.byteLength;
    if (!reader.push(decoder.decode(chunk.value, { stream: true }))) {
      refused = true;
      await stream.cancel();
      break;
    }
    progress(phase, total > 0 ? Math.min(1, bytes / total) : null);
  }
  if (!refused) reader.push(decoder.decode());
  return finished(reader.finish());
}

export function infoOf(replay: TraceReplay): ReplayInfo {
  const counts = Object.fromEntries(JUMP_KINDS.map((k) => [k, replay.count(k)])) as Record<
    JumpKind,
    number
  >;
  return {
    header: replay.header,
    unknowns: [...replay.unknowns],
    firstSeq: replay.firstSeq,
    lastSeq: replay.lastSeq,
    firstWallMs: replay.eventAt(0)?.wallMs ?? 0,
    length: replay.length,
    counts,
    size: replay.stateAt(replay.lastSeq).nodes.length,
  };
}

/** The sequence number of the event at a position, clamped to the trace. */
export function seqAtPosition(replay: TraceReplay, position: number): number {
  const p = Math.max(0, Math.min(replay.length - 1, Math.round(position)));
  return replay.eventAt(p)?.seq ?? replay.firstSeq;
}

/** The frame at `seq` (clamped to the trace). */
export function frameAt(
  replay: TraceReplay,
  seq: number,
  window = FRAME_WINDOW_EVENTS,
): ReplayFrame {
  const at = Math.max(replay.firstSeq, Math.min(replay.lastSeq, seq));
  const state = replay.stateAt(at);
  const snapshot = replay.toSnapshot(state);
  const position = state.position - 1;
  const fromPos = Math.max(0, position - window + 1);
  const fromSeq = replay.eventAt(fromPos)?.seq ?? at;
  return {
    seq: state.seq,
    position,
    wallMs: state.wallMs,
    snapshot,
    findings: [...state.findings],
    events: replay.events(fromSeq, state.seq, window),
  };
}

/**
 * The next (dir 1) or previous (dir -1) moment of a kind from `seq`; `any` is one event.
 * Null when there is none that way.
 */
export function jumpFrom(
  replay: TraceReplay,
  seq: number,
  kind: JumpKind | 'any',
  dir: 1 | -1,
): number | null {
  return dir > 0 ? replay.next(seq, kind as MomentKind) : replay.prev(seq, kind as MomentKind);
}
