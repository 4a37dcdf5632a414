/**
 * A cluster whose nodes run in other processes, possibly on other hosts, each started with
 * `raftlens node` and registered with this dashboard. It is a `Cluster` like any other, so the
 * routes, the stream and the diagnostics serve it unchanged:
 *
 * - its snapshot merges the latest snapshot of every node process (each holds its own node);
 * - its trace is every node process's events, renumbered into one sequence as they arrive;
 * - a control call goes to the node process it concerns (the sender of a link, the node to
 *   crash, the leader for a membership change), or to all of them (pause, speed, partition).
 *
 * The nodes talk to each other directly; the dashboard only watches and relays.
 */

import {
  type Cluster,
  ClusterError,
  type ClusterOptions,
  type FindingRecord,
  type MembershipChange,
  type MembershipOptions,
  type MembershipResult,
  type ReadResult,
  type StepResult,
  type WriteResult,
} from '@raftlens/cluster';
import type {
  ClusterSnapshot,
  HeldMessageView,
  LinkRule,
  NodeView,
  TraceEvent,
} from '@raftlens/trace';
import type { FastifyBaseLogger } from 'fastify';
import { ApiError } from '../errors.ts';
import { type MemberInfo, MemberLink } from './member.ts';

export interface MemberView {
  node: number;
  url: string;
  connected: boolean;
}

export class FederatedCluster implements Cluster {
  readonly name: string;
  private readonly members = new Map<number, MemberLink>();
  private readonly listeners = new Set<(e: TraceEvent) => void>();
  private seq = 0;
  /** What the dashboard last told every node process: a joining one is told the same. */
  private paused = false;
  private speed = 1;

  constructor(
    readonly options: ClusterOptions,
    private readonly log: FastifyBaseLogger,
  ) {
    this.name = options.name;
  }

  /**
   * Adds a node process, or moves a known node to a new address. A process that joins while
   * the cluster is paused, or runs at another speed, is brought in line before this resolves:
   * otherwise a node restarted during a pause would tick and campaign on its own.
   */
  async addMember(info: MemberInfo): Promise<void> {
    if (info.node < 1 || info.node > this.options.size) {
      throw new ClusterError(
        'UnknownNode',
        `node ${info.node} is not a founding node of '${this.name}' (1..${this.options.size})`,
        { node: info.node },
      );
    }
    this.members.get(info.node)?.close();
    const link = new MemberLink(info, this.name, (event) => this.forward(event), this.log);
    this.members.set(info.node, link);
    link.start();
    try {
      if (this.paused) await link.call('POST', '/pause');
      if (this.speed !== 1) await link.call('PUT', '/speed', { factor: this.speed });
    } catch (err) {
      this.log.warn({ node: info.node, err: String(err) }, 'could not pause a joining node');
    }
  }

  removeMember(node: number): void {
    this.member(node).close();
    this.members.delete(node);
  }

  memberList(): MemberView[] {
    return [...this.members.values()]
      .map((m) => ({ node: m.info.node, url: m.info.url, connected: m.connected }))
      .sort((a, b) => a.node - b.node);
  }

  snapshot(): ClusterSnapshot {
    const parts = [...this.members.values()].filter((m) => m.snapshot !== null);
    const nodes: NodeView[] = [];
    const groups = new Set<number>();
    const held: HeldMessageView[] = [];
    const pending: HeldMessageView[] = [];
    const snapshot: ClusterSnapshot = {
      cluster: this.name,
      mode: 'live',
      paused: false,
      speed: 1,
      tickMs: this.options.tickMs,
      groups: [],
      nodes,
      links: [],
      partitions: [],
      held,
      pending,
      seq: this.seq,
      wallMs: Date.now(),
    };
    for (const member of parts) {
      const part = member.snapshot as ClusterSnapshot;
      for (const node of part.nodes) {
        if (node.id !== member.info.node) continue;
        // A process the dashboard cannot reach shows its node as last seen, stopped.
        nodes.push(member.connected ? node : { ...node, status: 'stopped' });
      }
      for (const g of part.groups) groups.add(g);
      snapshot.links.push(...part.links);
      held.push(...part.held);
      pending.push(...(part.pending ?? []));
      snapshot.paused ||= part.paused;
      snapshot.speed = part.speed;
      if (snapshot.partitions.length === 0) snapshot.partitions = part.partitions;
    }
    nodes.sort((a, b) => a.id - b.id);
    pending.sort((a, b) => a.heldAtMs - b.heldAtMs);
    snapshot.groups = [...groups].sort((a, b) => a - b);
    return snapshot;
  }

