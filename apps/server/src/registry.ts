/**
 * The clusters this server hosts, by name. Creating and closing a cluster are asynchronous (the
 * runtime binds sockets, opens storage), so a name is reserved while its cluster starts: two
 * clients posting the same name at once get one cluster and one `ClusterExists`.
 */

import type { Cluster, ClusterOptions } from '@raftlens/cluster';
import type { FastifyBaseLogger } from 'fastify';
import { ApiError } from './errors.ts';

/**
 * Starts a cluster; the runtime's `createCluster`, or a test double. `log` is the server's
 * logger; the runtime binds the cluster's name and each node's id to it.
 */
export type ClusterFactory = (
  options: ClusterOptions,
  log: FastifyBaseLogger,
) => Cluster | Promise<Cluster>;

export type ClusterRemovedListener = (name: string) => void;
export type ClusterAddedListener = (cluster: Cluster) => void;

export class ClusterRegistry {
  private readonly clusters = new Map<string, Cluster>();
  /** Names whose cluster is starting or closing. */
  private readonly busy = new Set<string>();
  private readonly addedListeners = new Set<ClusterAddedListener>();
  private readonly removedListeners = new Set<ClusterRemovedListener>();
  private closed = false;

  constructor(
    private readonly factory: ClusterFactory,
    private readonly log: FastifyBaseLogger,
    /** Bounds the memory and sockets one server can be asked to spend. */
    private readonly clustersMax: number,
  ) {}

  /** The clusters in the order they were created. */
  list(): Cluster[] {
    return [...this.clusters.values()];
  }

  /** The cluster called `name`; throws `UnknownCluster`. */
  get(name: string): Cluster {
    const cluster = this.clusters.get(name);
    if (cluster === undefined) {
      throw new ApiError('UnknownCluster', `no cluster is called '${name}'`, { cluster: name });
    }
    return cluster;
  }

  has(name: string): boolean {
    return this.clusters.has(name);
  }

  /** Starts a cluster with the registry's factory, or with `factory` when given. */
  async create(options: ClusterOptions, factory: ClusterFactory = this.factory): Promise<Cluster> {
    const { name } = options;
    if (this.closed) throw new ApiError('ShuttingDown', 'the server is shutting down');
    if (this.clusters.has(name) || this.busy.has(name)) {
      throw new ApiError('ClusterExists', `a cluster called '${name}' already exists`, {
        cluster: name,
      });
    }
    if (this.clusters.size + this.busy.size >= this.clustersMax) {
      throw new ApiError(
        'TooManyClusters',
        `this server hosts at most ${this.clustersMax} clusters; delete one first`,
        { clustersMax: this.clustersMax },
      );
    }
    this.busy.add(name);
    try {
      const cluster = await factory(options, this.log);
      if (this.closed) {
        await cluster.close();
        throw new ApiError('ShuttingDown', 'the server is shutting down');
      }
      this.clusters.set(name, cluster);
      for (const listener of this.addedListeners) listener(cluster);
      this.log.info(
        { cluster: name, size: options.size, mode: options.mode, storage: options.storage },
        'cluster started',
      );
      return cluster;
    } finally {
      this.busy.delete(name);
    }
  }

  /** Closes and forgets the cluster; its viewers are told first. */
  async delete(name: string): Promise<void> {
    const cluster = this.get(name);
    this.clusters.delete(name);
    this.busy.add(name);
    try {
      for (const listener of this.removedListeners) listener(name);
      await cluster.close();
      this.log.info({ cluster: name }, 'cluster closed');
    } finally {
      this.busy.delete(name);
    }
  }

  /** Calls `listener` for every cluster already hosted, then for each one added. */
  onAdded(listener: ClusterAddedListener): () => void {
    for (const cluster of this.clusters.values()) listener(cluster);
    this.addedListeners.add(listener);
    return () => this.addedListeners.delete(listener);
  }

  onRemoved(listener: ClusterRemovedListener): () => void {
    this.removedListeners.add(listener);
    return () => this.removedListeners.delete(listener);
  }

  /** Closes every cluster; a failure to close one is logged and does not stop the others. */
  async closeAll(): Promise<void> {
    this.closed = true;
    const names = [...this.clusters.keys()];
    await Promise.all(
      names.map(async (name) => {
        try {
          await this.delete(name);
        } catch (err) {
          this.log.error({ err, cluster: name }, 'cluster failed to close');
        }
      }),
    );
  }
}
