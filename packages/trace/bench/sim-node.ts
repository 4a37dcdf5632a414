/**
 * One node of the trace generator's small Raft: enough of the algorithm (elections, log
 * replication with conflict repair, commit by quorum, heartbeats) that the events it emits are
 * what a real run emits, in kind, order and proportion. It is a fixture for tests and the
 * benchmark, not a Raft implementation: no PreVote, no configuration changes, no snapshots.
 */

import type {
  MessageSummary,
  ProgressView,
  ReadyEvent,
  Role,
  StateEventName,
  TraceEvent,
} from '../src/index.ts';

/** An event before the generator stamps its sequence number and time. */
export type Unstamped = TraceEvent extends infer E
  ? E extends TraceEvent
    ? Omit<E, 'seq' | 'wallMs'>
    : never
  : never;

/** What a node needs from the simulated cluster around it. */
export interface SimHost {
  emit(e: Unstamped): void;
  random(): number;
  voters: readonly number[];
}

export interface Peer {
  match: number;
  next: number;
  state: ProgressView['state'];
  recentActive: boolean;
}

export type OutMessage = MessageSummary;

const ELECTION_TICKS = 10;
const HEARTBEAT_TICKS = 2;
const ENTRIES_PER_APPEND_MAX = 8;

export class SimNode {
  running = true;
  tick = 0;
  term = 0;
  vote = 0;
  role: Role = 'StateFollower';
  lead = 0;
  /** log[i - 1] is the term of entry i. */
  log: number[] = [];
  entryBytes: number[] = [];
  commit = 0;
  applied = 0;
  peers = new Map<number, Peer>();
  votes = new Map<number, boolean>();
  outbox: OutMessage[] = [];
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private timeout = ELECTION_TICKS;
  private ready: Partial<Pick<ReadyEvent, 'softState' | 'hardState'>> & {
    lo?: number;
    hi?: number;
  } = {};
  private lastProgress = '';

  constructor(
    readonly id: number,
    private readonly host: SimHost,
  ) {
    this.resetTimeout();
  }

  get lastIndex(): number {
    return this.log.length;
  }

  termAt(i: number): number {
    return i === 0 ? 0 : (this.log[i - 1] ?? 0);
  }

  /** Emits a state event with this node's state. */
  state(name: StateEventName, extra: { msg?: MessageSummary; progress?: object } = {}): void {
    this.host.emit({
      kind: 'state',
      name,
      node: this.id,
      group: 1,
      tick: this.tick,
      term: this.term,
      vote: this.vote,
      commit: this.commit,
      role: this.role,
      lastIndex: this.lastIndex,
      conf: [[...this.host.voters], []],
      learners: [],
      ...extra,
    } as Unstamped);
  }

  init(): void {
    this.role = 'StateFollower';
    this.lead = 0;
    this.votes.clear();
    this.peers.clear();
    this.state('InitState');
  }

  private resetTimeout(): void {
    this.timeout = ELECTION_TICKS + Math.floor(this.host.random() * ELECTION_TICKS);
    this.electionElapsed = 0;
  }

  private soft(): void {
    this.ready.softState = { lead: this.lead, role: this.role };
  }

  private hard(): void {
    this.ready.hardState = { term: this.term, vote: this.vote, commit: this.commit };
  }

  private appended(lo: number, hi: number): void {
    this.ready.lo = this.ready.lo === undefined ? lo : Math.min(this.ready.lo, lo);
    this.ready.hi = hi;
  }

  becomeFollower(term: number, lead: number): void {
    if (term > this.term) {
      this.term = term;
      this.vote = 0;
    }
    this.role = 'StateFollower';
    this.lead = lead;
    this.peers.clear();
    this.resetTimeout();
    this.state('BecomeFollower');
    this.soft();
    this.hard();
  }

  private campaign(): void {
    this.term++;
    this.vote = this.id;
    this.role = 'StateCandidate';
    this.lead = 0;
    this.votes = new Map([[this.id, true]]);
    this.resetTimeout();
    this.state('BecomeCandidate');
    this.soft();
    this.hard();
    for (const to of this.host.voters) {
      if (to === this.id) continue;
      const m = this.message('MsgVote', to, {
        index: this.lastIndex,
        logTerm: this.termAt(this.lastIndex),
      });
      this.state('SendRequestVoteRequest', { msg: m });
    }
  }

  private becomeLeader(): void {
    this.role = 'StateLeader';
    this.lead = this.id;
    this.peers.clear();
    for (const p of this.host.voters) {
      if (p !== this.id) {
        this.peers.set(p, {
          match: 0,
          next: this.lastIndex + 1,
          state: 'StateProbe',
          recentActive: true,
        });
      }
    }
    this.state('BecomeLeader');
    this.soft();
    this.append(1, 0);
    this.broadcastAppend();
  }

