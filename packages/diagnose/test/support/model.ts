/**
 * A small, correct-by-construction model of Raft for property tests: elections with the
 * up-to-date rule and one vote per term, appends with Raft's truncate-on-conflict rule and
 * terms checked, commits counted only for entries of the leader's term, followers learning the
 * commit index with appends, writes answered only once applied. Every history it produces is
 * one Raft allows, so a safety monitor must stay silent over it.
 *
 * It records what the runtime would: state events (BecomeLeader, Commit), proposal events and
 * snapshots, all with increasing sequence numbers.
 */

import type {
  ClusterSnapshot,
  GroupView,
  NodeView,
  ProposalEvent,
  Role,
  StateEvent,
  TraceEvent,
} from '@raftlens/trace';

export type Observation = ClusterSnapshot | TraceEvent[];

interface ModelNode {
  id: number;
  term: number;
  vote: number;
  lead: number;
  role: Role;
  /** log[i] is the term of entry i + 1. */
  log: number[];
  commit: number;
  applied: number;
  /** On a leader: what each follower is known to hold. */
  match: Map<number, number>;
  tick: number;
}

/** One step of a generated history; node 0 stands for the current leader. */
export type Op =
  | { kind: 'elect'; node: number }
  | { kind: 'propose'; node: number }
  | { kind: 'replicate'; from: number; to: number; upTo: number }
  | { kind: 'commit'; node: number }
  | { kind: 'apply'; node: number }
  | { kind: 'snapshot' };

export class RaftModel {
  readonly nodes: ModelNode[];
  readonly observations: Observation[] = [];
  private seq = 0;
  private proposalSeq = 0;
  /** Proposals waiting for their answer, by the leader that appended them. */
  private readonly waiting: Array<{ id: string; node: number; index: number; term: number }> = [];
  private batch: TraceEvent[] = [];

  /**
   * @param grantBlindly grant votes without comparing logs: a deliberately broken election, so
   *   that tests can show the monitor catching what it produces.
   */
  constructor(
    readonly size: number,
    private readonly grantBlindly = false,
  ) {
    this.nodes = Array.from({ length: size }, (_, i) => ({
      id: i + 1,
      term: 0,
      vote: 0,
      lead: 0,
      role: 'StateFollower' as Role,
      log: [],
      commit: 0,
      applied: 0,
      match: new Map(),
      tick: 0,
    }));
  }

