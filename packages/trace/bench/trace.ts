/**
 * bench:trace: how fast a big trace opens and scrubs.
 *
 * Records a trace of a million events (by default from a simulated cluster of the real
 * runtime, `createCluster`; with `--source generator`, or when the runtime cannot start, from
 * the deterministic generator in `generate.ts`), then measures, on that trace as NDJSON text:
 * parsing, building the replay index, `stateAt` at 1,000 random sequence numbers, stepping
 * forward and back one event at a time, the `ClusterSnapshot` view, navigation, and the heap
 * the replay holds (with and without interning, and without checkpoints, to price each).
 * Prints one JSON object, with the machine it ran on.
 *
 *   pnpm bench:trace [--events 1000000] [--source cluster|generator] [--seed 7] [--k 1000]
 *                    [--save trace.ndjson] [--file trace.ndjson]
 *
 * `--save` writes the recorded trace to a file; `--file` measures a trace file instead of
 * recording one (any trace `parseTrace` reads, etcd raft's included).
 */

import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseTrace, serializeTrace, type Trace, TraceReplay } from '../src/index.ts';
import { recordClusterRun } from './cluster-run.ts';
import { generateTrace } from './generate.ts';
import { heapUsedMb, type Latency, seededInts, timeEach } from './measure.ts';

interface Args {
  events: number;
  source: 'cluster' | 'generator';
  seed: number;
  k: number;
  file?: string;
  save?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { events: 1_000_000, source: 'cluster', seed: 7, k: 1000 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1] ?? ''];
    if (flag === '--events') args.events = Number(value);
    else if (flag === '--seed') args.seed = Number(value);
    else if (flag === '--k') args.k = Number(value);
    else if (flag === '--file') args.file = value;
    else if (flag === '--save') args.save = value;
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

/** Heap held by the replay `make` returns, over `baseMb`, measured while it is reachable. */
function heapHeldBy(make: () => TraceReplay, baseMb: number): number {
  const held = make();
  const mb = heapUsedMb() - baseMb;
  // Reading the replay after the measurement keeps it reachable through it.
  if (held.length < 0) throw new Error('negative length');
  return mb;
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

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const cpus = os.cpus();
  const machine = {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    memoryMb: Math.round(os.totalmem() / 1048576),
  };
  const source = await record(args);
  const text = source.text;
  if (args.save !== undefined) writeFileSync(args.save, text);
  const baseMb = heapUsedMb();

  // Warm up the parser once, so that the figure is the parse, not the compiler.
  parse(text);
  let t0 = performance.now();
  let trace: Trace | undefined = parse(text);
  const parseMs = Math.round(performance.now() - t0);
  const parsedMb = heapUsedMb() - baseMb;
  t0 = performance.now();
  // As `openTrace` does: the parsed events become the replay's.
  let replay: TraceReplay | undefined = TraceReplay.fromTrace(trace, {
    checkpointEvery: args.k,
    adoptEvents: true,
  });
  const indexBuildMs = Math.round(performance.now() - t0);
  trace = undefined;
  const replayMb = heapUsedMb() - baseMb;

  const { latency, finalMatches, stats } = measureReplay(replay, source, args.seed);
  replay = undefined;

  // The same trace kept as parsed (no interning), and without checkpoints, to price each.
  const plainMb = heapHeldBy(
    () => TraceReplay.fromTrace(parse(text), { checkpointEvery: args.k, intern: false }),
    baseMb,
  );
  const bareMb = heapHeldBy(
    () =>
      TraceReplay.fromTrace(parse(text), {
        checkpointEvery: Number.MAX_SAFE_INTEGER,
        adoptEvents: true,
      }),
    baseMb,
  );

  const mem = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 1048576);
  const out = {
    machine,
    source: { kind: source.kind, events: stats.events, textMb: mb(text.length), ...source.detail },
    parseMs,
    parseEventsPerSec: Math.round(stats.events / (parseMs / 1000)),
    indexBuildMs,
    checkpointEvery: stats.checkpointEvery,
    checkpoints: stats.checkpoints,
    latency,
    heapMb: {
      parsedEvents: parsedMb,
      replayInterned: replayMb,
      replayNotInterned: plainMb,
      replayWithoutCheckpoints: bareMb,
      checkpoints: replayMb - bareMb,
      bytesPerEvent: Math.round((replayMb * 1048576) / stats.events),
      note: 'heap after full GC, minus the heap holding the trace text; MiB',
    },
    processMemoryMb: {
      rss: mb(mem.rss),
      heapUsed: mb(mem.heapUsed),
      heapTotal: mb(mem.heapTotal),
      external: mb(mem.external),
    },
    finalStateMatchesSource: finalMatches,
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

await main();
