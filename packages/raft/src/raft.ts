/**
 * The Raft state machine of one node (etcd raft's `raft` struct): its persistent state (term,
 * vote, log), its role, the leader's progress tracker, and the transitions between roles.
 *
 * It is pure: inputs are ticks and messages (`tick`, `step`), outputs are the messages queued in
 * `msgs` and `msgsAfterAppend` and the log's unstable and committed entries, which `RawNode`
 * turns into `Ready` values. The message handlers live in their own files, one concern each
 * (`step.ts`, `election.ts`, `leader.ts`, `leader-acks.ts`, `follower.ts`, `replication.ts`,
 * `read-index.ts`, `reconfig.ts`); this file holds the state and the transitions they share.
 */

import { Changer } from './confchange/changer.ts';
import { restore as restoreConfState } from './confchange/restore.ts';
import type { ResolvedConfig } from './config.ts';
import { type DropReason, proposalDropped, type RaftError } from './errors.ts';
import { RaftLog } from './log.ts';
import { fmtId, type Logger } from './logger.ts';
import type { RandomSource } from './random.ts';
import { ReadOnly } from './read-only.ts';
import { assertConfStatesEquivalent, switchToConfig } from './reconfig.ts';
import { step } from './step.ts';
import { emitTrace, type RaftTraceEvent, type RaftTraceEventName, traceSend } from './trace.ts';
import { Inflights } from './tracker/inflights.ts';
import { Progress } from './tracker/progress.ts';
import { ProgressTracker, trackerConfigToString } from './tracker/tracker.ts';
import {
  type Entry,
  type HardState,
  type LogIndex,
  type Message,
  NONE,
  type NodeId,
  type ReadState,
  type SoftState,
  type StateType,
  type Term,
} from './types.ts';
import { EMPTY_BYTES, msg, payloadsSize } from './util.ts';

/** The Raft state machine of one node (see the file comment). */
export class Raft {
  /** This node's id. */
  readonly id: NodeId;

  /** The current term. Persisted; only grows. */
  term: Term = 0 as Term;
  /** Whom this node voted for in `term` (NONE if nobody). Persisted. */
  vote: NodeId = NONE;

  /** Answers to ReadIndex requests, handed out in the next Ready. */
  readStates: ReadState[] = [];

  /** The log: stable entries in storage, then unstable ones. */
  readonly raftLog: RaftLog;

  /** Byte limit of the entries in one MsgApp. */
  readonly maxMsgSize: number;
  /** Byte limit of the payloads of the leader's uncommitted tail. */
  readonly maxUncommittedSize: number;

  /** The configuration and, on the leader, every peer's progress. */
  trk: ProgressTracker;
  /** The tracked peers in ascending id order; refreshed whenever `trk.progress` is replaced. */
  peerIds: NodeId[] = [];

  /** This node's role. */
  state: StateType = 'StateFollower';
  /** True if this node is a learner in its active configuration. */
  isLearner = false;

  /** Messages to send at once. They never target this node. */
  msgs: Message[] = [];
  /**
   * Messages to send only once the unstable state they depend on (term, vote, entries) is
   * durable: MsgAppResp, MsgVoteResp and MsgPreVoteResp, including the ones addressed to this
   * node itself (its own vote, the leader's acknowledgement of its own entries).
   */
  msgsAfterAppend: Message[] = [];

  /** The leader of `term`, as far as this node knows (NONE if unknown). */
  lead: NodeId = NONE;
  /** The node leadership is being transferred to (NONE if no transfer is in progress). */
  leadTransferee: NodeId = NONE;
  /**
   * An index at or after the latest configuration change in the log. A new change may be
   * proposed only once the applied index has reached it: one change at a time.
   */
  pendingConfIndex: LogIndex = 0 as LogIndex;
  /** Config.disableConfChangeValidation. */
  readonly disableConfChangeValidation: boolean;
  /** The payload bytes of the leader's uncommitted tail (an estimate that never overshoots). */
  uncommittedSize = 0;