  /** The leader appends `count` entries of its term; returns the first new index. */
  append(count: number, bytes: number): number {
    const lo = this.lastIndex + 1;
    for (let i = 0; i < count; i++) {
      this.log.push(this.term);
      this.entryBytes.push(bytes);
      if (bytes > 0) this.state('Replicate');
    }
    this.appended(lo, this.lastIndex);
    this.maybeCommit();
    return lo;
  }

  onTick(): void {
    this.tick++;
    if (this.role === 'StateLeader') {
      if (++this.heartbeatElapsed >= HEARTBEAT_TICKS) {
        this.heartbeatElapsed = 0;
        for (const [to, pr] of this.peers) {
          const m = this.message('MsgHeartbeat', to, { commit: Math.min(pr.match, this.commit) });
          this.state('SendAppendEntriesRequest', { msg: m });
        }
      }
      return;
    }
    if (++this.electionElapsed >= this.timeout) this.campaign();
  }

  broadcastAppend(): void {
    for (const to of this.peers.keys()) this.sendAppend(to);
  }

  private sendAppend(to: number): void {
    const pr = this.peers.get(to);
    if (pr === undefined) return;
    const prev = pr.next - 1;
    const hi = Math.min(this.lastIndex, prev + ENTRIES_PER_APPEND_MAX);
    const entries: Array<[number, number, string, number]> = [];
    for (let i = prev + 1; i <= hi; i++) {
      entries.push([this.termAt(i), i, 'EntryNormal', this.entryBytes[i - 1] ?? 0]);
    }
    if (entries.length === 0 && pr.state === 'StateReplicate') return;
    const m = this.message('MsgApp', to, {
      index: prev,
      logTerm: this.termAt(prev),
      commit: this.commit,
      entries,
    });
    if (pr.state === 'StateReplicate') pr.next = hi + 1;
    this.state('SendAppendEntriesRequest', {
      msg: m,
      progress: { match: pr.match, next: pr.next },
    });
  }

  /** Handles a delivered message. */
  step(m: MessageSummary): void {
    if (m.term > this.term) {
      const fromLeader = m.type === 'MsgApp' || m.type === 'MsgHeartbeat';
      this.becomeFollower(m.term, fromLeader ? m.from : 0);
    }
    if (m.term < this.term) return;
    switch (m.type) {
      case 'MsgVote':
        this.onVote(m);
        return;
      case 'MsgVoteResp':
        this.onVoteResp(m);
        return;
      case 'MsgApp':
      case 'MsgHeartbeat':
        this.onAppend(m);
        return;
      case 'MsgAppResp':
      case 'MsgHeartbeatResp':
        this.onAppendResp(m);
        return;
    }
  }

  private onVote(m: MessageSummary): void {
    this.state('ReceiveRequestVoteRequest', { msg: m });
    const last = this.lastIndex;
    const upToDate =
      m.logTerm > this.termAt(last) || (m.logTerm === this.termAt(last) && m.index >= last);
    const grant = (this.vote === 0 || this.vote === m.from) && this.lead === 0 && upToDate;
    if (grant) {
      this.vote = m.from;
      this.electionElapsed = 0;
      this.hard();
    }
    const resp = this.message('MsgVoteResp', m.from, { reject: !grant });
    this.state('SendRequestVoteResponse', { msg: resp });
  }

  private onVoteResp(m: MessageSummary): void {
    this.state('ReceiveRequestVoteResponse', { msg: m });
    if (this.role !== 'StateCandidate') return;
    this.votes.set(m.from, !m.reject);
    const quorum = Math.floor(this.host.voters.length / 2) + 1;
    const granted = [...this.votes.values()].filter((v) => v).length;
    if (granted >= quorum) this.becomeLeader();
    else if (this.votes.size - granted >= quorum) this.becomeFollower(this.term, 0);
  }

  private onAppend(m: MessageSummary): void {
    if (this.role !== 'StateFollower' || this.lead !== m.from) this.becomeFollower(m.term, m.from);
    this.electionElapsed = 0;
    this.state('ReceiveAppendEntriesRequest', { msg: m });
    if (m.type === 'MsgHeartbeat') {
      this.advanceCommit(Math.min(m.commit, this.lastIndex));
      const resp = this.message('MsgHeartbeatResp', m.from, {});
      this.state('SendAppendEntriesResponse', { msg: resp });
      return;
    }
    if (m.index > this.lastIndex || this.termAt(m.index) !== m.logTerm) {
      const hint = Math.min(m.index - 1, this.lastIndex);
      const resp = this.message('MsgAppResp', m.from, {
        index: m.index,
        reject: true,
        rejectHint: hint,
      });
      this.state('SendAppendEntriesResponse', { msg: resp });
      return;
    }
    let lo = 0;
    for (const [term, index, , bytes] of m.entries) {
      if (index <= this.lastIndex && this.termAt(index) === term) continue;
      if (index <= this.lastIndex) {
        this.log.length = index - 1;
        this.entryBytes.length = index - 1;
      }
      this.log.push(term);
      this.entryBytes.push(bytes);
      if (lo === 0) lo = index;
    }
    const lastNew = m.index + m.entries.length;
    if (lo > 0) this.appended(lo, this.lastIndex);
    this.advanceCommit(Math.min(m.commit, lastNew));
    const resp = this.message('MsgAppResp', m.from, { index: lastNew });
    this.state('SendAppendEntriesResponse', { msg: resp });
  }

