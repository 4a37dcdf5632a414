/**
 * Client requests at the cluster level: pick the node a request goes through, give it an id,
 * and hand it to that node's group. A write resolves once its entry is applied on that node;
 * a read once the node's state machine has reached the read index the leader confirmed.
 */

import { ClusterError, type ReadResult, type WriteResult } from './api.ts';
import type { ClusterMembership } from './membership.ts';

export const KEY_BYTES_MAX = 256;
export const VALUE_BYTES_MAX = 64 * 1024;

export interface RequestOptions {
  /** The node to send the request through; default the leader, or any running node. */
  via?: number;
  timeoutMs?: number;
  group?: number;
}

export class ClientRequests {
  private readonly counters = new Map<string, number>();

  constructor(private readonly c: ClusterMembership) {}

  put(key: string, value: string, opts: RequestOptions): Promise<WriteResult> {
    checkKey(key);
    if (typeof value !== 'string' || value.length > VALUE_BYTES_MAX) {
      throw new ClusterError(
        'InvalidRequest',
        `value must be a string of at most ${VALUE_BYTES_MAX} characters`,
      );
    }
    const group = opts.group ?? 1;
    const nodeId = this.pick(opts.via, group);
    const g = this.c.cluster.runningGroup(nodeId, group);
    const id = this.nextId('p', nodeId);
    const promise = g.beginWrite(id, key, value, this.timeout(opts));
    this.c.cluster
      .knownNode(nodeId)
      .runLocal(group, 'Propose', () => g.submitWrite(id, key, value));
    return promise;
  }

  get(key: string, opts: RequestOptions): Promise<ReadResult> {
    checkKey(key);
    const group = opts.group ?? 1;
    const nodeId = this.pick(opts.via, group);
    const g = this.c.cluster.runningGroup(nodeId, group);
    const id = this.nextId('r', nodeId);
    const promise = g.beginRead(id, key, this.timeout(opts));
    this.c.cluster.knownNode(nodeId).runLocal(group, 'ReadIndex', () => g.submitRead(id));
    return promise;
  }

  /**
   * The node a request goes through: the one asked for, else the leader (or, when the leader
   * runs in another process, a node here that follows it), else the running node here with the
   * lowest id (which answers `ProposalDropped` / `NoLeader` at once if it knows no leader).
   */
  private pick(via: number | undefined, group: number): number {
    const cluster = this.c.cluster;
    if (!Number.isInteger(group) || group < 1 || group > cluster.options.groups) {
      throw new ClusterError('UnknownGroup', `no group ${group}`, { group });
    }
    if (via !== undefined) return via;
    const proposer = cluster.proposerFor(group);
    if (proposer !== null) return proposer;
    const running = [...cluster.nodes.values()]
      .filter((n) => n.status === 'running' && n.group(group) !== undefined)
      .map((n) => n.id)
      .sort((a, b) => a - b);
    const first = running[0];
    if (first === undefined) {
      throw new ClusterError('NoLeader', `no running node hosts group ${group}`, { group });
    }
    return first;
  }

  private timeout(opts: RequestOptions): number {
    const t = opts.timeoutMs ?? this.c.cluster.requestTimeoutMs;
    if (!Number.isFinite(t) || t <= 0 || t > 3_600_000) {
      throw new ClusterError('InvalidRequest', 'timeoutMs must be within (0, 3600000]');
    }
    return t;
  }

  /**
   * Marks ids as used: the logs this cluster started from hold them (simulate-from.ts), and a
   * new request under an old id would be taken for a duplicate and never applied.
   */
  reserve(ids: Iterable<string>): void {
    for (const id of ids) {
      const m = /^([a-z]+\d+)\.(\d+)$/.exec(id);
      if (m === null) continue;
      const key = m[1] as string;
      this.counters.set(key, Math.max(this.counters.get(key) ?? 0, Number(m[2])));
    }
  }

  /** Ids are unique for the life of the cluster, across restarts of the node. */
  private nextId(prefix: string, node: number): string {
    const key = `${prefix}${node}`;
    const n = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, n);
    return `${prefix}${node}.${n}`;
  }
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > KEY_BYTES_MAX) {
    throw new ClusterError(
      'InvalidRequest',
      `key must be a non-empty string of at most ${KEY_BYTES_MAX} characters`,
    );
  }
}