  /** ReadIndex requests waiting for a quorum's confirmation (leader). */
  readOnly: ReadOnly;

  /**
   * Ticks since the last election timeout (leader, candidate) or since the last valid message
   * from the leader (follower).
   */
  electionElapsed = 0;
  /** Ticks since the last heartbeat (leader only). */
  heartbeatElapsed = 0;

  /** Config.checkQuorum. */
  readonly checkQuorum: boolean;
  /** Config.preVote. */
  readonly preVote: boolean;
  /** Config.heartbeatTick. */
  readonly heartbeatTimeout: number;
  /** Config.electionTick. */
  readonly electionTimeout: number;
  /** Drawn from [electionTimeout, 2 * electionTimeout) whenever the timer is reset. */
  randomizedElectionTimeout = 0;
  /** Config.disableProposalForwarding. */
  readonly disableProposalForwarding: boolean;
  /** Config.stepDownOnRemoval. */
  readonly stepDownOnRemoval: boolean;

  /** Where etcd's log prose goes. */
  readonly logger: Logger;
  private readonly random: RandomSource;
  /** Where trace events go; undefined disables tracing. */
  readonly traceSink: ((e: RaftTraceEvent) => void) | undefined;

  /**
   * ReadIndex requests that arrived before this leader committed an entry of its own term; they
   * are answered as soon as it has.
   */
  pendingReadIndexMessages: Message[] = [];

  constructor(c: ResolvedConfig) {
    this.id = c.id;
    this.logger = c.logger;
    this.random = c.random;
    this.traceSink = c.traceSink;
    this.raftLog = new RaftLog(c.storage, c.logger, c.maxCommittedSizePerReady);
    this.maxMsgSize = c.maxSizePerMsg;
    this.maxUncommittedSize = c.maxUncommittedEntriesSize;
    this.trk = new ProgressTracker(c.maxInflightMsgs, c.maxInflightBytes);
    this.electionTimeout = c.electionTick;
    this.heartbeatTimeout = c.heartbeatTick;
    this.checkQuorum = c.checkQuorum;
    this.preVote = c.preVote;
    this.readOnly = new ReadOnly(c.readOnlyOption);
    this.disableProposalForwarding = c.disableProposalForwarding;
    this.disableConfChangeValidation = c.disableConfChangeValidation;
    this.stepDownOnRemoval = c.stepDownOnRemoval;

    const { hardState: hs, confState: cs } = c.storage.initialState();
    this.trace('InitState');

    const last = this.raftLog.lastEntryId();
    const restored = restoreConfState(new Changer(this.trk, last.index), cs);
    if (!restored.ok) throw new Error(`cannot restore configuration: ${restored.error}`);
    assertConfStatesEquivalent(cs, switchToConfig(this, restored.config, restored.progress));

    if (hs.term !== 0 || hs.vote !== 0 || hs.commit !== 0) this.loadState(hs);
    if (c.applied > 0) this.raftLog.appliedTo(c.applied, 0);
    this.becomeFollower(this.term, NONE);

    const peers = this.trk.voterNodes().map(fmtId).join(',');
    this.logger.info(
      `newRaft ${fmtId(this.id)} [peers: [${peers}], term: ${this.term}, ` +
        `commit: ${this.raftLog.committed}, applied: ${this.raftLog.applied}, ` +
        `lastindex: ${last.index}, lastterm: ${last.term}]`,
    );
  }

  /** Handles one message (see `step.ts`). */
  step(m: Message): RaftError | null {
    return step(this, m);
  }

  /** Advances the logical clock by one tick. */
  tick(): void {
    if (this.state === 'StateLeader') this.tickHeartbeat();
    else this.tickElection();
  }

  /** True if a leader is known in this term. */
  hasLeader(): boolean {
    return this.lead !== NONE;
  }

