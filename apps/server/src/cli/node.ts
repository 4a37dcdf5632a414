/**
 * `raftlens node`: one node of a cluster as its own process, possibly on another host, talking to
 * its peers over WebSocket and reporting to a dashboard.
 */

import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../app.ts';
import { CLUSTER_NAME_PATTERN } from '../schemas/common.ts';
import { parseChoice, parseHttpUrl, parseInteger, parsePeers, UsageError } from './args.ts';

export const NODE_USAGE = `Usage: raftlens node --id N --peers 1=ws://HOST:PORT,2=... [options]

Runs one founding node of a cluster in this process. Every node of the cluster is started with
the same --peers list (ids 1 to N, each with the address it listens on; the /raft path is
added), the same --cluster name and the same --secret. This node listens on its own entry's
port, and serves its own API and dashboard over HTTP. With --dashboard, it joins a Raftlens
server, which then shows and controls the whole cluster.

Options:
  --id N                   this node's id; must appear in --peers
  --peers LIST             id=ws://host:port for every founding voter, comma-separated
  --dashboard URL          a Raftlens server to join, e.g. http://127.0.0.1:3000
  --dashboard-token TOKEN  the dashboard's bearer token, if it listens beyond loopback
  --cluster NAME           the cluster's name (default remote)
  --secret SECRET          shared secret of every peer connection (default: derived from the
                           cluster name, fit only for a trusted network)
  --http-port N            port of this node's HTTP API (default 0: any free port)
  --advertise-url URL      this node's HTTP address as the dashboard reaches it
                           (default http://<listen host>:<http port>)
  --token TOKEN            bearer token of this node's own API (needed off loopback;
                           generated when not given)
  --storage memory|durable where the node keeps its log (default durable)
  --data-dir DIR           folder for durable storage (default .raftlens/node-<id>); a node
                           restarted on the same folder resumes from what it holds
  --tick-ms N              milliseconds per Raft tick (default 100)
  --log-level LEVEL        trace, debug, info, warn, error or silent (default info; to stderr)
  -h, --help               show this help
`;

export interface NodeArgs {
  id: number;
  peers: Map<number, string>;
  /** This node's own listening address, from its --peers entry. */
  listen: { host: string; port: number };
  dashboard?: URL;
  dashboardToken?: string;
  cluster: string;
  secret?: string;
  httpPort: number;
  advertiseUrl?: URL;
  token?: string;
  storage: 'memory' | 'durable';
  dataDir: string;
  tickMs: number;
  logLevel: string;
}

/** Parses `node`'s arguments; null when help was asked for. */
export function parseNodeArgs(argv: string[]): NodeArgs | null {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      id: { type: 'string' },
      peers: { type: 'string' },
      dashboard: { type: 'string' },
      'dashboard-token': { type: 'string' },
      cluster: { type: 'string', default: 'remote' },
      secret: { type: 'string' },
      'http-port': { type: 'string', default: '0' },
      'advertise-url': { type: 'string' },
      token: { type: 'string' },
      storage: { type: 'string', default: 'durable' },
      'data-dir': { type: 'string' },
      'tick-ms': { type: 'string', default: '100' },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return null;
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (values.id === undefined) throw new UsageError('--id is required');
  if (values.peers === undefined) throw new UsageError('--peers is required');
  const id = parseInteger('id', values.id, 1, 15);
  const peers = parsePeers(values.peers);
  for (let founding = 1; founding <= peers.size; founding++) {
    if (!peers.has(founding)) {
      throw new UsageError(
        `--peers must name nodes 1 to ${peers.size}; node ${founding} is missing`,
      );
    }
  }
  const own = peers.get(id);
  if (own === undefined) {
    throw new UsageError(`--peers must include this node (${id}) with the address it listens on`);
  }
  if (!new RegExp(CLUSTER_NAME_PATTERN).test(values.cluster)) {
    throw new UsageError(`--cluster must match ${CLUSTER_NAME_PATTERN}, not '${values.cluster}'`);
  }
  const ownUrl = new URL(own);
  const args: NodeArgs = {
    id,
    peers,
    listen: { host: ownUrl.hostname.replace(/^\[|\]$/g, ''), port: Number(ownUrl.port) },
    cluster: values.cluster,
    httpPort: parseInteger('http-port', values['http-port'], 0, 65_535),
    storage: parseChoice('storage', values.storage, ['memory', 'durable']),
    dataDir: values['data-dir'] ?? `.raftlens/node-${id}`,
    tickMs: parseInteger('tick-ms', values['tick-ms'], 1, 10_000),
    logLevel: parseChoice('log-level', values['log-level'], [
      'trace',
      'debug',
      'info',
      'warn',
      'error',
      'fatal',
      'silent',
    ]),
  };
  if (values.dashboard !== undefined) args.dashboard = parseHttpUrl('dashboard', values.dashboard);
  if (values['dashboard-token'] !== undefined) args.dashboardToken = values['dashboard-token'];
  if (values['advertise-url'] !== undefined) {
    args.advertiseUrl = parseHttpUrl('advertise-url', values['advertise-url']);
  }
  if (values.secret !== undefined) args.secret = values.secret;
  if (values.token !== undefined) args.token = values.token;
  return args;
}

