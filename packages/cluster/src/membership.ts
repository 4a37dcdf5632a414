/**
 * Membership changes and leadership transfer, through configuration changes proposed to the
 * group's leader, and elections on request. Each change resolves once it took effect on the
 * leader that proposed it. Several changes at once go through `membership-change.ts`.
 */

import type { ConfChange, ConfChangeV2, NodeId } from '@raftlens/raft';
import type { ControlEvent } from '@raftlens/trace';
import { ClusterError, type IntegrationFault } from './api.ts';
import type { RaftCluster } from './cluster.ts';
import { neverApplied } from './membership-change.ts';
import type { ConfContext } from './node/conf-context.ts';
import type { NodeRuntime } from './node/runtime.ts';
import type { NodeStorage } from './storage/types.ts';

/** The parts of the cluster that membership and request code use. */
export interface ClusterMembership {
  cluster: RaftCluster;
  newNode(
    id: number,
    faults: ReadonlySet<IntegrationFault>,
    storages: Map<number, NodeStorage>,
  ): NodeRuntime;
  emitControl(name: ControlEvent['name'], node: number, detail: Record<string, unknown>): void;
  waitFor(pred: () => boolean, timeoutMs: number, what: string): Promise<void>;
}

const EMPTY = new Uint8Array(0);

export class Membership {
  private confCounter = 0;

  constructor(private readonly c: ClusterMembership) {}

  /**
   * Starts a new node (on a new port in live mode) hosting `group`, then adds it as a voter or
   * learner. The new replica starts from the founding configuration, as every replica does, and
   * reaches the present by replaying the leader's log or by a snapshot; it cannot campaign
   * before it has applied its own addition. It is stopped again only if the change is refused:
   * after a `Timeout` the change may still take effect.
   */
  async addNode(learner: boolean, group: number): Promise<number> {
    const cluster = this.c.cluster;
    this.checkGroup(group);
    const leader = this.leader(group);
    const id = Math.max(0, ...cluster.nodes.keys()) + 1;
    const storages = new Map<number, NodeStorage>([
      [group, cluster.storageFactory.create(id, group, cluster.foundingConf)],
    ]);
    const node = this.c.newNode(id, new Set(), storages);
    node.joining = true;
    cluster.nodes.set(id, node);
    await node.start();
    this.c.emitControl('NodeAdded', id, { group, learner, address: node.address });
    const cc: ConfChange = {
      type: learner ? 'ConfChangeAddLearnerNode' : 'ConfChangeAddNode',
      nodeId: id as NodeId,
      context: EMPTY,
    };
    try {
      await this.proposeConf(leader, group, cc, { address: node.address });
    } catch (err) {
      if (neverApplied(err)) {
        await this.retire(node);
        cluster.nodes.delete(id);
        cluster.addresses.delete(id);
      }
      throw err;
    }
    return id;
  }

  /**
   * Removes a node from `group` (running or crashed). Once the change took effect, the node's
   * replica of the group stops, as an etcd member shuts down when it is removed; a node that
   * hosts no other group stops altogether.
   */
  async removeNode(node: number, group: number): Promise<void> {
    const cluster = this.c.cluster;
    const n = cluster.knownNode(node);
    this.checkGroup(group);
    const leader = this.leader(group);
    await this.proposeConf(leader, group, {
      type: 'ConfChangeRemoveNode',
      nodeId: node as NodeId,
      context: EMPTY,
    });
    const others = n.groupIds().filter((g) => g !== group);
    if (others.length === 0) await this.retire(n);
    else n.dropGroup(group);
    this.c.emitControl('NodeRemoved', node, { group });
  }

  async promoteLearner(node: number, group: number): Promise<void> {
    this.c.cluster.knownNode(node);
    this.checkGroup(group);
    const leader = this.leader(group);
    const g = this.c.cluster.runningGroup(leader, group);
    if (!g.confState.learners.includes(node as NodeId)) {
      throw new ClusterError(
        'ConfChangeRejected',
        `node ${node} is not a learner of group ${group}`,
        {
          node,
          group,
        },
      );
    }
    await this.proposeConf(leader, group, {
      type: 'ConfChangeAddNode',
      nodeId: node as NodeId,
      context: EMPTY,
    });
  }

  /** Asks the leader to hand over to `to`; resolves once `to` leads. */
  async transferLeader(to: number, group: number): Promise<void> {
    const cluster = this.c.cluster;
    if (!cluster.knownIds().includes(to)) {
      throw new ClusterError('UnknownNode', `no node ${to} in cluster ${cluster.name}`, {
        node: to,
      });
    }
    this.checkGroup(group);
    if (cluster.leaderOf(group) === to) return;
    const leader = this.leader(group);
    const g = cluster.runningGroup(leader, group);
    if (!g.confState.voters.includes(to as NodeId)) {
      throw new ClusterError('InvalidRequest', `node ${to} is not a voter of group ${group}`, {
        node: to,
        group,
      });
    }
    this.c.emitControl('LeaderTransferRequested', leader, { to, group });
    cluster.knownNode(leader).runLocal(group, 'TransferLeader', () => g.transferLeader(to));
    await this.c.waitFor(
      () => cluster.leaderOf(group) === to,
      cluster.requestTimeoutMs,
      `transfer of leadership to ${to}`,
    );
  }

  /**
   * Makes `node` campaign now. The control event records the request; the campaign itself runs
   * through the node's inbox, so while paused it waits there, visible, for a step.
   */
  campaign(node: number, group: number): void {
    const cluster = this.c.cluster;
    const g = cluster.runningGroup(node, group);
    this.c.emitControl('Campaigned', node, { group, queued: cluster.isPaused() });
    cluster.knownNode(node).runLocal(group, 'Campaign', () => g.campaign());
  }

  /** Proposes `cc` through `leader`; resolves once it is applied there. */
  async proposeConf(
    leader: number,
    group: number,
    cc: ConfChange | ConfChangeV2,
    where: Omit<ConfContext, 'id'> = {},
  ): Promise<void> {
    const cluster = this.c.cluster;
    const g = cluster.runningGroup(leader, group);
    const id = `cc${++this.confCounter}`;
    const promise = g.beginConfChange(id, cluster.requestTimeoutMs);
    cluster
      .knownNode(leader)
      .runLocal(group, 'ProposeConfChange', () => g.submitConfChange(id, cc, where));
    await promise;
  }

  /** Stops a node for good and forgets its links. */
  async retire(n: NodeRuntime): Promise<void> {
    const cluster = this.c.cluster;
    await n.crash('stopped');
    cluster.shaper.forgetNode(n.id);
    for (const other of cluster.nodes.values()) {
      if (other.id !== n.id) other.disconnect(n.id);
    }
  }

  /** The node here to propose through: the leader, or a follower of a leader elsewhere. */
  leader(group: number): number {
    const leader = this.c.cluster.proposerFor(group);
    if (leader === null) {
      throw new ClusterError('NoLeader', `group ${group} has no leader`, { group });
    }
    return leader;
  }

  /** Throws `UnknownGroup` unless `group` is one of the cluster's groups. */
  checkGroup(group: number): void {
    if (!Number.isInteger(group) || group < 1 || group > this.c.cluster.options.groups) {
      throw new ClusterError('UnknownGroup', `no group ${group}`, { group });
    }
  }
}