  /** The volatile state: leader and role. */
  softState(): SoftState {
    return { lead: this.lead, raftState: this.state };
  }

  /** The state to persist: term, vote, commit index. */
  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  /**
   * Queues `m` for sending, filling in `from` and the term. Responses that vote (MsgAppResp,
   * MsgVoteResp, MsgPreVoteResp) wait in `msgsAfterAppend` until the state they vouch for is
   * durable: a node must not acknowledge entries or grant a vote it could forget in a crash.
   */
  send(m: Message): void {
    if (m.from === NONE) m.from = this.id;
    const t = m.type;
    if (t === 'MsgVote' || t === 'MsgVoteResp' || t === 'MsgPreVote' || t === 'MsgPreVoteResp') {
      // Campaign messages carry the term they are about, which is not always this node's term.
      // A refusal from a node still at term 0 is the one case where that term is 0.
      if (m.term === 0 && !m.reject) throw new Error(`term should be set when sending ${t}`);
    } else {
      if (m.term !== 0) throw new Error(`term should not be set when sending ${t} (was ${m.term})`);
      // Proposals and read requests are forwarded as if local: they carry no term.
      if (t !== 'MsgProp' && t !== 'MsgReadIndex') m.term = this.term;
    }
    if (t === 'MsgAppResp' || t === 'MsgVoteResp' || t === 'MsgPreVoteResp') {
      this.msgsAfterAppend.push(m);
    } else {
      if (m.to === this.id)
        throw new Error(`message should not be self-addressed when sending ${t}`);
      this.msgs.push(m);
    }
    if (this.traceSink !== undefined) traceSend(this, m);
  }

