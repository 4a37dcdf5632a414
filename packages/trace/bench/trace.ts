/**
 * bench:trace: how fast a big trace opens and scrubs.
 *
 * Records a trace of a million events (by default from a simulated cluster of the real
 * runtime, `createCluster`; with `--source generator`, or when the runtime cannot start, from
 * the deterministic generator in `generate.ts`), then measures, on that trace as NDJSON text:
 *
 * - opening it through the streaming reader (`createTraceReader`, fed 1 MiB text chunks as a
 *   browser worker feeds a file's stream): parse and index in one pass, with throughput;
 * - the previous approach in the same run (`parseTrace` to an array of events, then
 *   `TraceReplay.fromTrace` keeping interned event objects), and the ratio of the two;
 * - what building checkpoints costs within the index;
 * - `stateAt` at 1,000 random sequence numbers, stepping forward and back one event at a
 *   time, the `ClusterSnapshot` view, navigation;
 * - the memory each replay holds (JS heap plus typed arrays, after a full collection).
 *
 * Then, in the browser (`browser` in the output; apps/web/scripts/traceInBrowser.ts): the same
 * trace, as a file, chosen in the dashboard's file input in headless Chromium, opened by the
 * page's replay worker, and scrubbed with the page's slider (moves, and a drag) and keys; the
 * time until the last event is shown, the page's and the worker's heap, the latency of each
 * move, and the main thread's long tasks. The phase runs when Chromium is there (/usr/bin/chromium, or
 * CHROMIUM_PATH); `--no-browser` skips it, `--browser` makes a missing Chromium an error.
 *
 * Prints one JSON object, with the machine it ran on. Times are wall clock (`ms`) and CPU
 * time of this process (`cpuMs`): on a busy machine the first includes waiting for a core.
 *
 *   pnpm bench:trace [--events 1000000] [--source cluster|generator] [--seed 7] [--k 1000]
 *                    [--save trace.ndjson] [--file trace.ndjson]
 *                    [--browser | --no-browser] [--scrubs 50] [--dist apps/web/dist]
 *
 * `--save` writes the recorded trace to a file; `--file` measures a trace file instead of
 * recording one (any trace `parseTrace` reads, etcd raft's included). The browser phase builds
 * the dashboard into a temporary directory; `--dist` serves a build already made instead.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { measureTraceInBrowser } from '../../../apps/web/scripts/traceInBrowser.ts';
import {
  createTraceReader,
  parseTrace,
  serializeTrace,
  type Trace,
  TraceReplay,
} from '../src/index.ts';
import { recordClusterRun } from './cluster-run.ts';
import { generateTrace } from './generate.ts';
import { heldMb, type Latency, seededInts, timeEach } from './measure.ts';

interface Args {
  events: number;
  source: 'cluster' | 'generator';
  seed: number;
  k: number;
  file?: string;
  save?: string;
  /** Run the browser phase: always, never, or when Chromium is there. */
  browser: 'yes' | 'no' | 'auto';
  scrubs: number;
  dist?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    events: 1_000_000,
    source: 'cluster',
    seed: 7,
    k: 1000,
    browser: 'auto',
    scrubs: 50,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1] ?? ''];
    if (flag === '--browser' || flag === '--no-browser') {
      args.browser = flag === '--browser' ? 'yes' : 'no';
      i--;
    } else if (flag === '--events') args.events = Number(value);
    else if (flag === '--seed') args.seed = Number(value);
    else if (flag === '--k') args.k = Number(value);
    else if (flag === '--file') args.file = value;
    else if (flag === '--save') args.save = value;
    else if (flag === '--scrubs') args.scrubs = Number(value);
    else if (flag === '--dist') args.dist = value;
    else if (flag === '--source' && (value === 'cluster' || value === 'generator')) {
      args.source = value;
    } else throw new Error(`unknown argument ${flag} ${value}`);
  }
  return args;
}

interface Source {
  kind: 'createCluster' | 'generator' | 'file';
  text: string;
  detail: Record<string, unknown>;
  /** Roles, terms and commits the source itself reports at the end, by node. */
  final: Array<{ id: number; role: string; term: number; commit: number }>;
}

async function record(args: Args): Promise<Source> {
  if (args.file !== undefined) {
    return {
      kind: 'file',
      text: readFileSync(args.file, 'utf8'),
      detail: { file: args.file },
      final: [],
    };
  }
  if (args.source === 'cluster') {
    try {
      const t0 = performance.now();
      const run = await recordClusterRun({ events: args.events, seed: args.seed });
      return {
        kind: 'createCluster',
        text: run.text,
        detail: {
          description: 'simulated 5-node cluster of the real runtime, writes and faults',
          seed: args.seed,
          virtualSeconds: run.virtualMs / 1000,
          faults: run.faults.length,
          recordMs: Math.round(performance.now() - t0),
        },
        final: run.final.nodes.map((n) => {
          const g = n.groups[0];
          return { id: n.id, role: g?.role ?? '', term: g?.term ?? -1, commit: g?.commit ?? -1 };
        }),
      };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return { ...generated(args), detail: { ...generated(args).detail, fallbackReason: reason } };
    }
  }
  return generated(args);
}