/** The transport listens on `/raft`; an address given without a path gets it. */
export function withRaftPath(address: string): string {
  const url = new URL(address);
  return url.pathname === '/' ? `${url.protocol}//${url.host}/raft` : address;
}

export interface RunningNode {
  app: FastifyInstance;
  /** This node's HTTP address. */
  url: string;
  /** Leaves the dashboard (if joined) and stops the node. */
  stop(): Promise<void>;
}

/** How often to retry joining a dashboard that is not up yet. */
const JOIN_RETRY_MS = 2_000;

/** Starts the node and its HTTP API, then joins the dashboard in the background. */
export async function runNode(args: NodeArgs, print: (line: string) => void): Promise<RunningNode> {
  const { durableStorageFactory, hasDurableStore, startNode } = await import('@raftlens/cluster');
  const peers: Record<number, string> = {};
  for (const [id, address] of args.peers) {
    if (id !== args.id) peers[id] = withRaftPath(address);
  }
  const secret = args.secret ?? `raftlens-${args.cluster}`;
  // A node process restarted (after a crash, a kill or a stop) picks up where its disk left
  // off: hard state, log, snapshot, and the state machine rebuilt from them.
  const durable = args.storage === 'durable';
  const restarting = durable && hasDurableStore(args.dataDir, args.cluster, args.id);
  const storageFactory = durable
    ? durableStorageFactory({ name: args.cluster, dataDir: args.dataDir, reuseExisting: true })
    : undefined;
  const app = await buildServer({
    host: args.listen.host,
    token: args.token,
    logger: { level: args.logLevel, stream: process.stderr },
    defaultCluster: { name: args.cluster, size: args.peers.size },
    createCluster: (_options, log) =>
      startNode({
        name: args.cluster,
        size: args.peers.size,
        id: args.id,
        host: args.listen.host,
        port: args.listen.port,
        peers,
        secret,
        storage: args.storage,
        dataDir: args.dataDir,
        tickMs: args.tickMs,
        logger: log,
        ...(storageFactory === undefined ? {} : { storageFactory }),
      }),
  });
  await app.listen({ host: args.listen.host, port: args.httpPort });
  const address = app.server.address();
  const httpPort = typeof address === 'object' && address !== null ? address.port : 0;
  const hostPart = args.listen.host.includes(':') ? `[${args.listen.host}]` : args.listen.host;
  const url = (args.advertiseUrl?.href ?? `http://${hostPart}:${httpPort}`).replace(/\/+$/, '');
  print(`Raftlens node ${args.id} of '${args.cluster}' is running: ${url}`);
  print(`  Raft transport: ${withRaftPath(args.peers.get(args.id) as string)}`);
  if (durable) {
    print(`  ${restarting ? 'restarted from' : 'new'} durable storage in ${args.dataDir}`);
  }
  if (args.secret === undefined) {
    print('  using the default peer secret; pass --secret on a network you do not trust');
  }

  const join = args.dashboard === undefined ? null : new DashboardJoin(args, url, app, print);
  join?.start();
  return {
    app,
    url,
    stop: async () => {
      await join?.leave();
      await app.close();
    },
  };
}

/** Joins a dashboard, retrying until it answers, and leaves it on stop. */
class DashboardJoin {
  private timer: NodeJS.Timeout | null = null;
  private joined = false;
  private stopped = false;
  private readonly base: string;

  constructor(
    private readonly args: NodeArgs,
    private readonly url: string,
    private readonly app: FastifyInstance,
    private readonly print: (line: string) => void,
  ) {
    const dashboard = (args.dashboard as URL).href.replace(/\/+$/, '');
    this.base = `${dashboard}/api/clusters/${args.cluster}/members`;
  }

  start(): void {
    void this.attempt();
  }

  async leave(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    if (!this.joined) return;
    try {
      await fetch(`${this.base}/${this.args.id}`, {
        method: 'DELETE',
        headers: this.headers(),
        signal: AbortSignal.timeout(2_000),
      });
    } catch {
      // The dashboard is gone too; nothing to leave.
    }
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.args.dashboardToken !== undefined) {
      headers.authorization = `Bearer ${this.args.dashboardToken}`;
    }
    return headers;
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    const body = {
      node: this.args.id,
      url: this.url,
      size: this.args.peers.size,
      storage: this.args.storage,
      tickMs: this.args.tickMs,
      ...(this.app.authToken === null ? {} : { token: this.app.authToken }),
    };
    try {
      const res = await fetch(this.base, {
        method: 'POST',
        headers: this.headers(),
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5_000),
      });
      if (res.ok) {
        this.joined = true;
        this.print(`  joined the dashboard: ${this.args.dashboard?.href}`);
        return;
      }
      const answer = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
      const reason = answer.error?.message ?? `HTTP ${res.status}`;
      if (res.status < 500) {
        this.print(`  the dashboard refused this node: ${reason}`);
        return;
      }
      this.app.log.warn({ reason }, 'dashboard refused the join for now; retrying');
    } catch (err) {
      this.app.log.warn({ err: String(err) }, 'dashboard not reachable; retrying');
    }
    this.timer = setTimeout(() => void this.attempt(), JOIN_RETRY_MS);
    this.timer.unref();
  }
}
