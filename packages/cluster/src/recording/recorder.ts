/**
 * The trace recorder: every event of a cluster, appended as NDJSON to files in a folder,
 * bounded on disk, and downloadable as one valid trace at any time.
 *
 * Bound: the bytes of all segments together never exceed `maxBytes`. The bound is cut into
 * `segments` equal parts; when the current segment is full a new one starts, and the oldest
 * segments are deleted before a write would cross the bound. The newest events are therefore
 * always kept, and at least `maxBytes - 2 * maxBytes / segments` bytes of events stay on disk
 * once the bound is reached.
 *
 * Each segment after the first starts with the cluster's snapshot (a `{"snapshot": ...}` line
 * after the header, see docs/trace-format.md) when `snapshot` is given: once rotation has
 * deleted the oldest segments, the recording still replays from its first line. The snapshot
 * is taken when a segment fills, at the end of the current turn of the event loop (so that it
 * shows the cluster between two steps, not in the middle of one); events recorded until then
 * still go to the full segment. A segment past its size by a further eighth takes it at once.
 *
 * Writes are batched: `record` only appends a line to a memory buffer; the buffer goes to
 * disk every `flushIntervalMs` or when `flushBytes` are waiting, in one write per segment
 * touched. Nothing is fsynced: the trace is diagnostics, and a crash may lose the last batch.
 * If the disk falls behind, the buffer is bounded too: the oldest buffered events are dropped
 * (and counted) rather than letting memory grow or slowing the cluster.
 *
 * Nothing here throws at the caller once created: I/O errors go to `onError` and `stats()`.
 */

import { type FileHandle, mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  type ClusterSnapshot,
  eventJson,
  snapshotLine,
  type TraceEvent,
  type TraceHeader,
} from '@raftlens/trace';
import { removeStaleSegments, type Segment, segmentName } from './segments.ts';

export interface TraceRecorderOptions {
  /** The folder of the recording; created if missing. The recorder owns `trace-*.ndjson` in it. */
  dir: string;
  /** Bound on the bytes of all segments together. */
  maxBytes: number;
  header: TraceHeader;
  /**
   * The cluster's present state, for the snapshot line that starts each new segment. Without
   * it, segments start with the header alone, and a recording whose oldest segments were
   * deleted replays from a cluster it knows nothing of.
   */
  snapshot?: () => ClusterSnapshot;
  /** How many parts the bound is cut into (default 8): the unit of deletion. */
  segments?: number;
  /** Longest time an event waits in memory before it is written (default 200 ms). */
  flushIntervalMs?: number;
  /** Write as soon as this many bytes wait (default 256 KiB). */
  flushBytes?: number;
  /** Bound on bytes waiting in memory (default 16 MiB); the oldest waiting events go first. */
  bufferBytesMax?: number;
  /** Told of every I/O error; the recorder carries on. */
  onError?: (err: unknown) => void;
}

export interface TraceRecorderStats {
  segments: number;
  /** Bytes of all segments on disk. */
  bytesOnDisk: number;
  bytesBuffered: number;
  /** Events handed to `record`. */
  recorded: number;
  /** Events written to disk. */
  written: number;
  /** Events dropped: larger than a segment, buffered past the bound, or out of order. */
  droppedOversize: number;
  droppedBuffer: number;
  droppedOutOfOrder: number;
  /** Segments started with a snapshot line, and snapshots left out (too big, or failed). */
  snapshots: number;
  snapshotsSkipped: number;
  /** Sequence numbers of the oldest and newest event on disk; 0 when none. */
  firstSeq: number;
  lastSeq: number;
  lastError: string | null;
}

/** A recording in progress; see the module comment. */
export interface DiskTraceRecorder {
  /** Appends an event (bound: pass it straight to `cluster.subscribe`). */
  readonly record: (e: TraceEvent) => void;
  /** Writes everything buffered; resolves once it is on disk (not fsynced). */
  flush(): Promise<void>;
  /** The trace as text chunks: the header line, then the retained events in order. */
  export(): AsyncIterable<string>;
  /** The whole retained trace as one string. */
  readAll(): Promise<string>;
  stats(): TraceRecorderStats;
  /** Flushes and closes; later events are ignored. The files stay. */
  close(): Promise<void>;
}