function generated(args: Args): Source {
  const t0 = performance.now();
  const g = generateTrace({ events: args.events, seed: args.seed });
  return {
    kind: 'generator',
    text: serializeTrace(g.header, g.events),
    detail: {
      description: 'deterministic generator of realistic events (bench/generate.ts)',
      seed: args.seed,
      recordMs: Math.round(performance.now() - t0),
    },
    final: g.final.map((n) => ({ id: n.id, role: n.role, term: n.term, commit: n.commit })),
  };
}

function parse(text: string): Trace {
  const parsed = parseTrace(text);
  if (!parsed.ok) throw new Error(`${parsed.error.code}: ${parsed.error.message}`);
  return parsed.trace;
}

const CHUNK = 1 << 20;

/** Opens the text as a browser worker does: chunks into the streaming reader. */
function openStreaming(text: string, k: number): TraceReplay {
  const reader = createTraceReader({ checkpointEvery: k });
  for (let off = 0; off < text.length; off += CHUNK) {
    if (!reader.push(text.slice(off, off + CHUNK))) break;
  }
  const opened = reader.finish();
  if (!opened.ok) throw new Error(`${opened.error.code}: ${opened.error.message}`);
  return opened.replay;
}

/** Wall and CPU milliseconds of `fn`; `keep` receives its result. */
function timed<T>(fn: () => T, keep: (v: T) => void): { ms: number; cpuMs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  keep(fn());
  const ms = Math.round(performance.now() - t0);
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: Math.round((c.user + c.system) / 1000) };
}

function range(from: number, to: number): number[] {
  const step = from <= to ? 1 : -1;
  return Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => from + i * step);
}

