/**
 * The clusters this server hosts, by name. Creating and closing a cluster are asynchronous (the
 * runtime binds sockets, opens storage), so a name is reserved while its cluster starts: two
 * clients posting the same name at once get one cluster and one `ClusterExists`.
 *
 * A hosted cluster can be replaced by another under the same name (a guided scenario replays
 * from its seed on a fresh cluster): whatever follows a cluster by name (the stream, the
 * diagnostics, the trace recording) is told with `onReplaced` and re-points to the new one.
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
/** `reason` is a stable code (`scenario-back`, ...), passed on to the stream's viewers. */
export type ClusterReplacedListener = (next: Cluster, previous: Cluster, reason: string) => void;

/** What a cluster is hosted with besides itself. */
export interface HostOptions {
  /** Closes the cluster and whatever drives it; default `cluster.close()`. */
  close?: () => Promise<void>;
  /** The guided scenario driving the cluster, for the cluster list. */
  scenario?: { id: string; title: string };
}

interface Hosted {
  cluster: Cluster;
  options: HostOptions;
}

export class ClusterRegistry {
  private readonly clusters = new Map<string, Hosted>();
  /** Names whose cluster is starting or closing. */
  private readonly busy = new Set<string>();
  private readonly addedListeners = new Set<ClusterAddedListener>();
  private readonly removedListeners = new Set<ClusterRemovedListener>();
  private readonly replacedListeners = new Set<ClusterReplacedListener>();
  private closed = false;

  constructor(
    private readonly factory: ClusterFactory,
    private readonly log: FastifyBaseLogger,
    /** Bounds the memory and sockets one server can be asked to spend. */
    private readonly clustersMax: number,
  ) {}

  /** The clusters in the order they were created. */
  list(): Cluster[] {
    return [...this.clusters.values()].map((h) => h.cluster);
  }

  /** The cluster called `name`; throws `UnknownCluster`. */
  get(name: string): Cluster {
    return this.hosted(name).cluster;
  }

  has(name: string): boolean {
    return this.clusters.has(name);
  }

  /** The guided scenario driving the cluster called `name`, or null. */
  scenarioOf(name: string): { id: string; title: string } | null {
    return this.clusters.get(name)?.options.scenario ?? null;
  }

  /** Starts a cluster with the registry's factory, or with `factory` when given. */
  async create(options: ClusterOptions, factory: ClusterFactory = this.factory): Promise<Cluster> {
    const cluster = await this.host(options.name, () => factory(options, this.log));
    this.log.info(
      { cluster: options.name, size: options.size, mode: options.mode, storage: options.storage },
      'cluster started',
    );
    return cluster;
  }

  /**
   * Hosts the cluster `start` makes under `name`, which is reserved meanwhile. `options.close`
   * is how it is closed when deleted (say, a scenario runner with its cluster).
   */
  async host(
    name: string,
    start: () => Cluster | Promise<Cluster>,
    options: HostOptions = {},
  ): Promise<Cluster> {
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
      const cluster = await start();
      if (this.closed) {
        await closeHosted({ cluster, options });
        throw new ApiError('ShuttingDown', 'the server is shutting down');
      }
      this.clusters.set(name, { cluster, options });
      for (const listener of this.addedListeners) listener(cluster);
      return cluster;
    } finally {
      this.busy.delete(name);
    }
  }

  /**
   * Puts `next` in the place of the cluster called `name`, keeping its host options unless
   * `options` are given, and tells the `onReplaced` listeners. The previous cluster is not
   * closed here: whoever replaces it owns it. False when no cluster of that name is hosted
   * (it was deleted meanwhile); the caller then closes `next`.
   */
  replace(name: string, next: Cluster, reason: string, options?: HostOptions): boolean {
    const hosted = this.clusters.get(name);
    if (hosted === undefined || this.closed) return false;
    const previous = hosted.cluster;
    this.clusters.set(name, { cluster: next, options: options ?? hosted.options });
    for (const listener of this.replacedListeners) listener(next, previous, reason);
    this.log.info({ cluster: name, reason }, 'cluster replaced');
    return true;
  }

  /** Closes and forgets the cluster; its viewers are told first. */
  async delete(name: string): Promise<void> {
    const hosted = this.hosted(name);
    this.clusters.delete(name);
    this.busy.add(name);
    try {
      for (const listener of this.removedListeners) listener(name);
      await closeHosted(hosted);
      this.log.info({ cluster: name }, 'cluster closed');
    } finally {
      this.busy.delete(name);
    }
  }

  /** Calls `listener` for every cluster already hosted, then for each one added. */
  onAdded(listener: ClusterAddedListener): () => void {
    for (const { cluster } of this.clusters.values()) listener(cluster);
    this.addedListeners.add(listener);
    return () => this.addedListeners.delete(listener);
  }

  onRemoved(listener: ClusterRemovedListener): () => void {
    this.removedListeners.add(listener);
    return () => this.removedListeners.delete(listener);
  }

  onReplaced(listener: ClusterReplacedListener): () => void {
    this.replacedListeners.add(listener);
    return () => this.replacedListeners.delete(listener);
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

  private hosted(name: string): Hosted {
    const hosted = this.clusters.get(name);
    if (hosted === undefined) {
      throw new ApiError('UnknownCluster', `no cluster is called '${name}'`, { cluster: name });
    }
    return hosted;
  }
}

function closeHosted({ cluster, options }: Hosted): Promise<void> {
  return options.close !== undefined ? options.close() : cluster.close();
}
