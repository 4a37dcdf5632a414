import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { newTraceHeader, parseTrace, type TraceEvent } from '@raftlens/trace';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTraceRecorder,
  type DiskTraceRecorder,
  type TraceRecorderOptions,
} from '../../src/recording/index.ts';

const header = newTraceHeader({ cluster: 'rec', mode: 'simulated', seed: 3, createdAtMs: 1000 });

function event(seq: number, pad = 0): TraceEvent {
  return {
    kind: 'proposal',
    name: 'Proposed',
    seq,
    wallMs: 1000 + seq,
    node: 1 + (seq % 3),
    group: 1,
    tick: seq,
    proposalId: `1.${seq}`,
    op: 'put',
    key: `k${seq}${'x'.repeat(pad)}`,
  };
}

const open: DiskTraceRecorder[] = [];

function recorder(opts: Partial<TraceRecorderOptions> = {}) {
  const dir = opts.dir ?? mkdtempSync(path.join(tmpdir(), 'raftlens-rec-'));
  const rec = createTraceRecorder({ dir, maxBytes: 1 << 20, header, ...opts });
  open.push(rec);
  return { rec, dir };
}

function segmentFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^trace-\d+\.ndjson$/.test(f))
    .sort();
}

function bytesOnDisk(dir: string): number {
  return segmentFiles(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
}

function seqsOf(text: string): number[] {
  const parsed = parseTrace(text);
  if (!parsed.ok) throw new Error(`${parsed.error.code}: ${parsed.error.message}`);
  expect(parsed.trace.header).toEqual(header);
  return parsed.trace.events.map((e) => e.seq);
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

describe('the trace recorder', () => {
  it('writes every event and reads back the same trace', async () => {
    const { rec } = recorder();
    const events = range(1, 500).map((s) => event(s));

    for (const e of events) rec.record(e);
    const text = await rec.readAll();

    const parsed = parseTrace(text);
    expect(parsed.ok && parsed.trace.events).toEqual(events);
    expect(rec.stats()).toMatchObject({ recorded: 500, written: 500, firstSeq: 1, lastSeq: 500 });
  });

  it('batches writes: nothing reaches the file until a flush or the interval', async () => {
    const { rec, dir } = recorder({ flushIntervalMs: 50 });

    for (const s of range(1, 100)) rec.record(event(s));

    expect(rec.stats()).toMatchObject({ written: 0 });
    expect(rec.stats().bytesBuffered).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 150));
    expect(rec.stats()).toMatchObject({ written: 100, bytesBuffered: 0 });
    expect(segmentFiles(dir)).toHaveLength(1);
  });

  it('stays within maxBytes on disk while rotating, keeping the newest events', async () => {
    const maxBytes = 64 * 1024;
    const { rec, dir } = recorder({ maxBytes, segments: 4, flushBytes: 4096 });
    let peak = 0;

    for (const s of range(1, 5000)) {
      rec.record(event(s, 20));
      if (s % 97 === 0) {
        await rec.flush();
        peak = Math.max(peak, bytesOnDisk(dir));
      }
    }
    await rec.flush();

    expect(peak).toBeLessThanOrEqual(maxBytes);
    expect(bytesOnDisk(dir)).toBeLessThanOrEqual(maxBytes);
    expect(bytesOnDisk(dir)).toBe(rec.stats().bytesOnDisk);
    // At least half the bound is still events once it has been reached.
    expect(bytesOnDisk(dir)).toBeGreaterThan(maxBytes / 2);
    const seqs = seqsOf(await rec.readAll());
    expect(seqs.at(-1)).toBe(5000);
    expect(seqs).toEqual(range(seqs[0] ?? 0, 5000));
    expect(seqs[0]).toBe(rec.stats().firstSeq);
  });

  it('leaves segments that are each a valid trace, in order, after rotation', async () => {
    const { rec, dir } = recorder({ maxBytes: 32 * 1024, segments: 4 });

    for (const s of range(1, 3000)) rec.record(event(s));
    await rec.flush();

    const files = segmentFiles(dir);
    expect(files.length).toBeGreaterThan(1);
    let last = 0;
    for (const f of files) {
      const seqs = seqsOf(readFileSync(path.join(dir, f), 'utf8'));
      expect(seqs[0]).toBe(last === 0 ? seqs[0] : last + 1);
      last = seqs.at(-1) ?? last;
    }
    expect(last).toBe(3000);
  });

  it('exports a complete trace even while rotation deletes what it is reading', async () => {
    const { rec } = recorder({ maxBytes: 32 * 1024, segments: 4 });
    for (const s of range(1, 1000)) rec.record(event(s));
    const chunks: string[] = [];

    let next = 1001;
    for await (const chunk of rec.export()) {
      chunks.push(chunk);
      // Push the recording through several rotations between two chunks of the export.
      for (const s of range(next, next + 400)) rec.record(event(s));
      next += 401;
      await rec.flush();
    }

    const seqs = seqsOf(chunks.join(''));
    expect(seqs.at(-1)).toBe(1000);
    expect(seqs).toEqual(range(seqs[0] ?? 0, 1000));
  });

  it('removes a previous recording from the folder and leaves other files alone', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'raftlens-rec-'));
    writeFileSync(path.join(dir, 'trace-000007.ndjson'), '{"old":true}\n');
    writeFileSync(path.join(dir, 'notes.txt'), 'keep me');
    const { rec } = recorder({ dir });

    rec.record(event(1));
    await rec.flush();

    expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'trace-000001.ndjson']);
    expect(seqsOf(await rec.readAll())).toEqual([1]);
  });

  it('drops what would make the file invalid or overflow a segment, and counts it', async () => {
    const { rec } = recorder({ maxBytes: 16 * 1024, segments: 2 });

    rec.record(event(1));
    rec.record(event(1));
    rec.record(event(2, 20_000));
    rec.record(event(3));

    expect(seqsOf(await rec.readAll())).toEqual([1, 3]);
    expect(rec.stats()).toMatchObject({ droppedOutOfOrder: 1, droppedOversize: 1, written: 2 });
  });

  it('sheds the oldest buffered events when the disk falls behind the buffer bound', async () => {
    const { rec } = recorder({ bufferBytesMax: 4096, flushBytes: 1 << 30 });

    for (const s of range(1, 200)) rec.record(event(s));

    const seqs = seqsOf(await rec.readAll());
    expect(rec.stats().droppedBuffer).toBe(200 - seqs.length);
    expect(seqs.length).toBeGreaterThan(10);
    expect(seqs).toEqual(range(201 - seqs.length, 200));
  });

  it('refuses a bound too small for its segments', () => {
    expect(() => createTraceRecorder({ dir: tmpdir(), maxBytes: 4096, header })).toThrow(
      RangeError,
    );
  });

  it('ignores events after close and keeps the files', async () => {
    const { rec, dir } = recorder();
    rec.record(event(1));

    await rec.close();
    rec.record(event(2));

    expect(seqsOf(readFileSync(path.join(dir, 'trace-000001.ndjson'), 'utf8'))).toEqual([1]);
  });
});