const DEFAULTS = {
  segments: 8,
  flushIntervalMs: 200,
  flushBytes: 256 * 1024,
  bufferBytesMax: 16 * 1024 * 1024,
};

/** Starts a recording in `opts.dir` (removing segments a previous recording left there). */
export function createTraceRecorder(opts: TraceRecorderOptions): DiskTraceRecorder {
  return new SegmentedRecorder(opts);
}

interface Pending {
  line: string;
  bytes: number;
  seq: number;
  /** Set on the mark where a new segment starts: `line` is then its snapshot line, or ''. */
  starts?: true;
}

class SegmentedRecorder implements DiskTraceRecorder {
  private readonly headerLine: string;
  private readonly headerBytes: number;
  private readonly segmentBytesMax: number;
  private readonly flushBytes: number;
  private readonly flushIntervalMs: number;
  private readonly bufferBytesMax: number;
  private buffer: Pending[] = [];
  private bufferBytes = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Every disk operation runs on this chain, one after the other. */
  private chain: Promise<void>;
  private readonly segments: Segment[] = [];
  private current: FileHandle | null = null;
  private nextSegment = 1;
  private closed = false;
  private lastSeqSeen = 0;
  /** Bytes of the segment `record` is filling (header and snapshot line included). */
  private filling: number;
  /** A snapshot is asked for, to start the next segment. */
  private snapshotDue = false;
  private readonly counts = {
    recorded: 0,
    written: 0,
    droppedOversize: 0,
    droppedBuffer: 0,
    droppedOutOfOrder: 0,
    snapshots: 0,
    snapshotsSkipped: 0,
  };
  private lastError: string | null = null;

  constructor(private readonly opts: TraceRecorderOptions) {
    const parts = opts.segments ?? DEFAULTS.segments;
    this.headerLine = `${JSON.stringify(opts.header)}\n`;
    this.headerBytes = Buffer.byteLength(this.headerLine);
    this.segmentBytesMax = Math.floor(opts.maxBytes / parts);
    if (!Number.isInteger(parts) || parts < 2) {
      throw new RangeError(`segments must be an integer of at least 2, got ${parts}`);
    }
    if (this.segmentBytesMax < this.headerBytes + 1024) {
      throw new RangeError(
        `maxBytes ${opts.maxBytes} is too small: each of ${parts} segments needs room for the ` +
          'header and at least 1 KiB of events',
      );
    }
    this.filling = this.headerBytes;
    this.flushBytes = opts.flushBytes ?? DEFAULTS.flushBytes;
    this.flushIntervalMs = opts.flushIntervalMs ?? DEFAULTS.flushIntervalMs;
    this.bufferBytesMax = opts.bufferBytesMax ?? DEFAULTS.bufferBytesMax;
    this.chain = this.guard(async () => {
      await mkdir(opts.dir, { recursive: true });
      await removeStaleSegments(opts.dir);
    });
  }

  readonly record = (e: TraceEvent): void => {
    if (this.closed) return;
    this.counts.recorded++;
    // A trace must be in sequence order; an event out of it would make the file unreadable.
    if (e.seq <= this.lastSeqSeen) {
      this.counts.droppedOutOfOrder++;
      return;
    }
    this.lastSeqSeen = e.seq;
    const line = `${eventJson(e)}\n`;
    const bytes = Buffer.byteLength(line);
    if (this.headerBytes + bytes > this.segmentBytesMax) {
      this.counts.droppedOversize++;
      return;
    }
    this.buffer.push({ line, bytes, seq: e.seq });
    this.bufferBytes += bytes;
    // After the event: the cluster already shows it, so a segment cut now starts after it.
    if (this.opts.snapshot !== undefined) this.planSegments(bytes);
    if (this.bufferBytes > this.bufferBytesMax) this.shedOldest();
    if (this.bufferBytes >= this.flushBytes) void this.flush();
    else this.schedule();
  };

