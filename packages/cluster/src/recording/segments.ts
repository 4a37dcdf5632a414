/**
 * The files of a recording: numbered segments `trace-000001.ndjson`, `trace-000002.ndjson`, ...
 * in one folder. Each segment starts with the trace header (and, after the first, a snapshot
 * line when the recorder takes snapshots), so any single segment is itself a valid trace that
 * `parseTrace` opens and the replay starts at the right state.
 */

import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';

const SEGMENT_NAME = /^trace-(\d{6,})\.ndjson$/;

export function segmentName(n: number): string {
  return `trace-${String(n).padStart(6, '0')}.ndjson`;
}

/** A segment the recorder has written. Sizes are what was handed to the file, in bytes. */
export interface Segment {
  n: number;
  file: string;
  /** Bytes written, header line included. */
  bytes: number;
  /** Bytes of the header line at its start. */
  headerBytes: number;
  /** Bytes of the snapshot line after the header; 0 when none. */
  snapshotBytes: number;
  firstSeq: number;
  lastSeq: number;
}

/**
 * Removes the segments a previous recording left in `dir`: they belong to another run, with
 * another header, and would count against nobody's bound. Other files are left alone.
 */
export async function removeStaleSegments(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  const stale = names.filter((n) => SEGMENT_NAME.test(n));
  await Promise.all(stale.map((n) => rm(path.join(dir, n), { force: true })));
  return stale.length;
}
