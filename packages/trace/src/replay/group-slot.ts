/**
 * The replay's mutable record of one group on one node, and the rules that turn log evidence
 * (last indexes, Ready ranges, the entries and log terms that messages carry) into term runs.
 *
 * A slot is cloned at every checkpoint, so everything it points to (runs, configuration lists,
 * progress records, stashed messages) is treated as immutable and replaced, never edited.
 */

import type { MessageSummary, ProgressView, Role } from '../events.ts';
import type { GroupView } from '../snapshot.ts';
import { emptyRuns, fitRuns, termAt, truncateAfter, writeRun } from './log-runs.ts';
import type { ReplayGroupState, ReplayProgress, TermRun } from './state.ts';

/**
 * How many delivered MsgApps a slot remembers until its next Ready persists them: a burst of
 * small appends can arrive between two Readys.
 */
const STASH_MAX = 32;

/** Message types only the leader of a term sends: receiving one names that leader. */
export const LEADER_MESSAGE_TYPES: ReadonlySet<string> = new Set([
  'MsgApp',
  'MsgHeartbeat',
  'MsgSnap',
]);

export class GroupSlot {
  role: Role | null = null;
  term: number | null = null;
  vote: number | null = null;
  lead: number | null = null;
  commit: number | null = null;
  applied: number | null = null;
  persisted: number | null = null;
  firstIndex = 1;
  lastIndex: number | null = null;
  snapshotIndex = 0;
  snapshotTerm: number | null = 0;
  runs: readonly TermRun[] = emptyRuns();
  voters: readonly number[] | null = null;
  votersOutgoing: readonly number[] | null = null;
  learners: readonly number[] | null = null;
  progress: Readonly<Record<string, ReplayProgress>> | null = null;
  lastSeq = 0;
  /** The newest message from a leader this node received: its term and sender; -1 if none. */
  contactTerm = -1;
  contactFrom = 0;
  /** MsgApps delivered since the last Ready, newest last: they say the terms of new entries. */
  stash: readonly MessageSummary[] = [];

  constructor(
    readonly node: number,
    readonly group: number,
  ) {}

  /** A slot as a snapshot's group view shows it; entries before its log window are unknown. */
  static fromView(node: number, v: GroupView): GroupSlot {
    const g = new GroupSlot(node, v.group);
    g.role = v.role;
    g.term = v.term;
    g.vote = v.vote;
    g.lead = v.lead;
    g.commit = v.commit;
    g.applied = v.applied;
    g.persisted = v.persisted;
    const log = v.log;
    g.firstIndex = log.firstIndex;
    g.lastIndex = log.lastIndex;
    g.snapshotIndex = log.snapshotIndex;
    g.snapshotTerm = log.snapshotTerm;
    let runs = fitRuns(emptyRuns(), log.firstIndex, log.lastIndex, null);
    for (const e of log.entries) {
      if (e.index >= log.firstIndex && e.index <= log.lastIndex) {
        runs = writeRun(runs, e.index, e.index, e.term);
      }
    }
    g.runs = runs;
    g.voters = v.confState.voters;
    g.votersOutgoing = v.confState.votersOutgoing;
    g.learners = v.confState.learners;
    g.progress = v.progress ?? null;
    // The leader it heard from, so that a later role change keeps it (see setRoleAndTerm).
    if (v.lead !== 0 && v.lead !== node) {
      g.contactTerm = v.term;
      g.contactFrom = v.lead;
    }
    return g;
  }

  clone(): GroupSlot {
    const c = new GroupSlot(this.node, this.group);
    Object.assign(c, this);
    return c;
  }

  /**
   * A role or term change: who leads, and whether there is a progress tracker to show.
   * `noContactLead` is the leader of a follower that heard from no leader in its term: 0 where
   * every delivery is recorded (a follower only takes a leader from a delivered message), null
   * where deliveries may be missing or recorded late.
   */
  setRoleAndTerm(role: Role, term: number, noContactLead: number | null): void {
    const changed = role !== this.role || term !== this.term;
    this.role = role;
    this.term = term;
    if (!changed) return;
    switch (role) {
      case 'StateLeader':
        this.lead = this.node;
        if (this.progress === null) this.progress = {};
        return;
      case 'StateCandidate':
      case 'StatePreCandidate':
        // Campaigning forgets the leader (etcd resets `lead` on both transitions).
        this.lead = 0;
        this.progress = null;
        return;
      case 'StateFollower':
        // A follower's leader is only known once it hears from the leader of its term.
        this.lead = this.contactTerm === term ? this.contactFrom : noContactLead;
        this.progress = null;
        return;
    }
  }