  /**
   * Resets the volatile state for a new role in `term`: the vote (if the term changes), the
   * leader, the timers, the transfer, the votes and every peer's progress.
   */
  reset(term: Term): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.abortLeaderTransfer();
    this.trk.resetVotes();
    const last = this.raftLog.lastIndex();
    for (const id of this.peerIds) {
      const old = this.trk.progress.get(id) as Progress;
      const pr = new Progress({
        next: (last + 1) as LogIndex,
        inflights: new Inflights(this.trk.maxInflight, this.trk.maxInflightBytes),
        isLearner: old.isLearner,
      });
      if (id === this.id) pr.match = last;
      this.trk.progress.set(id, pr);
    }
    this.pendingConfIndex = 0 as LogIndex;
    this.uncommittedSize = 0;
    this.readOnly = new ReadOnly(this.readOnly.option);
  }

  /**
   * Appends the leader's own entries at the end of its log, in its term. The leader does not
   * send itself a MsgApp; instead it queues a MsgAppResp to itself, delivered once the entries
   * are durable, which counts its own copy towards the commit quorum. Returns false if the
   * uncommitted-size limit refuses them.
   */
  appendEntry(es: readonly Entry[]): boolean {
    const li = this.raftLog.lastIndex();
    // Fresh entries: the proposal's entry objects may be shared with the sender.
    const ents: Entry[] = new Array(es.length);
    for (let i = 0; i < es.length; i++) {
      const e = es[i] as Entry;
      ents[i] = { term: this.term, index: (li + 1 + i) as LogIndex, type: e.type, data: e.data };
    }
    if (!this.increaseUncommittedSize(ents)) {
      this.logger.warn(
        `${fmtId(this.id)} appending new entries to log would exceed uncommitted entry size ` +
          'limit; dropping proposal',
      );
      return false;
    }
    if (this.traceSink !== undefined) {
      for (const e of ents) if (e.type === 'EntryNormal') this.trace('Replicate');
    }
    const last = this.raftLog.append(ents);
    this.send(msg('MsgAppResp', this.id, { index: last }));
    return true;
  }

  /** Followers and candidates: campaign once the randomized election timeout has passed. */
  tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.pastElectionTimeout()) {
      this.electionElapsed = 0;
      const err = this.step(msg('MsgHup', NONE, { from: this.id }));
      if (err !== null) this.logger.debug(`error occurred during election: ${err.message}`);
    }
  }

  /**
   * Leaders: heartbeat every heartbeatTimeout ticks; every electionTimeout ticks check the
   * quorum (with CheckQuorum) and give up a leadership transfer that has not completed.
   */
  tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorum) {
        const err = this.step(msg('MsgCheckQuorum', NONE, { from: this.id }));
        if (err !== null) {
          this.logger.debug(`error occurred during checking sending heartbeat: ${err.message}`);
        }
      }
      if (this.state === 'StateLeader' && this.leadTransferee !== NONE) this.abortLeaderTransfer();
    }
    if (this.state !== 'StateLeader') return;
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      const err = this.step(msg('MsgBeat', NONE, { from: this.id }));
      if (err !== null) {
        this.logger.debug(`error occurred during checking sending heartbeat: ${err.message}`);
      }
    }
  }

  /** Follows `lead` (or nobody) in `term`. */
  becomeFollower(term: Term, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.state = 'StateFollower';
    this.logger.info(`${fmtId(this.id)} became follower at term ${this.term}`);
    this.trace('BecomeFollower');
  }

  /** Starts an election: next term, vote for itself. */
  becomeCandidate(): void {
    if (this.state === 'StateLeader') throw new Error('invalid transition [leader -> candidate]');
    this.reset((this.term + 1) as Term);
    this.vote = this.id;
    this.state = 'StateCandidate';
    this.logger.info(`${fmtId(this.id)} became candidate at term ${this.term}`);
    this.trace('BecomeCandidate');
  }

  /**
   * Enters the PreVote phase. Unlike becoming a candidate it changes neither the term nor the
   * vote: a pre-candidate that loses has disturbed nobody.
   */
  becomePreCandidate(): void {
    if (this.state === 'StateLeader') {
      throw new Error('invalid transition [leader -> pre-candidate]');
    }
    this.trk.resetVotes();
    this.lead = NONE;
    this.state = 'StatePreCandidate';
    this.logger.info(`${fmtId(this.id)} became pre-candidate at term ${this.term}`);
    this.trace('BecomePreCandidate');
  }

  /**
   * Takes leadership of `term`. The leader's own progress is replicating and active by
   * definition. Since it cannot tell cheaply whether an unapplied configuration change is in
   * its log, it forbids new ones until everything it has is applied. Its first act is an empty
   * entry of its own term: committing it commits everything before it.
   */
  becomeLeader(): void {
    if (this.state === 'StateFollower') throw new Error('invalid transition [follower -> leader]');
    this.reset(this.term);
    this.lead = this.id;
    this.state = 'StateLeader';
    const pr = this.trk.progress.get(this.id) as Progress;
    pr.becomeReplicate();
    pr.recentActive = true;
    this.pendingConfIndex = this.raftLog.lastIndex();
    this.trace('BecomeLeader');
    const empty: Entry = {
      term: 0 as Term,
      index: 0 as LogIndex,
      type: 'EntryNormal',
      data: EMPTY_BYTES,
    };
    if (!this.appendEntry([empty])) throw new Error('empty entry was dropped');
    // The empty entry has no payload, so the uncommitted size is still 0.
    this.logger.info(`${fmtId(this.id)} became leader at term ${this.term}`);
  }

  /**
   * True if this node may campaign: it is a voter of its configuration, and no snapshot is
   * being applied (the configuration it would campaign with may be about to change).
   */
  promotable(): boolean {
    const pr = this.trk.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && !this.raftLog.hasNextOrInProgressSnapshot();
  }

  /** Tries to commit up to the quorum's match index (only entries of this term count). */
  maybeCommit(): boolean {
    const ok = this.raftLog.maybeCommit({ term: this.term, index: this.trk.committed() });
    if (ok) this.trace('Commit');
    return ok;
  }

  /**
   * Records entries up to `index` (of `size` bytes) as applied. A leader in a joint
   * configuration with auto-leave proposes leaving it once the change that entered it is
   * applied; if that proposal is refused (a transfer is in progress) it tries again on the next
   * applied entry.
   */
  appliedTo(index: LogIndex, size: number): void {
    const newApplied = Math.max(index, this.raftLog.applied) as LogIndex;
    this.raftLog.appliedTo(newApplied, size);
    if (
      this.trk.config.autoLeave &&
      newApplied >= this.pendingConfIndex &&
      this.state === 'StateLeader'
    ) {
      const entry: Entry = {
        term: 0 as Term,
        index: 0 as LogIndex,
        type: 'EntryConfChangeV2',
        data: EMPTY_BYTES,
      };
      const err = this.step(msg('MsgProp', NONE, { entries: [entry] }));
      const cfg = trackerConfigToString(this.trk.config);
      if (err !== null) {
        this.logger.debug(
          `not initiating automatic transition out of joint configuration ${cfg}: ${err.message}`,
        );
      } else {
        this.logger.info(`initiating automatic transition out of joint configuration ${cfg}`);
      }
    }
  }

  /** The snapshot at `snap.metadata.index` is durable and applied. */
  appliedSnap(index: LogIndex): void {
    this.raftLog.stableSnapTo(index);
    this.appliedTo(index, 0);
  }

  /** Restores the persisted HardState at start. */
  loadState(hs: HardState): void {
    if (hs.commit < this.raftLog.committed || hs.commit > this.raftLog.lastIndex()) {
      throw new Error(
        `${fmtId(this.id)} state.commit ${hs.commit} is out of range ` +
          `[${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`,
      );
    }
    this.raftLog.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }

  /** True once the randomized election timeout has elapsed. */
  pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout;
  }

  /** Draws a new election timeout in [electionTimeout, 2 * electionTimeout). */
  resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.electionTimeout + this.random.intn(this.electionTimeout);
  }

  /** Gives up a leadership transfer in progress. */
  abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }

  /**
   * Counts `ents` against the uncommitted-size limit. Always accepts when the uncommitted tail
   * is empty or the entries have no payload (a new leader's empty entry, leaving a joint
   * configuration), so that those can never be refused.
   */
  increaseUncommittedSize(ents: readonly Entry[]): boolean {
    // Without a limit there is nothing to enforce, and no need to count.
    if (this.maxUncommittedSize === Number.POSITIVE_INFINITY) return true;
    const s = payloadsSize(ents);
    if (this.uncommittedSize > 0 && s > 0 && this.uncommittedSize + s > this.maxUncommittedSize) {
      return false;
    }
    this.uncommittedSize += s;
    return true;
  }

  /** Applied entries' payloads no longer count against the limit. */
  reduceUncommittedSize(ents: readonly Entry[]): void {
    if (this.uncommittedSize === 0) return;
    const s = payloadsSize(ents);
    this.uncommittedSize = s > this.uncommittedSize ? 0 : this.uncommittedSize - s;
  }

  /** Proposal `m` is dropped for `reason`: reports it to the trace sink, returns the error. */
  dropProposal(reason: DropReason, m: Message): RaftError {
    if (this.traceSink !== undefined) this.trace('ProposalDropped', { reason, msg: m });
    return proposalDropped(reason);
  }

  /** Recomputes `peerIds` after `trk.progress` was replaced. */
  refreshPeerIds(): void {
    this.peerIds = [...this.trk.progress.keys()].sort((a, b) => a - b);
  }

  /** Emits a trace event with the node's current state, if a sink is configured. */
  trace(name: RaftTraceEventName, extra?: Partial<RaftTraceEvent>): void {
    if (this.traceSink !== undefined) emitTrace(this, this.traceSink, name, extra);
  }
}
