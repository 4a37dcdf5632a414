/**
 * The clusters plugin: decorates the app with the registry of hosted clusters, starts the
 * default cluster with the server, and closes every cluster when the server closes.
 */

import {
  type ClusterDefaults,
  type ClusterDescription,
  toClusterOptions,
} from '../cluster-options.ts';
import { type ClusterFactory, ClusterRegistry } from '../registry.ts';
import { rootPlugin } from './shared.ts';

declare module 'fastify' {
  interface FastifyInstance {
    clusters: ClusterRegistry;
    clusterDefaults: ClusterDefaults;
  }
}

export interface ClustersPluginOptions {
  createCluster: ClusterFactory;
  defaults: ClusterDefaults;
  clustersMax: number;
  /** The cluster started with the server; none when null. */
  initial: ClusterDescription | null;
}

export const clustersPlugin = rootPlugin<ClustersPluginOptions>(
  'raftlens-clusters',
  async (app, opts) => {
    const registry = new ClusterRegistry(opts.createCluster, app.log, opts.clustersMax);
    app.decorate('clusters', registry);
    app.decorate('clusterDefaults', opts.defaults);
    app.addHook('onClose', async () => {
      await registry.closeAll();
    });
    if (opts.initial !== null) {
      await registry.create(toClusterOptions(opts.initial, opts.defaults));
    }
  },
);