  subscribe(listener: (e: TraceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async pause(): Promise<void> {
    this.paused = true;
    await this.everyMember('POST', '/pause');
  }

  async resume(): Promise<void> {
    this.paused = false;
    await this.everyMember('POST', '/resume');
  }

  /**
   * A tick steps every node process. A message is the oldest one waiting in any node's inbox,
   * stepped by the process that holds it; with none waiting, the step is a tick.
   */
  async step(what: 'message' | 'tick'): Promise<StepResult> {
    if (what === 'message') {
      const oldest = this.snapshot().pending?.[0];
      if (oldest !== undefined && this.members.has(oldest.to)) {
        return this.member(oldest.to).call<StepResult>('POST', '/step', { what: 'message' });
      }
    }
    await this.everyMember('POST', '/step', { what: 'tick' });
    return { did: 'tick' };
  }

  async setSpeed(factor: number): Promise<void> {
    this.speed = factor;
    await this.everyMember('PUT', '/speed', { factor });
  }

  /** A link rule governs what its sender sends, so the sender's process keeps it. */
  async setLinkRule(from: number, to: number, rule: LinkRule): Promise<void> {
    this.knownNode(to);
    await this.member(from).call('PUT', `/links/${from}/${to}`, rule);
  }

  async clearLinkRule(from: number, to: number): Promise<void> {
    this.knownNode(to);
    await this.member(from).call('DELETE', `/links/${from}/${to}`);
  }

  async partition(groups: number[][]): Promise<void> {
    for (const id of groups.flat()) this.knownNode(id);
    await this.everyMember('POST', '/partition', { groups });
  }

  async heal(): Promise<void> {
    await this.everyMember('POST', '/heal');
  }

  async releaseHeld(msgId: string): Promise<void> {
    await this.holderOf(msgId).call('POST', `/held/${encodeURIComponent(msgId)}/release`);
  }

  async dropHeld(msgId: string): Promise<void> {
    await this.holderOf(msgId).call('POST', `/held/${encodeURIComponent(msgId)}/drop`);
  }

  async crash(node: number): Promise<void> {
    await this.member(node).call('POST', `/nodes/${node}/crash`);
  }

  async restart(node: number): Promise<void> {
    await this.member(node).call('POST', `/nodes/${node}/restart`);
  }

  async addNode(): Promise<number> {
    // TODO(server): joining a new, non-founding node process needs the runtime to start a node
    // outside the founding configuration; until then such clusters keep their founding size.
    throw new ClusterError(
      'InvalidRequest',
      'nodes of a multi-process cluster are added by starting `raftlens node`; ' +
        'only founding nodes can join for now',
    );
  }

  async removeNode(node: number, group = 1): Promise<void> {
    this.knownNode(node);
    await this.leaderMember(group).call('DELETE', `/nodes/${node}?group=${group}`);
  }

  async promoteLearner(node: number, group = 1): Promise<void> {
    this.knownNode(node);
    await this.leaderMember(group).call('POST', `/nodes/${node}/promote?group=${group}`);
  }

  async transferLeader(to: number, group = 1): Promise<void> {
    this.knownNode(to);
    await this.leaderMember(group).call('POST', '/transfer-leader', { to, group });
  }

  async campaign(node: number, group = 1): Promise<void> {
    await this.member(node).call('POST', `/nodes/${node}/campaign?group=${group}`);
  }

  async changeMembership(
    changes: MembershipChange[],
    opts: MembershipOptions = {},
  ): Promise<MembershipResult> {
    for (const change of changes) {
      if (change.type !== 'remove') this.knownNode(change.node);
    }
    return this.leaderMember(opts.group ?? 1).call<MembershipResult>('POST', '/membership', {
      changes,
      ...opts,
    });
  }

  async leaveJoint(group = 1): Promise<MembershipResult> {
    return this.leaderMember(group).call<MembershipResult>(
      'POST',
      `/membership/leave-joint?group=${group}`,
    );
  }

  async compact(node: number, group = 1): Promise<number> {
    const answer = await this.member(node).call<{ index: number }>(
      'POST',
      `/nodes/${node}/compact?group=${group}`,
    );
    return answer.index;
  }

  async put(
    key: string,
    value: string,
    opts: { via?: number; timeoutMs?: number; group?: number } = {},
  ): Promise<WriteResult> {
    const via = opts.via ?? this.leaderId(opts.group ?? 1) ?? this.anyNode();
    return this.member(via).call<WriteResult>(
      'PUT',
      `/kv/${encodeURIComponent(key)}${query({ ...opts, via })}`,
      { value },
    );
  }

  async get(
    key: string,
    opts: { via?: number; timeoutMs?: number; group?: number } = {},
  ): Promise<ReadResult> {
    const via = opts.via ?? this.leaderId(opts.group ?? 1) ?? this.anyNode();
    try {
      return await this.member(via).call<ReadResult>(
        'GET',
        `/kv/${encodeURIComponent(key)}${query({ ...opts, via })}`,
      );
    } catch (err) {
      if (err instanceof ApiError && err.code === 'KeyNotFound') {
        const readIndex = Number(err.detail.readIndex ?? 0);
        return { key, value: null, readIndex, node: via };
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    for (const member of this.members.values()) member.close();
    this.members.clear();
    this.listeners.clear();
  }

  /** Numbered into the merged trace here: the dashboard's findings are its own, not a node's. */
  recordFinding(finding: FindingRecord): void {
    const { nodes, group, ...fields } = finding;
    this.forward({
      kind: 'finding',
      ...fields,
      ...(nodes !== undefined ? { nodes: [...nodes] } : {}),
      seq: 0,
      wallMs: Date.now(),
      node: 0,
      group: group ?? 0,
      tick: 0,
    });
  }

  private forward(event: TraceEvent): void {
    const renumbered = { ...event, seq: ++this.seq };
    for (const listener of this.listeners) listener(renumbered);
  }

  private member(node: number): MemberLink {
    const member = this.members.get(node);
    if (member === undefined) {
      throw new ClusterError('UnknownNode', `no node ${node} has joined '${this.name}'`, { node });
    }
    return member;
  }

  private knownNode(node: number): void {
    this.member(node);
  }

  private anyNode(): number {
    const first = this.memberList().find((m) => m.connected) ?? this.memberList()[0];
    if (first === undefined) throw new ClusterError('NoLeader', 'no node has joined yet');
    return first.node;
  }

  /** The node that leads `group` at the highest term, as the latest snapshots tell. */
  private leaderId(group: number): number | undefined {
    let leader: number | undefined;
    let term = -1;
    for (const node of this.snapshot().nodes) {
      const view = node.groups.find((g) => g.group === group);
      if (node.status === 'running' && view?.role === 'StateLeader' && view.term > term) {
        leader = node.id;
        term = view.term;
      }
    }
    return leader;
  }

  private leaderMember(group: number): MemberLink {
    const leader = this.leaderId(group);
    if (leader === undefined) {
      throw new ClusterError('NoLeader', `group ${group} has no leader now`, { group });
    }
    return this.member(leader);
  }

  private holderOf(msgId: string): MemberLink {
    for (const member of this.members.values()) {
      const snapshot = member.snapshot;
      const all = [...(snapshot?.held ?? []), ...(snapshot?.pending ?? [])];
      if (all.some((m) => m.msgId === msgId)) return member;
    }
    throw new ClusterError('UnknownMessage', `no node holds message ${msgId}`, { msgId });
  }

  /** Calls every node process; the first failure is the answer, after all have been tried. */
  private async everyMember(method: string, path: string, body?: unknown): Promise<void> {
    const results = await Promise.allSettled(
      [...this.members.values()].map((member) => member.call(method, path, body)),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }
}

function query(opts: { via?: number; timeoutMs?: number; group?: number }): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(opts)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