  /** Node `id`, where 0 means the leader of the highest term (or node 1 when none). */
  private node(id: number): ModelNode {
    if (id === 0) {
      const leaders = this.nodes.filter((n) => n.role === 'StateLeader');
      const top = leaders.sort((a, b) => b.term - a.term)[0];
      return top ?? (this.nodes[0] as ModelNode);
    }
    const n = this.nodes[(id - 1) % this.size];
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  private base(n: ModelNode) {
    n.tick += 1;
    this.seq += 1;
    return { seq: this.seq, wallMs: this.seq, node: n.id, group: 1, tick: n.tick };
  }

  private stateEvent(n: ModelNode, name: StateEvent['name']): void {
    this.batch.push({
      ...this.base(n),
      kind: 'state',
      name,
      term: n.term,
      vote: n.vote,
      commit: n.commit,
      role: n.role,
      lastIndex: n.log.length,
      conf: [this.nodes.map((m) => m.id), []],
      learners: [],
    });
  }

  private proposalEvent(n: ModelNode, name: ProposalEvent['name'], p: (typeof this.waiting)[0]) {
    const e: ProposalEvent = {
      ...this.base(n),
      kind: 'proposal',
      name,
      proposalId: p.id,
      op: 'put',
      index: p.index,
      term: p.term,
    };
    if (name === 'Answered') e.ok = true;
    this.batch.push(e);
  }

  private flush(): void {
    if (this.batch.length > 0) this.observations.push(this.batch);
    this.batch = [];
  }

  private lastTerm(n: ModelNode): number {
    return n.log[n.log.length - 1] ?? 0;
  }

  private upToDate(c: ModelNode, v: ModelNode): boolean {
    if (this.grantBlindly) return true;
    const [ct, vt] = [this.lastTerm(c), this.lastTerm(v)];
    return ct > vt || (ct === vt && c.log.length >= v.log.length);
  }

  run(op: Op): void {
    switch (op.kind) {
      case 'elect':
        this.elect(this.node(op.node));
        break;
      case 'propose':
        this.propose(this.node(op.node));
        break;
      case 'replicate':
        this.replicate(this.node(op.from), this.node(op.to), op.upTo);
        break;
      case 'commit':
        this.advanceCommit(this.node(op.node));
        break;
      case 'apply':
        this.apply(this.node(op.node));
        break;
      case 'snapshot':
        this.flush();
        this.observations.push(this.snapshot());
        break;
    }
  }

  /** A candidate wins with the votes of a majority whose logs are not ahead of its own. */
  private elect(c: ModelNode): void {
    const term = Math.max(...this.nodes.map((n) => n.term)) + 1;
    const voters = this.nodes.filter((v) => this.upToDate(c, v));
    if (voters.length < Math.floor(this.size / 2) + 1) return;
    for (const v of voters) {
      v.term = term;
      v.vote = c.id;
      v.role = 'StateFollower';
      v.lead = c.id;
    }
    c.role = 'StateLeader';
    c.match = new Map(this.nodes.map((n) => [n.id, 0]));
    // A new leader appends an empty entry of its term at once.
    c.log.push(term);
    c.match.set(c.id, c.log.length);
    this.stateEvent(c, 'BecomeLeader');
  }

  private propose(l: ModelNode): void {
    if (l.role !== 'StateLeader') return;
    l.log.push(l.term);
    l.match.set(l.id, l.log.length);
    this.proposalSeq += 1;
    const p = { id: `p${this.proposalSeq}`, node: l.id, index: l.log.length, term: l.term };
    this.proposalEvent(l, 'Proposed', p);
    this.proposalEvent(l, 'Appended', p);
    this.waiting.push(p);
  }

  private replicate(l: ModelNode, f: ModelNode, upTo: number): void {
    if (l.role !== 'StateLeader' || f === l || f.term > l.term || l.log.length === 0) return;
    const k = 1 + (upTo % l.log.length);
    f.term = l.term;
    f.lead = l.id;
    f.role = 'StateFollower';
    for (let i = 0; i < k; i++) {
      if (f.log[i] !== l.log[i]) {
        f.log.length = i;
        for (let j = i; j < k; j++) f.log.push(l.log[j] ?? 0);
        break;
      }
    }
    f.commit = Math.max(f.commit, Math.min(l.commit, k));
    l.match.set(f.id, Math.max(l.match.get(f.id) ?? 0, k));
    this.stateEvent(f, 'ReceiveAppendEntriesRequest');
  }

  private advanceCommit(l: ModelNode): void {
    if (l.role !== 'StateLeader') return;
    const acked = this.nodes.map((n) => l.match.get(n.id) ?? 0).sort((a, b) => b - a);
    const q = acked[Math.floor(this.size / 2)] ?? 0;
    if (q <= l.commit || l.log[q - 1] !== l.term) return;
    l.commit = q;
    this.stateEvent(l, 'Commit');
  }

  /** Applies what is committed and answers the writes this node appended and still holds. */
  private apply(n: ModelNode): void {
    n.applied = n.commit;
    for (const p of [...this.waiting]) {
      if (p.node !== n.id || p.index > n.applied) continue;
      this.waiting.splice(this.waiting.indexOf(p), 1);
      if (n.log[p.index - 1] !== p.term) continue;
      this.proposalEvent(n, 'Committed', p);
      this.proposalEvent(n, 'Applied', p);
      this.proposalEvent(n, 'Answered', p);
    }
  }

  snapshot(): ClusterSnapshot {
    const ids = this.nodes.map((n) => n.id);
    const nodes: NodeView[] = this.nodes.map((n) => {
      const view: GroupView = {
        group: 1,
        role: n.role,
        term: n.term,
        vote: n.vote,
        lead: n.lead,
        commit: n.commit,
        applied: n.applied,
        persisted: n.log.length,
        log: {
          firstIndex: 1,
          lastIndex: n.log.length,
          snapshotIndex: 0,
          snapshotTerm: 0,
          entries: n.log.map((term, i) => ({
            index: i + 1,
            term,
            type: 'EntryNormal',
            bytes: 8,
            summary: `t${term}`,
          })),
        },
        confState: {
          voters: ids,
          learners: [],
          votersOutgoing: [],
          learnersNext: [],
          autoLeave: false,
        },
        leadTransferee: 0,
        electionElapsedTicks: 0,
        randomizedElectionTimeoutTicks: 10,
        promotable: true,
      };
      return {
        id: n.id,
        status: 'running',
        address: 'in-process',
        faults: [],
        tick: n.tick,
        groups: [view],
        kvSize: 0,
      };
    });
    this.seq += 1;
    return {
      cluster: 'model',
      mode: 'simulated',
      paused: false,
      speed: 1,
      tickMs: 100,
      groups: [1],
      nodes,
      links: [],
      partitions: [],
      held: [],
      seq: this.seq,
      wallMs: this.seq,
    };
  }

  /** Ends the history: pending events, then a last snapshot. */
  finish(): Observation[] {
    this.run({ kind: 'snapshot' });
    return this.observations;
  }

  /** The next sequence number, for mutations appended after the history. */
  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }
}
