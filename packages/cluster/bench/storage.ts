/**
 * Append+sync throughput and latency of node storage, printed as JSON.
 *
 * One operation is what a runtime does per Ready: append a batch of 64-byte entries, set the
 * hard state, and sync. Stores measured:
 *
 * - `sqlite-wal-full`: the durable store as shipped (WAL, synchronous=FULL: fsync per sync);
 * - `sqlite-wal-normal`: the same without the fsync, which survives a killed process but not a
 *   power loss (a reference for what the fsync costs, not an option for Raft);
 * - `append-file-fdatasync`: a plain append-only file of framed records with one write and
 *   one fdatasync per operation;
 * - `prealloc-file-fdatasync`: the same over a preallocated file (etcd's WAL does this), the
 *   floor any log-structured store could reach here. Neither file store has an index,
 *   compaction or recovery code, so they are bounds rather than rivals.
 *
 * Usage: npx tsx packages/cluster/bench/storage.ts [--dir <dir>] [--seconds <s per store and
 * batch size>]
 */

import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entry, LogIndex, NodeId, Term } from '@raftlens/raft';
import { createDurableStorage } from '../src/storage/durable.ts';

const ENTRY_BYTES = 64;
const BATCHES = [1, 16, 64] as const;
const WARMUP_OPS = 20;
const PREALLOCATED_MB = 64;
/** Turns each store takes per batch size; see `runBatch`. */
const ROUNDS = 10;

interface Result {
  store: string;
  batch: number;
  ops: number;
  opsPerSec: number;
  entriesPerSec: number;
  payloadMBPerSec: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
}

/** One store under test: `op` appends `batch` entries after `last` and syncs. */
interface Bench {
  op(first: number, batch: number): void;
  close(): void;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const payload = new Uint8Array(ENTRY_BYTES).fill(0x61);

function entries(first: number, n: number): Entry[] {
  return Array.from({ length: n }, (_, k) => ({
    index: (first + k) as LogIndex,
    term: 1 as Term,
    type: 'EntryNormal' as const,
    data: payload,
  }));
}

function sqliteBench(dir: string, synchronous: 'FULL' | 'NORMAL'): Bench {
  const s = createDurableStorage(dir, { synchronous });
  return {
    op(first, batch) {
      s.append(entries(first, batch));
      s.setHardState({
        term: 1 as Term,
        vote: 1 as NodeId,
        commit: (first + batch - 1) as LogIndex,
      });
      s.sync();
    },
    close: () => s.close(),
  };
}

/**
 * Records of [index u64][term u64][length u32][data], then the hard state as one record.
 * `preallocate` first fills the file with zeros and then overwrites it in place, as etcd's WAL
 * preallocates its segments, so that fdatasync need not also flush a new file size.
 */
function appendFileBench(dir: string, preallocate: boolean): Bench {
  const path = join(dir, 'log.bin');
  let position = 0;
  if (preallocate) {
    const zeros = Buffer.alloc(1 << 20);
    const init = openSync(path, 'w');
    for (let i = 0; i < PREALLOCATED_MB; i++) writeSync(init, zeros);
    fdatasyncSync(init);
    closeSync(init);
  }
  const fd = openSync(path, preallocate ? 'r+' : 'a');
  return {
    op(first, batch) {
      const recordBytes = 20 + ENTRY_BYTES;
      const buf = Buffer.alloc(recordBytes * batch + 24);
      for (let k = 0; k < batch; k++) {
        const at = k * recordBytes;
        buf.writeBigUInt64LE(BigInt(first + k), at);
        buf.writeBigUInt64LE(1n, at + 8);
        buf.writeUInt32LE(ENTRY_BYTES, at + 16);
        buf.set(payload, at + 20);
      }
      const hs = recordBytes * batch;
      buf.writeBigUInt64LE(1n, hs);
      buf.writeBigUInt64LE(1n, hs + 8);
      buf.writeBigUInt64LE(BigInt(first + batch - 1), hs + 16);
      if (preallocate) {
        if (position + buf.length > PREALLOCATED_MB << 20) position = 0; // wrap: a bench only
        writeSync(fd, buf, 0, buf.length, position);
        position += buf.length;
      } else {
        writeSync(fd, buf);
      }
      fdatasyncSync(fd);
    },
    close: () => closeSync(fd),
  };
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length));
  return sorted[i] ?? 0;
}

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/** A store being measured: its latencies and time so far. */
interface Runner {
  store: string;
  bench: Bench;
  dir: string;
  next: number;
  latencies: number[];
  elapsedNs: bigint;
}

