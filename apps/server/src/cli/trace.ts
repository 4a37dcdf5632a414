/**
 * `raftlens trace inspect FILE`: a JSON summary of any trace the project reads (its own format
 * or etcd raft's TLA+ trace log): the nodes, the number of events, the leader of each term, the
 * highest commit of each node, and what the format could not tell.
 *
 * `raftlens trace shiviz FILE`: the same trace in ShiViz's log format, on standard output.
 */

import { readFile } from 'node:fs/promises';
import { parseTrace, summarizeTrace, toShiViz } from '@raftlens/trace';
import { UsageError } from './args.ts';

export const TRACE_USAGE = `Usage: raftlens trace <inspect|shiviz> FILE

  inspect FILE   print a JSON summary of the trace: nodes, events, leaders by term,
                 highest commit per node, and what the format does not record
  shiviz FILE    print the trace in ShiViz's log format (open it at ShiViz's site)

FILE is a Raftlens trace (.ndjson) or a trace written by etcd raft's TLA+ trace logger.
`;

export interface TraceArgs {
  action: 'inspect' | 'shiviz';
  file: string;
}

/** Parses `trace` arguments; null means help was asked for. */
export function parseTraceArgs(argv: string[]): TraceArgs | null {
  if (argv.includes('--help') || argv.includes('-h')) return null;
  const [action, file, ...rest] = argv;
  if (action !== 'inspect' && action !== 'shiviz') {
    throw new UsageError(`unknown trace action '${action ?? ''}'; expected inspect or shiviz`);
  }
  if (file === undefined) throw new UsageError(`trace ${action} needs a FILE`);
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
  return { action, file };
}

/** The outcome of a trace command: what to print, and the exit code. */
export interface TraceOutcome {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export async function runTrace(args: TraceArgs): Promise<TraceOutcome> {
  let text: string;
  try {
    text = await readFile(args.file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    return { stdout: '', stderr: `cannot read ${args.file}: ${reason}\n`, exitCode: 1 };
  }
  const parsed = parseTrace(text);
  if (!parsed.ok) {
    const { code, message } = parsed.error;
    return { stdout: '', stderr: `${args.file}: ${message} [${code}]\n`, exitCode: 1 };
  }
  if (args.action === 'shiviz') {
    return { stdout: toShiViz(parsed.trace.events), stderr: '', exitCode: 0 };
  }
  const summary = { file: args.file, ...summarizeTrace(parsed.trace) };
  return { stdout: `${JSON.stringify(summary, null, 2)}\n`, stderr: '', exitCode: 0 };
}
