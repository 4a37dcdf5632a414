/**
 * The actions a step can take, on top of the cluster's control surface. Requests that take
 * virtual time to complete (writes, reads, transfers, membership changes) are started here and
 * tracked under a label rather than awaited: time only moves once `act` has returned, so an
 * awaited write would never finish. Steps wait for them with `until` and check them with
 * `expect.ops`.
 */

import type { RaftCluster } from '@raftlens/cluster';
import type { ConfChangeSingle, ConfChangeTransition, NodeId } from '@raftlens/raft';
import type { LinkRule } from '@raftlens/trace';
import { ScenarioError } from './errors.ts';
import type { NodeRef } from './model.ts';
import type { OpKind, RunRecord } from './run-record.ts';

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
   * Makes a node start an election now, as if its election timeout had fired.
   *
   * TODO(cluster): the Cluster surface has no campaign control; this reaches the group's
   * RawNode through `RaftCluster.runningGroup`, and no control event records the request.
   */
  campaign(node: NodeRef): void {
    const id = this.node(node);
    const g = this.run.cluster.runningGroup(id, 1);
    this.run.cluster.knownNode(id).runLocal(1, 'Campaign', () => {
      g.rn.campaign();
      g.processReady();
    });
  }

  /**
   * Proposes a ConfChangeV2 to the leader: several changes at once, through a joint
   * configuration. An empty list of changes leaves a joint configuration. The op settles once
   * the leader has applied a configuration that differs from the one it had.
   *
   * TODO(cluster): the Cluster surface offers one-node changes only (addNode, removeNode,
   * promoteLearner); this proposes on the leader's RawNode directly, so the op is judged from
   * the leader's configuration rather than answered by the runtime.
   */
  changeConf(label: string, changes: ConfChangeSingle[], transition: ConfChangeTransition): void {
    const c = this.run.cluster;
    const leader = this.leader();
    const g = c.runningGroup(leader, 1);
    const before = JSON.stringify(g.confState);
    const cc = { transition, changes, context: new Uint8Array(0) };
    const deadlineMs = c.scheduler.now() + c.requestTimeoutMs;
    const applied = new Promise<unknown>((resolve, reject) => {
      c.knownNode(leader).runLocal(1, 'ProposeConfChange', () => {
        const err = g.rn.proposeConfChange(cc);
        if (err !== null) {
          reject(new ScenarioError('ConfChangeRejected', err.message, { reason: err.code }));
          return;
        }
        g.processReady();
      });
      const poll = () => {
        const now = c.nodes.get(leader)?.group(1)?.confState;
        if (now !== undefined && JSON.stringify(now) !== before) resolve(now);
        else if (c.scheduler.now() >= deadlineMs) {
          reject(new ScenarioError('Timeout', `node ${leader} did not apply the change in time`));
        } else c.scheduler.after(c.options.tickMs / 4, poll);
      };
      c.scheduler.after(0, poll);
    });
    this.run.track(label, 'conf-change', leader, applied);
  }

  /** Adds a voter by id, for use in `changeConf`. */
  static addVoter(id: number): ConfChangeSingle {
    return { type: 'ConfChangeAddNode', nodeId: id as NodeId };
  }

  static removeNode(id: number): ConfChangeSingle {
    return { type: 'ConfChangeRemoveNode', nodeId: id as NodeId };
  }

  private track<T>(label: string, kind: OpKind, node: number | null, fn: () => Promise<T>): void {
    this.run.track(label, kind, node, attempt(fn));
  }
}