  /** A message from a leader reached this node: if it is of our term, that is our leader. */
  noteLeaderContact(msg: MessageSummary): void {
    this.contactTerm = msg.term;
    this.contactFrom = msg.from;
    if (this.role === 'StateFollower' && this.term === msg.term) this.lead = msg.from;
  }

  stashAppend(msg: MessageSummary): void {
    if (msg.entryCount === 0 && msg.entries.length === 0) return;
    const kept = this.stash.length >= STASH_MAX ? this.stash.slice(1) : this.stash;
    this.stash = [...kept, msg];
  }

  /**
   * Writes entries `lo..hi` with the best term evidence: the node's own term when it leads (a
   * leader appends only entries of its own term), else unknown; then the terms that stashed
   * MsgApps give, newest last so that it wins. A message that lists no entries but says how
   * many still tells their term when the entry before them has the message's own term: terms
   * never decrease along a log, nor exceed the leader's.
   */
  private writeEntries(lo: number, hi: number): void {
    this.runs = writeRun(this.runs, lo, hi, this.role === 'StateLeader' ? this.term : null);
    this.applyStash(lo, hi);
  }

  /** Writes the terms the stashed MsgApps give for entries within `lo..hi`, oldest first. */
  private applyStash(lo: number, hi: number): void {
    let runs = this.runs;
    for (const m of this.stash) {
      const a = Math.max(lo, m.index + 1);
      const b = Math.min(hi, m.index + m.entryCount);
      if (a > b) continue;
      if (m.entries.length > 0) {
        for (const [term, index] of m.entries) {
          if (index >= a && index <= b) runs = writeRun(runs, index, index, term);
        }
      } else if (m.logTerm === m.term) {
        runs = writeRun(runs, a, b, m.term);
      }
    }
    this.runs = runs;
  }

  /** A state event told the node's last index. */
  syncLastIndex(last: number): void {
    const prev = this.lastIndex;
    if (prev === last) return;
    if (prev === null || last < this.firstIndex - 1) {
      this.lastIndex = last;
      this.runs = fitRuns(emptyRuns(), this.firstIndex, last, null);
      if (this.stash.length > 0) this.overlayStash();
      return;
    }
    this.lastIndex = last;
    if (last < prev) {
      this.runs = truncateAfter(this.runs, last);
      if (this.stash.length > 0) this.overlayStash();
      return;
    }
    this.runs = fitRuns(this.runs, this.firstIndex, prev, null);
    this.writeEntries(prev + 1, last);
    if (this.stash.length > 0) this.overlayStash();
  }

  /**
   * Stashed entries inside the log (up to `limit`) replace what we had: they may have
   * overwritten a conflict.
   */
  private overlayStash(limit = Number.POSITIVE_INFINITY): void {
    const last = this.lastIndex;
    if (last !== null) this.applyStash(this.firstIndex, Math.min(last, limit));
  }

  /** A Ready handed out entries `lo..hi` to persist: they are now the end of the log. */
  readyEntries(lo: number, hi: number): void {
    const base = Math.max(this.firstIndex, lo);
    // Entries the state events already placed keep the terms found then; only those past
    // the known end are new here. Stashed appends still win, as a rewrite would.
    const known = Math.min(this.lastIndex ?? base - 1, hi);
    this.lastIndex = hi;
    this.runs = fitRuns(this.runs, this.firstIndex, Math.max(known, base - 1), null);
    if (Math.max(known + 1, base) <= hi) this.writeEntries(Math.max(known + 1, base), hi);
    if (this.stash.length > 0) this.overlayStash();
    this.persisted = hi;
    this.stash = [];
  }

  /** A snapshot replaces the log up to its index. */
  restoreSnapshot(index: number, term: number): void {
    this.snapshotIndex = index;
    this.snapshotTerm = term;
    this.firstIndex = index + 1;
    this.lastIndex = index;
    this.runs = emptyRuns();
    this.persisted = index;
    if (this.commit === null || this.commit < index) this.commit = index;
  }

