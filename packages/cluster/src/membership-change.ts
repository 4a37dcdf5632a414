/**
 * Membership changes of several nodes at once: one ConfChangeV2 proposed through the leader,
 * through a joint configuration when it needs one (Raft thesis 4.3). While joint, every
 * decision needs a majority of the old voters and a majority of the new ones.
 *
 * Ids that the cluster does not know yet become new nodes, started here before the change is
 * proposed, as `addNode` starts them, and stopped again only if the change is refused. Removed
 * nodes are not stopped: like a server the thesis
 * describes, a removed node runs on until someone shuts it down (`crash`, or `removeNode`, which
 * also retires it), and what it does meanwhile is part of what a class may want to see.
 */

import {
  type ConfChangeSingle,
  type ConfChangeTransition,
  type ConfChangeType,
  type ConfChangeV2,
  enterJoint,
  type NodeId,
} from '@raftlens/raft';
import {
  ClusterError,
  type MembershipChange,
  type MembershipResult,
  type MembershipTransition,
} from './api.ts';
import type { ClusterMembership, Membership } from './membership.ts';
import { refuseConfChange } from './node/conf-check.ts';
import { confStateView } from './node/group-view.ts';
import type { NodeRuntime } from './node/runtime.ts';
import type { NodeStorage } from './storage/types.ts';

/** Changes in one request, at most: each added id may start a node and its listener. */
export const MEMBERSHIP_CHANGES_MAX = 32;

const TRANSITIONS: Record<MembershipTransition, ConfChangeTransition> = {
  auto: 'ConfChangeTransitionAuto',
  implicit: 'ConfChangeTransitionJointImplicit',
  explicit: 'ConfChangeTransitionJointExplicit',
};

const CHANGE_TYPES: Record<MembershipChange['type'], ConfChangeType> = {
  'add-voter': 'ConfChangeAddNode',
  'add-learner': 'ConfChangeAddLearnerNode',
  remove: 'ConfChangeRemoveNode',
};

/** What `join` did to make room for the added nodes, so that a failed change can undo it. */
interface Joined {
  /** Where each node started for the change listens, by id. */
  addresses: Record<string, string>;
  started: NodeRuntime[];
  /** Existing nodes given a replica of the group. */
  hosting: NodeRuntime[];
}

export class MembershipChanges {
  constructor(
    private readonly c: ClusterMembership,
    private readonly membership: Membership,
  ) {}

  /**
   * Proposes `changes` as one ConfChangeV2. Resolves once the proposing node has applied it
   * and, unless the transition is explicit, left the joint configuration it entered.
   */
  async change(
    changes: MembershipChange[],
    transition: MembershipTransition,
    group: number,
  ): Promise<MembershipResult> {
    const cluster = this.c.cluster;
    const cc = confChangeOf(changes, transition);
    this.membership.checkGroup(group);
    for (const ch of changes) this.checkJoinable(ch, group);
    const proposer = this.membership.leader(group);
    const deadlineMs = cluster.scheduler.now() + cluster.requestTimeoutMs;
    const refusal = refuseConfChange(cluster.runningGroup(proposer, group).rn.raft, cc);
    if (refusal !== null) {
      throw new ClusterError('ConfChangeRejected', `conf change refused: ${refusal.message}`, {
        group,
        reason: refusal.reason,
      });
    }

    const joined = await this.join(changes, group);
    this.c.emitControl('MembershipChangeRequested', proposer, { group, changes, transition });
    try {
      await this.membership.proposeConf(proposer, group, cc, { addresses: joined.addresses });
    } catch (err) {
      if (neverApplied(err)) await this.undo(joined, group);
      throw err;
    }
    if (enterJoint(cc).autoLeave) await this.untilLeft(proposer, group, deadlineMs);
    return { confState: confStateView(cluster.runningGroup(proposer, group).confState) };
  }

  /** Proposes the empty ConfChangeV2, which leaves a joint configuration. */
  async leave(group: number): Promise<MembershipResult> {
    const cluster = this.c.cluster;
    this.membership.checkGroup(group);
    const proposer = this.membership.leader(group);
    const cc: ConfChangeV2 = {
      transition: 'ConfChangeTransitionAuto',
      changes: [],
      context: new Uint8Array(0),
    };
    this.c.emitControl('MembershipChangeRequested', proposer, {
      group,
      changes: [],
      transition: 'auto',
      leave: true,
    });
    // Not joint: the core replaces the entry with an empty one and the request fails with
    // `ConfChangeRejected` (NotInJointConfig), as etcd answers it.
    await this.membership.proposeConf(proposer, group, cc);
    return { confState: confStateView(cluster.runningGroup(proposer, group).confState) };
  }