  /**
   * With snapshots, segments are cut as events are recorded, not as they are written: the
   * snapshot must show the cluster at the cut. A full segment asks for one at the end of this
   * turn; one that overflows by an eighth more takes it now.
   */
  private planSegments(bytes: number): void {
    this.filling += bytes;
    const max = this.segmentBytesMax;
    if (this.filling > max + max / 8) {
      this.startSegment();
    } else if (this.filling > max && !this.snapshotDue) {
      this.snapshotDue = true;
      queueMicrotask(() => {
        if (this.snapshotDue && !this.closed) this.startSegment();
      });
    }
  }

  /** Marks the start of a new segment in the buffer, with the cluster's snapshot now. */
  private startSegment(): void {
    this.snapshotDue = false;
    let line = '';
    try {
      const snap = (this.opts.snapshot as () => ClusterSnapshot)();
      line = `${snapshotLine(snap)}\n`;
      if (snap.seq !== this.lastSeqSeen) line = '';
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
      this.opts.onError?.(err);
    }
    let bytes = Buffer.byteLength(line);
    // A snapshot that leaves no room for events in a segment is left out.
    if (this.headerBytes + bytes + 1024 > this.segmentBytesMax) {
      line = '';
      bytes = 0;
    }
    if (line === '') this.counts.snapshotsSkipped++;
    this.buffer.push({ line, bytes, seq: this.lastSeqSeen, starts: true });
    this.bufferBytes += bytes;
    this.filling = this.headerBytes + bytes;
  }

  private shedOldest(): void {
    let cut = 0;
    let mark: Pending | undefined;
    while (this.bufferBytes > this.bufferBytesMax && cut < this.buffer.length) {
      const p = this.buffer[cut] as Pending;
      this.bufferBytes -= p.bytes;
      if (p.starts) mark = p;
      cut++;
    }
    this.buffer.splice(0, cut);
    this.counts.droppedBuffer += cut - (mark !== undefined ? 1 : 0);
    // The newest segment start shed stays: the events after it belong to a new segment.
    if (mark !== undefined) {
      this.buffer.unshift(mark);
      this.bufferBytes += mark.bytes;
    }
  }

