/**
 * `raftlens node`: one node of a cluster as its own process, possibly on another host, talking to
 * its peers over WebSocket and reporting to a dashboard.
 */

import { parseArgs } from 'node:util';
import { CLUSTER_NAME_PATTERN } from '../schemas/common.ts';
import { parseChoice, parseHttpUrl, parseInteger, parsePeers, UsageError } from './args.ts';

export const NODE_USAGE = `Usage: raftlens node --id N --peers 1=ws://HOST:PORT,2=... [options]

Runs one Raft node in this process. Every member of the cluster is started with the same
--peers list, which names each founding voter and the address it listens on; this node listens
on its own entry's port.

Options:
  --id N                   this node's id; must appear in --peers
  --peers LIST             id=ws://host:port for every founding voter, comma-separated
  --dashboard URL          the Raftlens server to report to, e.g. http://127.0.0.1:3000
  --cluster NAME           the cluster's name on the dashboard (default remote)
  --storage memory|durable where the node keeps its log (default durable)
  --data-dir DIR           folder for durable storage (default .raftlens/node-<id>)
  --tick-ms N              milliseconds per Raft tick (default 100)
  --secret SECRET          shared secret every peer connection must present
  --log-level LEVEL        trace, debug, info, warn, error or silent (default info; to stderr)
  -h, --help               show this help
`;

export interface NodeArgs {
  id: number;
  peers: Map<number, string>;
  /** This node's own listening address, from its --peers entry. */
  listen: { host: string; port: number };
  dashboard?: URL;
  cluster: string;
  storage: 'memory' | 'durable';
  dataDir: string;
  tickMs: number;
  secret?: string;
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
      cluster: { type: 'string', default: 'remote' },
      storage: { type: 'string', default: 'durable' },
      'data-dir': { type: 'string' },
      'tick-ms': { type: 'string', default: '100' },
      secret: { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return null;
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (values.id === undefined) throw new UsageError('--id is required');
  if (values.peers === undefined) throw new UsageError('--peers is required');
  const id = parseInteger('id', values.id, 1, 1_000_000);
  const peers = parsePeers(values.peers);
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
  if (values.secret !== undefined) args.secret = values.secret;
  return args;
}

/** The runtime cannot yet run a node on its own; see the TODO below. */
export class NodeUnsupportedError extends Error {
  constructor() {
    super(
      'running a node as its own process is not supported by this version of the runtime ' +
        '(@raftlens/cluster has no single-node entry point yet); use `start`, which runs every ' +
        'node of a cluster in one process over real sockets',
    );
    this.name = 'NodeUnsupportedError';
  }
}

/**
 * Runs the node until stopped.
 *
 * TODO(server): needs from @raftlens/cluster a single-node entry point (`startNode` taking the
 * id, the peer addresses, storage, core options and secret, returning a handle with
 * `subscribe`, `snapshot` and `close`), and on this server an attach route through which the
 * node streams its trace and takes control commands. Until both exist, clusters whose nodes live
 * in other processes or on other hosts cannot be run or watched.
 */
export async function runNode(_args: NodeArgs): Promise<never> {
  throw new NodeUnsupportedError();
}