  /** Refuses an id that was removed for good: ids are never reused, as in etcd. */
  private checkJoinable(ch: MembershipChange, group: number): void {
    const n = this.c.cluster.nodes.get(ch.node);
    if (ch.type === 'remove' || n === undefined || n.status !== 'stopped') return;
    throw new ClusterError('InvalidRequest', `node ${ch.node} was stopped for good`, {
      node: ch.node,
      group,
    });
  }

  /**
   * Gives every added node a replica of the group: a new node for an id the cluster does not
   * know, a new replica on a node here that does not host the group. A node of another process
   * must host the group itself.
   */
  private async join(changes: MembershipChange[], group: number): Promise<Joined> {
    const cluster = this.c.cluster;
    const joined: Joined = { addresses: {}, started: [], hosting: [] };
    for (const ch of changes) {
      if (ch.type === 'remove') continue;
      const existing = cluster.nodes.get(ch.node);
      if (existing !== undefined) {
        if (!existing.groupIds().includes(group)) {
          existing.hostGroup(group, this.freshStorage(ch.node, group));
          joined.hosting.push(existing);
        }
        continue;
      }
      if (cluster.addresses.has(ch.node)) continue;
      const storages = new Map([[group, this.freshStorage(ch.node, group)]]);
      const node = this.c.newNode(ch.node, new Set(), storages);
      node.joining = true;
      cluster.nodes.set(ch.node, node);
      joined.started.push(node);
      await node.start();
      joined.addresses[String(ch.node)] = node.address;
      this.c.emitControl('NodeAdded', ch.node, {
        group,
        learner: ch.type === 'add-learner',
        address: node.address,
      });
    }
    return joined;
  }

  /** A new replica starts from the founding configuration, as every replica does. */
  private freshStorage(node: number, group: number): NodeStorage {
    const cluster = this.c.cluster;
    return cluster.storageFactory.create(node, group, cluster.foundingConf);
  }

  private async undo(joined: Joined, group: number): Promise<void> {
    const cluster = this.c.cluster;
    for (const n of joined.hosting) n.dropGroup(group);
    for (const n of joined.started) {
      await this.membership.retire(n);
      cluster.nodes.delete(n.id);
      cluster.addresses.delete(n.id);
    }
  }

  /** Waits until the proposer's configuration is no longer joint (the leader left it). */
  private async untilLeft(proposer: number, group: number, deadlineMs: number): Promise<void> {
    const cluster = this.c.cluster;
    const left = () => {
      const g = cluster.nodes.get(proposer)?.group(group);
      return g === undefined || g.confState.votersOutgoing.length === 0;
    };
    const remainingMs = Math.max(0, deadlineMs - cluster.scheduler.now());
    await this.c.waitFor(left, remainingMs, 'leaving the joint configuration');
    // A crash of the proposer ends the wait too; runningGroup then says so.
    cluster.runningGroup(proposer, group);
  }
}

/**
 * True if a failed change can never take effect: it was refused before it entered any log, or
 * replaced there by an empty entry. After a `Timeout`, or a crash of the node that proposed it,
 * the entry may still commit under this leader or the next, so the nodes started for it stay:
 * stopping them could leave a configuration whose voters never answer.
 */
export function neverApplied(err: unknown): boolean {
  return err instanceof ClusterError && err.code === 'ConfChangeRejected';
}

/** The ConfChangeV2 for a request, or `InvalidRequest` naming what is wrong with it. */
export function confChangeOf(
  changes: MembershipChange[],
  transition: MembershipTransition,
): ConfChangeV2 {
  if (!Object.hasOwn(TRANSITIONS, transition)) {
    throw new ClusterError('InvalidRequest', 'transition must be auto, implicit or explicit', {
      transition,
    });
  }
  if (!Array.isArray(changes) || changes.length === 0) {
    throw new ClusterError('InvalidRequest', 'changes must be a non-empty list (see leaveJoint)');
  }
  if (changes.length > MEMBERSHIP_CHANGES_MAX) {
    throw new ClusterError('InvalidRequest', `at most ${MEMBERSHIP_CHANGES_MAX} changes at once`);
  }
  const seen = new Set<number>();
  const singles: ConfChangeSingle[] = [];
  for (const ch of changes) {
    const type = Object.hasOwn(CHANGE_TYPES, ch?.type) ? CHANGE_TYPES[ch.type] : undefined;
    if (type === undefined || !Number.isSafeInteger(ch.node) || ch.node < 1) {
      throw new ClusterError('InvalidRequest', 'a change is { type, node } with a node id >= 1', {
        change: ch,
      });
    }
    if (seen.has(ch.node)) {
      throw new ClusterError('InvalidRequest', `node ${ch.node} is changed twice`, {
        node: ch.node,
      });
    }
    seen.add(ch.node);
    singles.push({ type, nodeId: ch.node as NodeId });
  }
  return { transition: TRANSITIONS[transition], changes: singles, context: new Uint8Array(0) };
}