  private schedule(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.flushIntervalMs);
    this.timer.unref?.();
  }

  flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.buffer;
    if (batch.length > 0) {
      this.buffer = [];
      this.bufferBytes = 0;
      this.chain = this.chain.then(() => this.guard(() => this.write(batch)));
    }
    return this.chain;
  }

  /** Runs a disk operation; an error is reported and the chain goes on. */
  private async guard(op: () => Promise<void>): Promise<void> {
    try {
      await op();
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
      this.opts.onError?.(err);
    }
  }

  /** Writes a batch: one write per segment it touches, rotating and deleting as it goes. */
  private async write(batch: Pending[]): Promise<void> {
    const planned = this.opts.snapshot !== undefined;
    let i = 0;
    while (i < batch.length) {
      const first = batch[i] as Pending;
      if (first.starts) {
        await this.newSegment(first.line, first.bytes);
        i++;
        continue;
      }
      const seg = planned ? await this.currentSegment() : await this.segmentWithRoom(first.bytes);
      const lines: string[] = [];
      let bytes = 0;
      while (i < batch.length) {
        const p = batch[i] as Pending;
        if (p.starts) break;
        if (!planned && seg.bytes + bytes + p.bytes > this.segmentBytesMax) break;
        lines.push(p.line);
        bytes += p.bytes;
        if (seg.firstSeq === 0) seg.firstSeq = p.seq;
        seg.lastSeq = p.seq;
        i++;
      }
      await this.makeRoom(bytes);
      await (this.current as FileHandle).write(lines.join(''));
      seg.bytes += bytes;
      this.counts.written += lines.length;
    }
  }

  /** The segment being written, or a first one. */
  private async currentSegment(): Promise<Segment> {
    const cur = this.segments[this.segments.length - 1];
    if (cur !== undefined && this.current !== null) return cur;
    return this.newSegment('', 0);
  }

  /** The current segment if `bytes` more fit in it, else a new one. */
  private async segmentWithRoom(bytes: number): Promise<Segment> {
    const cur = this.segments[this.segments.length - 1];
    if (cur !== undefined && this.current !== null && cur.bytes + bytes <= this.segmentBytesMax) {
      return cur;
    }
    return this.newSegment('', 0);
  }

  /** Closes the current segment and starts the next: the header, then `snapshot` (a line or ''). */
  private async newSegment(snapshot: string, snapshotBytes: number): Promise<Segment> {
    if (this.current !== null) {
      await this.current.close();
      this.current = null;
    }
    await this.makeRoom(this.headerBytes + snapshotBytes);
    const n = this.nextSegment++;
    const file = path.join(this.opts.dir, segmentName(n));
    const handle = await open(file, 'w');
    await handle.write(this.headerLine + snapshot);
    this.current = handle;
    if (snapshot !== '') this.counts.snapshots++;
    const seg: Segment = {
      n,
      file,
      bytes: this.headerBytes + snapshotBytes,
      headerBytes: this.headerBytes,
      snapshotBytes,
      firstSeq: 0,
      lastSeq: 0,
    };
    this.segments.push(seg);
    return seg;
  }

  /** Deletes the oldest segments until `bytes` more keep the total within the bound. */
  private async makeRoom(bytes: number): Promise<void> {
    while (this.segments.length > 1 && this.bytesOnDisk() + bytes > this.opts.maxBytes) {
      const oldest = this.segments.shift() as Segment;
      await rm(oldest.file, { force: true });
    }
  }

  private bytesOnDisk(): number {
    let n = 0;
    for (const s of this.segments) n += s.bytes;
    return n;
  }

  async *export(): AsyncIterable<string> {
    await this.flush();
    // Open every segment before reading any: a segment deleted by rotation while we read
    // stays readable through its open handle, so the result has no hole in the middle.
    const opened: Array<{ seg: Segment; handle: FileHandle; end: number }> = [];
    for (const seg of [...this.segments]) {
      try {
        opened.push({ seg, handle: await open(seg.file, 'r'), end: seg.bytes });
      } catch (err) {
        // Only the oldest segments can vanish between the copy and the open: skip them.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    try {
      yield this.headerLine;
      let first = true;
      for (const { seg, handle, end } of opened) {
        // The first segment's snapshot line starts the trace; the others' would repeat
        // what the events before them already say.
        const start = first ? seg.headerBytes : seg.headerBytes + seg.snapshotBytes;
        first = false;
        if (end <= start) continue;
        const stream = handle.createReadStream({
          start,
          end: end - 1,
          encoding: 'utf8',
          autoClose: false,
        });
        for await (const chunk of stream) yield chunk as string;
      }
    } finally {
      await Promise.all(opened.map((o) => o.handle.close().catch(() => undefined)));
    }
  }

  async readAll(): Promise<string> {
    const parts: string[] = [];
    for await (const chunk of this.export()) parts.push(chunk);
    return parts.join('');
  }

  stats(): TraceRecorderStats {
    return {
      segments: this.segments.length,
      bytesOnDisk: this.bytesOnDisk(),
      bytesBuffered: this.bufferBytes,
      ...this.counts,
      firstSeq: this.segments.find((s) => s.firstSeq > 0)?.firstSeq ?? 0,
      lastSeq: this.segments[this.segments.length - 1]?.lastSeq ?? 0,
      lastError: this.lastError,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return this.chain;
    this.closed = true;
    await this.flush();
    this.chain = this.chain.then(() =>
      this.guard(async () => {
        await this.current?.close();
        this.current = null;
      }),
    );
    return this.chain;
  }
}