/** Runs `r` for `seconds`, adding to its latencies and elapsed time. */
function slice(r: Runner, batch: number, seconds: number): void {
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < deadline) {
    r.bench.op(r.next, batch);
    r.next += batch;
    const after = process.hrtime.bigint();
    r.latencies.push(Number(after - now) / 1e6);
    now = after;
  }
  r.elapsedNs += now - start;
}

function summarise(r: Runner, batch: number): Result {
  const elapsedSec = Number(r.elapsedNs) / 1e9;
  const ops = r.latencies.length;
  const sorted = [...r.latencies].sort((a, b) => a - b);
  return {
    store: r.store,
    batch,
    ops,
    opsPerSec: round(ops / elapsedSec, 1),
    entriesPerSec: round((ops * batch) / elapsedSec, 1),
    payloadMBPerSec: round((ops * batch * ENTRY_BYTES) / elapsedSec / 1e6),
    latencyMs: {
      mean: round(sorted.reduce((a, b) => a + b, 0) / ops),
      p50: round(percentile(sorted, 50)),
      p90: round(percentile(sorted, 90)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted[sorted.length - 1] ?? 0),
    },
  };
}

/**
 * Measures every store at one batch size. The stores take turns in short slices, so that
 * whatever else loads the machine and its disk meanwhile weighs on all of them alike.
 */
function runBatch(
  stores: [string, (dir: string) => Bench][],
  batch: number,
  root: string,
  seconds: number,
): Result[] {
  const runners: Runner[] = stores.map(([store, make]) => {
    const dir = mkdtempSync(join(root, `${store}-${batch}-`));
    return { store, bench: make(dir), dir, next: 1, latencies: [], elapsedNs: 0n };
  });
  try {
    for (const r of runners) {
      for (let i = 0; i < WARMUP_OPS; i++) {
        r.bench.op(r.next, batch);
        r.next += batch;
      }
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const r of runners) slice(r, batch, seconds / ROUNDS);
    }
    return runners.map((r) => summarise(r, batch));
  } finally {
    for (const r of runners) {
      r.bench.close();
      rmSync(r.dir, { recursive: true, force: true });
    }
  }
}

function main(): void {
  const root = arg('dir') ?? tmpdir();
  const seconds = Number(arg('seconds') ?? '2');
  const stores: [string, (dir: string) => Bench][] = [
    ['sqlite-wal-full', (dir) => sqliteBench(dir, 'FULL')],
    ['sqlite-wal-normal', (dir) => sqliteBench(dir, 'NORMAL')],
    ['append-file-fdatasync', (dir) => appendFileBench(dir, false)],
    ['prealloc-file-fdatasync', (dir) => appendFileBench(dir, true)],
  ];
  const results: Result[] = [];
  const loadBefore = loadavg();
  for (const batch of BATCHES) results.push(...runBatch(stores, batch, root, seconds));
  const report = {
    bench: 'storage append+sync',
    entryBytes: ENTRY_BYTES,
    secondsPerCase: seconds,
    dir: root,
    node: process.version,
    cpus: cpus().length,
    loadAverage1m: { before: round(loadBefore[0] ?? 0, 2), after: round(loadavg()[0] ?? 0, 2) },
    results,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main();