  private advanceCommit(to: number): void {
    if (to <= this.commit) return;
    this.commit = to;
    this.state('Commit');
    this.hard();
  }

  private onAppendResp(m: MessageSummary): void {
    this.state('ReceiveAppendEntriesResponse', { msg: m });
    const pr = this.peers.get(m.from);
    if (this.role !== 'StateLeader' || pr === undefined) return;
    pr.recentActive = true;
    if (m.type === 'MsgHeartbeatResp') {
      if (pr.match < this.lastIndex) this.sendAppend(m.from);
      return;
    }
    if (m.reject) {
      pr.next = Math.max(1, Math.min(pr.next - 1, m.rejectHint + 1));
      pr.state = 'StateProbe';
      this.state('ReduceNextIndex', { msg: m, progress: { match: pr.match, next: pr.next } });
      this.sendAppend(m.from);
      return;
    }
    if (m.index > pr.match) {
      pr.match = m.index;
      pr.next = Math.max(pr.next, m.index + 1);
      pr.state = 'StateReplicate';
      this.maybeCommit();
    }
    if (pr.next <= this.lastIndex) this.sendAppend(m.from);
  }

  private maybeCommit(): void {
    if (this.role !== 'StateLeader') return;
    const matches = [this.lastIndex, ...[...this.peers.values()].map((p) => p.match)];
    matches.sort((a, b) => b - a);
    const q = matches[Math.floor(this.host.voters.length / 2)] ?? 0;
    // Only an entry of the leader's own term commits by counting replicas.
    if (q > this.commit && this.termAt(q) === this.term) this.advanceCommit(q);
  }

  private message(type: string, to: number, f: Partial<MessageSummary>): MessageSummary {
    const entries = f.entries ?? [];
    const m: MessageSummary = {
      type,
      from: this.id,
      to,
      term: this.term,
      logTerm: 0,
      index: 0,
      commit: 0,
      vote: 0,
      reject: false,
      rejectHint: 0,
      ...f,
      entries,
      entryCount: entries.length,
      bytes: 48 + entries.reduce((n, e) => n + 16 + e[3], 0),
    };
    this.outbox.push(m);
    return m;
  }

  /** Emits the Ready that the last step produced, and the leader's progress if it changed. */
  flushReady(): { committed: [number, number] | null } {
    const r = this.ready;
    this.ready = {};
    const committed: [number, number] | null =
      this.commit > this.applied ? [this.applied + 1, this.commit] : null;
    if (committed) this.applied = this.commit;
    const entries: [number, number] | null =
      r.lo !== undefined && r.hi !== undefined && r.lo <= this.lastIndex
        ? [r.lo, this.lastIndex]
        : null;
    if (r.softState || r.hardState || entries || committed || this.outbox.length > 0) {
      const e: Omit<ReadyEvent, 'seq' | 'wallMs'> = {
        kind: 'ready',
        name: 'Ready',
        node: this.id,
        group: 1,
        tick: this.tick,
        mustSync: entries !== null || r.hardState !== undefined,
        entries,
        committed,
        messages: this.outbox.length,
        readStates: 0,
      };
      if (r.softState) e.softState = r.softState;
      if (r.hardState) e.hardState = { term: this.term, vote: this.vote, commit: this.commit };
      this.host.emit(e);
    }
    this.emitProgress();
    return { committed };
  }

  private emitProgress(): void {
    if (this.role !== 'StateLeader') {
      this.lastProgress = '';
      return;
    }
    const progress: Record<string, ProgressView> = {};
    for (const [id, p] of this.peers) {
      progress[id] = {
        match: p.match,
        next: p.next,
        state: p.state,
        paused: false,
        inflights: p.state === 'StateReplicate' ? p.next - 1 - p.match : 0,
        inflightsFull: false,
        recentActive: p.recentActive,
        pendingSnapshot: 0,
        isLearner: false,
        msgAppFlowPaused: false,
      };
    }
    const json = JSON.stringify(progress);
    if (json === this.lastProgress) return;
    this.lastProgress = json;
    this.host.emit({
      kind: 'progress',
      name: 'Progress',
      node: this.id,
      group: 1,
      tick: this.tick,
      term: this.term,
      progress,
    });
  }

  /** The node crashed: everything but its hard state and log is lost. */
  crash(): void {
    this.running = false;
    this.role = 'StateFollower';
    this.lead = 0;
    this.applied = 0;
    this.peers.clear();
    this.outbox = [];
    this.ready = {};
    this.lastProgress = '';
  }
}
