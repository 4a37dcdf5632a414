/**
 * Opening a trace for replay while it streams in: text chunks (a browser's `File.stream()`
 * through a `TextDecoderStream`, in a Web Worker; a download; a file read in pieces) are read
 * line by line and each event goes straight into the replay's index, so a million-event file
 * opens in one pass, without the whole text or an array of parsed events held at once, and
 * the caller can report progress as it goes.
 *
 * Errors are those of `parseTrace`, with the same codes and line numbers; nothing throws.
 */

import type { TraceHeader } from '../events.ts';
import {
  TraceLineReader as LineReader,
  pushText,
  type TraceError,
  type TraceLineReader,
  type TraceReadProgress,
} from '../ndjson.ts';
import type { ClusterSnapshot } from '../snapshot.ts';
import { type OpenTraceResult, TraceReplay, type TraceReplayOptions } from './replay.ts';

export type { TraceReadProgress } from '../ndjson.ts';

/** A trace being read; see the module comment. */
export interface TraceReader {
  /** Reads a chunk of text, cut anywhere; false once the input was refused: push no more. */
  push(chunk: string): boolean;
  /** How much has been read so far. */
  progress(): TraceReadProgress;
  /** Why the input was refused, once it was. */
  readonly error: TraceError | null;
  /** Ends the input: the replay, or the error that refused the trace. */
  finish(): OpenTraceResult;
}

/** Options of a reader: those of the replay it builds (its events become the replay's). */
export type TraceReaderOptions = Omit<TraceReplayOptions, 'adoptEvents' | 'start'>;

export function createTraceReader(options: TraceReaderOptions = {}): TraceReader {
  return new StreamingReader(options);
}

/** A source of text chunks: an async iterable, or a web `ReadableStream` of strings. */
export type TraceTextSource =
  | AsyncIterable<string>
  | {
      getReader(): {
        read(): Promise<{ done: boolean; value?: string | undefined }>;
        cancel(reason?: unknown): Promise<void>;
        releaseLock(): void;
      };
    };

export interface OpenTraceStreamOptions extends TraceReaderOptions {
  /** Called after each chunk. */
  onProgress?: (progress: TraceReadProgress) => void;
}

/**
 * Reads a whole source and opens it for replay. In a browser worker:
 * `openTraceStream(file.stream().pipeThrough(new TextDecoderStream()), { onProgress })`.
 */
export async function openTraceStream(
  source: TraceTextSource,
  options: OpenTraceStreamOptions = {},
): Promise<OpenTraceResult> {
  const { onProgress, ...replayOptions } = options;
  const reader = createTraceReader(replayOptions);
  if ('getReader' in source) {
    const r = source.getReader();
    try {
      for (;;) {
        const { done, value } = await r.read();
        if (done) break;
        if (value === undefined) continue;
        if (!reader.push(value)) {
          await r.cancel();
          break;
        }
        onProgress?.(reader.progress());
      }
    } finally {
      r.releaseLock();
    }
  } else {
    for await (const chunk of source) {
      if (!reader.push(chunk)) break;
      onProgress?.(reader.progress());
    }
  }
  return reader.finish();
}

/** Parses a trace file (native or etcd raft) and opens it for replay. */
export function openTrace(text: string, options: TraceReaderOptions = {}): OpenTraceResult {
  const reader = createTraceReader(options);
  pushText(reader, text);
  return reader.finish();
}

class StreamingReader implements TraceReader {
  private readonly lines: TraceLineReader;
  private header: TraceHeader | null = null;
  private start: ClusterSnapshot | undefined;
  private replay: TraceReplay | null = null;

  constructor(private readonly options: TraceReaderOptions) {
    this.lines = new LineReader({
      header: (h) => {
        this.header = h;
      },
      snapshot: (s) => {
        this.start = s;
      },
      event: (e, line) => {
        const replay = this.replay ?? this.open();
        try {
          replay.append(e);
        } catch (cause) {
          // The line passed the cheap structural check but is not an event the replay can
          // apply (a net event without its message, say): refuse it by its line.
          const why = cause instanceof Error ? cause.message : String(cause);
          return {
            code: 'InvalidEvent',
            line,
            message: `Line ${line} is not a trace event the replay can apply: ${why}.`,
          };
        }
        return null;
      },
    });
  }

  get error(): TraceError | null {
    return this.lines.error;
  }

  push(chunk: string): boolean {
    return this.lines.push(chunk);
  }

  progress(): TraceReadProgress {
    return this.lines.progress();
  }

  finish(): OpenTraceResult {
    const end = this.lines.finish();
    if (!end.ok) return end;
    if (end.imported !== null) {
      if (!end.imported.ok) return end.imported;
      return {
        ok: true,
        replay: TraceReplay.fromTrace(end.imported.trace, { adoptEvents: true, ...this.options }),
      };
    }
    return { ok: true, replay: this.replay ?? this.open() };
  }

  private open(): TraceReplay {
    const replay = new TraceReplay(this.header as TraceHeader, [], {
      ...this.options,
      adoptEvents: true,
      ...(this.start !== undefined ? { start: this.start } : {}),
    });
    this.replay = replay;
    return replay;
  }
}
