/**
 * Where nodes' transports come from: the in-memory network on virtual time, or a WebSocket
 * listener per node on real sockets.
 */

import type { RuntimeLogger } from '../node/logger.ts';
import type { SeededRandom } from '../time/random.ts';
import type { Scheduler } from '../time/scheduler.ts';
import type { NodeTransport } from '../transport/types.ts';
import { createWsTransport } from '../transport/ws.ts';
import { MemoryNetwork } from './memory-transport.ts';

export interface TransportFactoryOptions {
  mode: 'live' | 'simulated';
  scheduler: Scheduler;
  rng: SeededRandom;
  logger: RuntimeLogger;
  /** Simulated: one-way latency of every link, in model ms. */
  netLatencyMs: number;
  /** Live: the interface to listen on, the shared secret and fixed ports by node. */
  host: string;
  secret: string;
  listenPorts: Record<number, number>;
}

export class TransportFactory {
  private readonly network: MemoryNetwork | null;
  private count = 0;

  constructor(private readonly o: TransportFactoryOptions) {
    this.network =
      o.mode === 'simulated' ? new MemoryNetwork(o.scheduler, { latencyMs: o.netLatencyMs }) : null;
  }

  /**
   * A transport for `node`. A live node restarting listens where it listened before (its peers
   * redial that address), unless `anyPort`; a new one on its configured port, or any.
   */
  create(node: number, previousAddress: string | undefined, anyPort: boolean): NodeTransport {
    if (this.network !== null) return this.network.createTransport(node);
    const port = anyPort
      ? 0
      : previousAddress === undefined
        ? (this.o.listenPorts[node] ?? 0)
        : Number(new URL(previousAddress).port);
    const rng = this.o.rng.fork(`transport/${node}/${this.count++}`);
    return createWsTransport({
      nodeId: node,
      host: this.o.host,
      port,
      secret: this.o.secret,
      logger: this.o.logger.child({ node, component: 'transport' }),
      random: () => rng.float(),
    });
  }
}
