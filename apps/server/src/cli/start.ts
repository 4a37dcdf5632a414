/**
 * `raftlens start`: one server process hosting the default cluster and serving the dashboard.
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { buildServer, WEB_ROOT } from '../app.ts';
import { isLoopback } from '../plugins/auth.ts';
import { parseChoice, parseInteger, UsageError } from './args.ts';

export const START_USAGE = `Usage: raftlens start [options]

Runs a Raft cluster inside this process and serves the dashboard.

Options:
  --port N                 HTTP port (default 3000; 0 picks a free one)
  --host ADDR              address to listen on (default 127.0.0.1). On any address other
                           than loopback, requests that change state need a bearer token
  --nodes N                voters in the default cluster, 1 to 15 (default 5)
  --storage memory|durable where nodes keep their logs (default memory)
  --data-dir DIR           folder for durable storage and recorded traces
                           (default .raftlens/data; traces in DIR/_traces/<cluster>)
  --trace-max-mb N         bound on each cluster's recorded trace on disk (default 64)
  --tick-ms N              milliseconds per Raft tick at speed 1 (default 100)
  --token TOKEN            the bearer token; generated and printed when needed and not given
  --log-level LEVEL        trace, debug, info, warn, error or silent (default info; to stderr)
  -h, --help               show this help
`;

export interface StartArgs {
  port: number;
  host: string;
  nodes: number;
  storage: 'memory' | 'durable';
  dataDir: string;
  tickMs: number;
  traceMaxMb: number;
  token?: string;
  logLevel: string;
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** Parses `start`'s arguments; null when help was asked for. */
export function parseStartArgs(argv: string[]): StartArgs | null {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '3000' },
      host: { type: 'string', default: '127.0.0.1' },
      nodes: { type: 'string', default: '5' },
      storage: { type: 'string', default: 'memory' },
      'data-dir': { type: 'string', default: '.raftlens/data' },
      'tick-ms': { type: 'string', default: '100' },
      'trace-max-mb': { type: 'string', default: '64' },
      token: { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return null;
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (values.token !== undefined && values.token.length < 16) {
    throw new UsageError('--token must be at least 16 characters');
  }
  const args: StartArgs = {
    port: parseInteger('port', values.port, 0, 65_535),
    host: values.host,
    nodes: parseInteger('nodes', values.nodes, 1, 15),
    storage: parseChoice('storage', values.storage, ['memory', 'durable']),
    dataDir: values['data-dir'],
    tickMs: parseInteger('tick-ms', values['tick-ms'], 1, 10_000),
    traceMaxMb: parseInteger('trace-max-mb', values['trace-max-mb'], 1, 1_000_000),
    logLevel: parseChoice('log-level', values['log-level'], LOG_LEVELS),
  };
  if (values.token !== undefined) args.token = values.token;
  return args;
}

/** A start that failed for a reason the user can fix; the CLI prints it and exits 1. */
export class StartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartError';
  }
}

export interface Started {
  app: FastifyInstance;
  /** The dashboard's address, as printed. */
  url: string;
}

/** Builds the server, starts the default cluster and listens; prints where to look. */
export async function runStart(args: StartArgs, print: (line: string) => void): Promise<Started> {
  const app = await buildServer({
    host: args.host,
    token: args.token,
    logger: { level: args.logLevel, stream: process.stderr },
    defaultCluster: { name: 'default', size: args.nodes, storage: args.storage },
    clusterDefaults: { dataDir: args.dataDir, tickMs: args.tickMs },
    traceDir: args.dataDir,
    traceMaxBytes: args.traceMaxMb * 1024 * 1024,
  });
  try {
    await app.listen({ port: args.port, host: args.host });
  } catch (err) {
    await app.close();
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') {
      throw new StartError(
        `port ${args.port} on ${args.host} is in use; choose another with --port`,
      );
    }
    if (code === 'EADDRNOTAVAIL') {
      throw new StartError(`${args.host} is not an address of this machine; check --host`);
    }
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : args.port;
  const shownHost = args.host === '0.0.0.0' || args.host === '::' ? '127.0.0.1' : args.host;
  const hostPart = shownHost.includes(':') ? `[${shownHost}]` : shownHost;
  const url = `http://${hostPart}:${port}`;
  print(`Raftlens is running: ${url}`);
  print(`  cluster 'default': ${args.nodes} nodes, ${args.storage} storage`);
  if (app.authToken !== null) {
    print(`  changing requests need: Authorization: Bearer ${app.authToken}`);
    print(`  dashboard with the token: ${url}/#token=${app.authToken}`);
  }
  if (!existsSync(join(WEB_ROOT, 'index.html'))) {
    print('  the dashboard is not built: run `pnpm --filter @raftlens/web build` and restart');
  }
  if (!isLoopback(args.host)) {
    print(`  listening on ${args.host}: other machines can reach this server`);
  }
  print('Press Ctrl+C to stop.');
  return { app, url };
}
