/**
 * The command line: `start` runs a cluster and the dashboard in one process; `node` runs one
 * node as its own process. Run with tsx: `tsx apps/server/src/cli.ts start`.
 */

import { UsageError } from './cli/args.ts';
import { NODE_USAGE, parseNodeArgs, runNode } from './cli/node.ts';
import { parseStartArgs, runStart, START_USAGE, StartError } from './cli/start.ts';
import { parseTraceArgs, runTrace, TRACE_USAGE } from './cli/trace.ts';

const USAGE = `Usage: raftlens <command> [options]

Commands:
  start    run a cluster in this process and serve the dashboard
  node     run one node of a cluster as its own process
  trace    inspect a trace file, or convert it for ShiViz

Run 'raftlens <command> --help' for a command's options.
`;

/** How long a clean shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function fail(message: string, usage: string): never {
  process.stderr.write(`raftlens: ${message}\n\n${usage}`);
  process.exit(2);
}

/** Stops cleanly on the first SIGINT or SIGTERM; a second one exits at once. */
function onSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`raftlens: ${signal} again; exiting without waiting\n`);
      process.exit(1);
    }
    stopping = true;
    process.stderr.write(`raftlens: ${signal}; shutting down\n`);
    const timer = setTimeout(() => {
      process.stderr.write('raftlens: shutdown took too long; exiting\n');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`raftlens: shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

async function start(argv: string[]): Promise<void> {
  let args: ReturnType<typeof parseStartArgs>;
  try {
    args = parseStartArgs(argv);
  } catch (err) {
    fail((err as Error).message, START_USAGE);
  }
  if (args === null) {
    process.stdout.write(START_USAGE);
    return;
  }
  try {
    const { app } = await runStart(args, print);
    onSignals(() => app.close());
  } catch (err) {
    if (!(err instanceof StartError)) throw err;
    process.stderr.write(`raftlens: ${err.message}\n`);
    process.exit(1);
  }
}

async function node(argv: string[]): Promise<void> {
  let args: ReturnType<typeof parseNodeArgs>;
  try {
    args = parseNodeArgs(argv);
  } catch (err) {
    fail((err as Error).message, NODE_USAGE);
  }
  if (args === null) {
    process.stdout.write(NODE_USAGE);
    return;
  }
  const running = await runNode(args, print);
  onSignals(() => running.stop());
}

async function trace(argv: string[]): Promise<void> {
  let args: ReturnType<typeof parseTraceArgs>;
  try {
    args = parseTraceArgs(argv);
  } catch (err) {
    fail((err as Error).message, TRACE_USAGE);
  }
  if (args === null) {
    process.stdout.write(TRACE_USAGE);
    return;
  }
  const outcome = await runTrace(args);
  process.stdout.write(outcome.stdout);
  process.stderr.write(outcome.stderr);
  process.exitCode = outcome.exitCode;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return start(rest);
    case 'node':
      return node(rest);
    case 'trace':
      return trace(rest);
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      process.stdout.write(USAGE);
      return;
    default:
      fail(`unknown command '${command}'`, USAGE);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  // parseArgs throws its own errors for unknown options; they are usage mistakes too.
  if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    fail((err as Error).message, USAGE);
  }
  process.stderr.write(`raftlens: ${err instanceof Error ? (err.stack ?? err.message) : err}\n`);
  process.exit(1);
});