/** Latencies of the replay API, and whether its last moment agrees with the source. */
function measureReplay(r: TraceReplay, source: Source, seed: number) {
  const last = r.lastSeq;
  const end = r.stateAt(last);
  const finalMatches = source.final.every((want) => {
    const g = end.nodes.find((n) => n.id === want.id)?.groups[0];
    return g?.role === want.role && g.term === want.term && g.commit === want.commit;
  });
  const seqs = seededInts(seed, 1000, r.firstSeq, last);
  const mid = Math.floor((r.firstSeq + last) / 2);
  const latency: Record<string, Latency> = {
    stateAtRandom: timeEach(seqs, (s) => r.stateAt(s)),
    stepForward: timeEach(range(mid, mid + 1000), (s) => r.stateAt(s)),
    stepBack: timeEach(range(mid + 1000, mid), (s) => r.stateAt(s)),
    snapshotAtRandom: timeEach(seqs.slice(0, 200), (s) => r.snapshotAt(s)),
    nextElection: timeEach(seqs, (s) => r.next(s, 'election')),
    prevFaultOfNode1: timeEach(seqs, (s) => r.prev(s, 'fault', { node: 1 })),
  };
  return { latency, finalMatches, stats: r.stats() };
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The browser phase on the same trace, as a file (the one given or saved, else a temporary). */
async function inBrowser(args: Args, source: Source, events: number, lastSeq: number) {
  if (args.browser === 'no') return { skipped: '--no-browser' };
  if (!existsSync(CHROMIUM)) {
    if (args.browser === 'yes') throw new Error(`--browser: no Chromium at ${CHROMIUM}`);
    return { skipped: `no Chromium at ${CHROMIUM} (node scripts/ensure-chromium.mjs installs it)` };
  }
  let file = args.file ?? args.save;
  const dir = file === undefined ? mkdtempSync(join(os.tmpdir(), 'raftlens-bench-trace-')) : null;
  if (dir !== null) {
    file = join(dir, 'trace.ndjson');
    writeFileSync(file, source.text);
  }
  const loadAverage1m = Math.round((os.loadavg()[0] ?? 0) * 10) / 10;
  try {
    const figures = await measureTraceInBrowser({
      file: file as string,
      events,
      lastSeq,
      positions: seededInts(args.seed + 1, args.scrubs, 0, events - 1),
      steps: 10,
      dist: args.dist,
      final: source.final,
      log: (line) => process.stderr.write(`bench:trace: ${line}\n`),
    });
    return { loadAverage1m, ...figures };
  } finally {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const cpus = os.cpus();
  const machine = {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    memoryMb: Math.round(os.totalmem() / 1048576),
    // Other work on the machine slows every figure here; say how much there was.
    loadAverage1m: Math.round((os.loadavg()[0] ?? 0) * 10) / 10,
  };
  const source = await record(args);
  const text = source.text;
  if (args.save !== undefined) writeFileSync(args.save, text);
  const textMb = Buffer.byteLength(text) / 1048576;
  const baseMb = heldMb();

  // Warm up both paths on the first 20 MB, so that the figures are the work, not the compiler.
  const warm = text.slice(0, text.indexOf('\n', Math.min(text.length - 1, 20e6)) + 1);
  openStreaming(warm, args.k);
  TraceReplay.fromTrace(parse(warm), { layout: 'objects', adoptEvents: true });

  // The streaming path: parse and index in one pass.
  let replay: TraceReplay | undefined;
  const open = timed(
    () => openStreaming(text, args.k),
    (r) => {
      replay = r;
    },
  );
  const replayMb = heldMb() - baseMb;
  const { latency, finalMatches, stats } = measureReplay(replay as TraceReplay, source, args.seed);
  const lastSeq = (replay as TraceReplay).lastSeq;
  replay = undefined;

  // The previous approach: an array of parsed events, then the index over interned objects.
  let trace: Trace | undefined;
  const oldParse = timed(
    () => parse(text),
    (t) => {
      trace = t;
    },
  );
  let old: TraceReplay | undefined;
  const oldIndex = timed(
    () =>
      TraceReplay.fromTrace(trace as Trace, {
        checkpointEvery: args.k,
        layout: 'objects',
        adoptEvents: true,
      }),
    (r) => {
      old = r;
    },
  );
  const oldMb = heldMb() - baseMb;
  old = undefined;

  // What checkpoints cost in the index: the same events indexed with and without them.
  const { events, header } = trace as unknown as Trace;
  trace = undefined;
  let kept: TraceReplay | undefined;
  const keep = (r: TraceReplay) => {
    kept = r;
  };
  const withCheckpoints = timed(
    () => new TraceReplay(header, events, { checkpointEvery: args.k }),
    keep,
  );
  const withCheckpointsMb = heldMb() - baseMb;
  kept = undefined;
  const bare = timed(
    () => new TraceReplay(header, events, { checkpointEvery: Number.MAX_SAFE_INTEGER }),
    keep,
  );
  const bareMb = heldMb() - baseMb;
  if (old !== undefined || kept === undefined) throw new Error('unreachable');

  const mem = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 1048576);
  const perSec = (ms: number) => Math.round(stats.events / (ms / 1000));
  const previousMs = oldParse.ms + oldIndex.ms;
  const previousCpuMs = oldParse.cpuMs + oldIndex.cpuMs;
  const ratio = (a: number, b: number) => Math.round((a / Math.max(1, b)) * 100) / 100;
  const out = {
    machine,
    source: {
      kind: source.kind,
      events: stats.events,
      textMb: Math.round(textMb),
      ...source.detail,
    },
    open: {
      path: 'createTraceReader, 1 MiB text chunks: parse + index in one pass',
      ms: open.ms,
      cpuMs: open.cpuMs,
      eventsPerSec: perSec(open.ms),
      mbPerSec: Math.round(textMb / (open.ms / 1000)),
    },
    previous: {
      path: 'parseTrace to an array, then TraceReplay.fromTrace over interned objects',
      parseMs: oldParse.ms,
      indexBuildMs: oldIndex.ms,
      ms: previousMs,
      cpuMs: previousCpuMs,
      eventsPerSec: perSec(previousMs),
    },
    speedup: ratio(previousMs, open.ms),
    speedupCpu: ratio(previousCpuMs, open.cpuMs),
    checkpointEvery: stats.checkpointEvery,
    checkpoints: stats.checkpoints,
    checkpointBuildMs: Math.max(0, withCheckpoints.ms - bare.ms),
    indexFromParsedEventsMs: withCheckpoints.ms,
    latency,
    memoryMb: {
      replay: replayMb,
      previousReplay: oldMb,
      previousOverNow: ratio(oldMb, replayMb),
      checkpoints: withCheckpointsMb - bareMb,
      bytesPerEvent: Math.round((replayMb * 1048576) / stats.events),
      typedColumns: Math.round(stats.columnBytes / 1048576),
      note: 'JS heap + typed arrays after full GC, minus what was held before opening; MiB',
    },
    processMemoryMb: {
      rss: mb(mem.rss),
      heapUsed: mb(mem.heapUsed),
      heapTotal: mb(mem.heapTotal),
      arrayBuffers: mb(mem.arrayBuffers),
    },
    finalStateMatchesSource: finalMatches,
    browser: await inBrowser(args, source, stats.events, lastSeq),
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

await main();
