/**
 * The actions a step can take, on top of the cluster's control surface. Requests that take
 * virtual time to complete (writes, reads, transfers, membership changes) are started here and
 * tracked under a label rather than awaited: time only moves once `act` has returned, so an
 * awaited write would never finish. Steps wait for them with `until` and check them with
 * `expect.ops`.
 */

import type { MembershipChange, MembershipTransition, RaftCluster } from '@raftlens/cluster';
import type { ConfChangeTransition } from '@raftlens/raft';
import type { LinkRule } from '@raftlens/trace';
import { ScenarioError } from './errors.ts';
import type { NodeRef } from './model.ts';
import type { OpKind, RunRecord } from './run-record.ts';

/** etcd's names of the transitions, as the cluster's membership changes name them. */
const TRANSITIONS: Record<ConfChangeTransition, MembershipTransition> = {
  ConfChangeTransitionAuto: 'auto',
  ConfChangeTransitionJointImplicit: 'implicit',
  ConfChangeTransitionJointExplicit: 'explicit',
};

/** Runs `fn` and turns a synchronous throw into a rejected promise. */
function attempt<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return fn();
  } catch (err) {
    return Promise.reject(err);
  }
}

export class ScenarioContext {
  constructor(private readonly run: RunRecord) {}

  /** The cluster itself, for anything the helpers below do not cover. */
  get cluster(): RaftCluster {
    return this.run.cluster;
  }

  // Nodes and names.

  /** Gives `node` a name later steps, expectations and narration can use. */
  name(name: string, node: NodeRef): number {
    const id = this.node(node);
    this.run.names.set(name, id);
    return id;
  }

  node(ref: NodeRef): number {
    return this.run.resolve(ref);
  }

  /** The leader of group 1; throws `NoLeader` when no node leads. */
  leader(): number {
    const id = this.run.cluster.leaderOf(1);
    if (id === null) throw new ScenarioError('NoLeader', 'no node leads group 1 now');
    return id;
  }

  /** Running nodes, ascending. */
  running(): number[] {
    return this.run.cluster
      .snapshot()
      .nodes.filter((n) => n.status === 'running')
      .map((n) => n.id);
  }

  /** Running nodes other than the leader, ascending. */
  followers(): number[] {
    const leader = this.run.cluster.leaderOf(1);
    return this.running().filter((id) => id !== leader);
  }

  // Client requests, tracked under a label.

  write(label: string, key: string, value: string, opts: { via?: NodeRef } = {}): void {
    const via = opts.via === undefined ? undefined : this.node(opts.via);
    const c = this.run.cluster;
    this.track(label, 'write', via ?? c.leaderOf(1), () =>
      c.put(key, value, via === undefined ? {} : { via }),
    );
  }

  /** A linearizable read through ReadIndex. */
  read(label: string, key: string, opts: { via?: NodeRef } = {}): void {
    const via = opts.via === undefined ? undefined : this.node(opts.via);
    const c = this.run.cluster;
    this.track(label, 'read', via ?? c.leaderOf(1), () =>
      c.get(key, via === undefined ? {} : { via }),
    );
  }

  transfer(label: string, to: NodeRef): void {
    const id = this.node(to);
    this.track(label, 'transfer', id, () => this.run.cluster.transferLeader(id));
  }

  /** Starts a new node and adds it; the op's result is the new node's id. */
  addNode(label: string, opts: { learner: boolean }): void {
    this.track(label, 'add-node', null, () => this.run.cluster.addNode(opts));
  }

  // Faults and the network.

  async crash(node: NodeRef): Promise<void> {
    await this.run.cluster.crash(this.node(node));
  }

  async restart(node: NodeRef): Promise<void> {
    await this.run.cluster.restart(this.node(node));
  }

  partition(groups: NodeRef[][]): void {
    this.run.cluster.partition(groups.map((g) => g.map((n) => this.node(n))));
  }

  /** Cuts `node` off from every other node. */
  isolate(node: NodeRef): void {
    const id = this.node(node);
    const rest = [...this.run.cluster.nodes.keys()].filter((n) => n !== id).sort((a, b) => a - b);
    this.run.cluster.partition([[id], rest]);
  }

  heal(): void {
    this.run.cluster.heal();
  }

  setLink(from: NodeRef, to: NodeRef, rule: LinkRule): void {
    this.run.cluster.setLinkRule(this.node(from), this.node(to), rule);
  }

  clearLink(from: NodeRef, to: NodeRef): void {
    this.run.cluster.clearLinkRule(this.node(from), this.node(to));
  }

  /** Clears every link rule (partitions are left alone; `heal` ends those). */
  clearLinks(): void {
    for (const l of this.run.cluster.snapshot().links) this.run.cluster.clearLinkRule(l.from, l.to);
  }

  /** Parks messages on a link until released or dropped (all types, or only `types`). */
  hold(from: NodeRef, to: NodeRef, types?: string[]): void {
    this.setLink(from, to, types === undefined ? { hold: true } : { hold: true, types });
  }

  /** Releases every held message, oldest first. */
  releaseHeld(): void {
    for (const h of this.run.cluster.snapshot().held) this.run.cluster.releaseHeld(h.msgId);
  }

  /** Drops every held message (optionally only those of `type`). */
  dropHeld(type?: string): void {
    for (const h of this.run.cluster.snapshot().held) {
      if (type === undefined || h.type === type) this.run.cluster.dropHeld(h.msgId);
    }
  }

  /** Snapshots a node's state machine and discards its log up to it. */
  async compact(node: NodeRef): Promise<number> {
    return this.run.cluster.compact(this.node(node));
  }

  /**
   * Makes a node start an election now, as if its election timeout had fired. The campaign
   * runs before this returns (or waits in the node's inbox while paused); the promise only
   * reports a refusal (`NodeCrashed`, `UnknownNode`).
   */
  campaign(node: NodeRef): Promise<void> {
    return this.run.cluster.campaign(this.node(node), 1);
  }

  /**
   * Proposes several membership changes at once through the leader, through a joint
   * configuration; an empty list of changes leaves a joint configuration. The op settles once
   * the change is applied on the leader (with `ConfChangeTransitionJointExplicit`, once the
   * joint configuration is entered) and its result is `{ confState }`.
   */
  changeConf(label: string, changes: MembershipChange[], transition: ConfChangeTransition): void {
    const c = this.run.cluster;
    this.track(label, 'conf-change', this.leader(), () =>
      changes.length === 0
        ? c.leaveJoint(1)
        : c.changeMembership(changes, { transition: TRANSITIONS[transition], group: 1 }),
    );
  }

  /** Adds a voter by id, for use in `changeConf`; an unknown id starts a new node. */
  static addVoter(id: number): MembershipChange {
    return { type: 'add-voter', node: id };
  }

  static removeNode(id: number): MembershipChange {
    return { type: 'remove', node: id };
  }

  private track<T>(label: string, kind: OpKind, node: number | null, fn: () => Promise<T>): void {
    this.run.track(label, kind, node, attempt(fn));
  }
}