  /** The log up to `index` was compacted away. */
  compact(index: number): void {
    if (index < this.firstIndex) return;
    const term = index === this.snapshotIndex ? this.snapshotTerm : termAt(this.runs, index);
    this.snapshotIndex = index;
    this.snapshotTerm = term ?? null;
    this.firstIndex = index + 1;
    if (this.lastIndex !== null) {
      this.runs = fitRuns(this.runs, this.firstIndex, Math.max(this.lastIndex, index), null);
      if (this.lastIndex < index) this.lastIndex = index;
    }
  }

  /**
   * This node sent `msg`, so its own log holds what the message says about it: the entry
   * before a MsgApp's entries and the entries themselves, or a vote request's last entry.
   */
  learnFromSent(msg: MessageSummary): void {
    if (msg.type === 'MsgApp') {
      this.knowTerm(msg.index, msg.logTerm);
      for (const [term, index] of msg.entries) this.knowTerm(index, term);
      if (msg.entries.length === 0 && msg.entryCount > 0 && msg.logTerm === msg.term) {
        this.knowRange(msg.index + 1, msg.index + msg.entryCount, msg.term);
      }
    } else if (msg.type === 'MsgVote' || msg.type === 'MsgPreVote') {
      this.knowTerm(msg.index, msg.logTerm);
    } else if (msg.type === 'MsgAppResp' && this.stash.length > 0) {
      // Accepting an append means the log now agrees with it up to the acknowledged index; a
      // rejection means what we stashed may not be in the log at all.
      if (msg.reject) this.stash = [];
      else this.overlayStash(msg.index);
    }
  }

  private knowTerm(index: number, term: number): void {
    if (index === this.snapshotIndex && index > 0 && this.snapshotTerm === null) {
      this.snapshotTerm = term;
      return;
    }
    this.knowRange(index, index, term);
  }

  private knowRange(lo: number, hi: number, term: number): void {
    const last = this.lastIndex;
    if (last === null || lo < this.firstIndex || hi > last || lo > hi) return;
    this.runs = writeRun(this.runs, lo, hi, term);
  }

  /** The leader recorded a peer's match and next at an append. */
  notePeerProgress(peer: number, match: number, next: number): void {
    if (this.role !== 'StateLeader') return;
    const prior = this.progress?.[peer];
    if (prior !== undefined && prior.match === match && prior.next === next) return;
    this.progress = { ...this.progress, [peer]: { ...prior, match, next } };
  }

  /**
   * The leader received an accepting MsgAppResp: the peer's log matches up to `index`, so its
   * match and next move up to it (and never down: a late ack says nothing new).
   */
  noteAck(peer: number, index: number): void {
    const prior = this.progress?.[peer];
    if (this.role !== 'StateLeader' || prior === undefined) return;
    if (prior.match >= index && prior.next > index) return;
    const match = Math.max(prior.match, index);
    const next = Math.max(prior.next, index + 1);
    this.progress = { ...this.progress, [peer]: { ...prior, match, next } };
  }

  setProgress(progress: Readonly<Record<string, ProgressView>>): void {
    this.progress = progress;
  }

  /**
   * The node crashed: what only lived in its memory is gone, the state machine included, so
   * it has applied nothing until it restarts and applies again.
   */
  crash(): void {
    this.role = 'StateFollower';
    this.lead = 0;
    this.progress = null;
    this.applied = 0;
    this.stash = [];
  }

  view(): ReplayGroupState {
    return {
      group: this.group,
      role: this.role,
      term: this.term,
      vote: this.vote,
      lead: this.lead,
      commit: this.commit,
      applied: this.applied,
      persisted: this.persisted,
      log: {
        firstIndex: this.firstIndex,
        lastIndex: this.lastIndex,
        snapshotIndex: this.snapshotIndex,
        snapshotTerm: this.snapshotTerm,
        runs: this.runs,
      },
      voters: this.voters,
      votersOutgoing: this.votersOutgoing,
      learners: this.learners,
      progress: this.progress,
      lastSeq: this.lastSeq,
    };
  }
}
