/**
 * The leader's view of one follower's log: how far it is known to match, what to send next,
 * and how fast it may be sent.
 */

import type { LogIndex, NodeId } from '../types.ts';
import type { Inflights } from './inflights.ts';

/**
 * How the leader replicates to a follower.
 *
 * - `StateProbe`: the leader does not know where the follower's log ends. It sends at most one
 *   append per heartbeat interval and waits for the answer to find the point of agreement.
 * - `StateReplicate`: the follower is known to keep up. The leader streams entries
 *   optimistically, moving `next` past what it has sent, bounded by the inflights window.
 * - `StateSnapshot`: the follower needs a snapshot; the leader has sent one and sends no
 *   appends until the follower catches up or the snapshot is reported.
 */
export type ProgressState = 'StateProbe' | 'StateReplicate' | 'StateSnapshot';

/** The fields a new Progress starts from; the rest start at their zero values. */
export interface ProgressInit {
  next: LogIndex;
  inflights: Inflights;
  match?: LogIndex;
  sentCommit?: LogIndex;
  state?: ProgressState;
  pendingSnapshot?: LogIndex;
  recentActive?: boolean;
  msgAppFlowPaused?: boolean;
  isLearner?: boolean;
}

/** A Progress as plain data, for status, traces and the dashboard. */
export interface ProgressPlain {
  match: LogIndex;
  next: LogIndex;
  sentCommit: LogIndex;
  state: ProgressState;
  pendingSnapshot: LogIndex;
  recentActive: boolean;
  msgAppFlowPaused: boolean;
  isLearner: boolean;
  paused: boolean;
  inflightCount: number;
  inflightBytes: number;
  inflightFull: boolean;
  inflightIndexes: LogIndex[];
}

/**
 * A follower's replication progress as the leader tracks it, with etcd raft's state machine
 * over `ProgressState`. The transitions that depend on the log (when to probe, when to send a
 * snapshot) are decided by raft; this class keeps the fields consistent across them.
 */
export class Progress {
  /** The highest index known to be in the follower's log and to agree with the leader's. */
  match: LogIndex;
  /**
   * The index of the next entry to send. Entries in (match, next) are in flight.
   * Invariant: match < next.
   */
  next: LogIndex;
  /**
   * The last commit index sent to the follower (etcd's sentCommit), used to avoid sending
   * empty appends that cannot move the follower's commit index. It is lowered to at most
   * `next - 1` whenever `next` moves back, since what was sent with the dropped entries is
   * presumed lost.
   */
  sentCommit: LogIndex;
  state: ProgressState;
  /**
   * In `StateSnapshot`, the index of the snapshot the leader decided to send; 0 otherwise.
   * Replication resumes once the follower acknowledges an index that reconnects it to the
   * leader's log, whether or not that is this exact index.
   */
  pendingSnapshot: LogIndex;
  /**
   * Whether the follower was heard from recently (within an election timeout, for
   * CheckQuorum). The leader's own progress is always active.
   */
  recentActive: boolean;
  /**
   * Whether sending appends is paused: in `StateProbe` after a probe went out and until an
   * answer or a heartbeat response; in `StateReplicate` while the inflights window is full.
   */
  msgAppFlowPaused: boolean;
  /** The window of appends in flight; used in `StateReplicate`. */
  inflights: Inflights;
  /** Whether the follower is a learner: it receives the log but does not vote. */
  isLearner: boolean;

  constructor(init: ProgressInit) {
    this.match = init.match ?? (0 as LogIndex);
    this.next = init.next;
    this.sentCommit = init.sentCommit ?? (0 as LogIndex);
    this.state = init.state ?? 'StateProbe';
    this.pendingSnapshot = init.pendingSnapshot ?? (0 as LogIndex);
    this.recentActive = init.recentActive ?? false;
    this.msgAppFlowPaused = init.msgAppFlowPaused ?? false;
    this.inflights = init.inflights;
    this.isLearner = init.isLearner ?? false;
  }

  /** An independent copy, inflights included. */
  clone(): Progress {
    return new Progress({ ...this, inflights: this.inflights.clone() });
  }

  /**
   * Moves to `state`, clearing what belonged to the old one: the pause, the pending snapshot
   * and the inflights window. `match`, `next` and `sentCommit` are left to the caller.
   */
  resetState(state: ProgressState): void {
    this.msgAppFlowPaused = false;
    this.pendingSnapshot = 0 as LogIndex;
    this.state = state;
    this.inflights.reset();
  }

  /**
   * Goes back to probing from `match + 1`. Coming out of `StateSnapshot`, the snapshot is
   * presumed delivered, so probing starts after it when that is further along.
   */
  becomeProbe(): void {
    if (this.state === 'StateSnapshot') {
      const snapshotIndex = this.pendingSnapshot;
      this.resetState('StateProbe');
      this.next = (Math.max(this.match, snapshotIndex) + 1) as LogIndex;
    } else {
      this.resetState('StateProbe');
      this.next = (this.match + 1) as LogIndex;
    }
    // Whatever was sent beyond the new next is presumed lost with the entries it came with.
    this.sentCommit = Math.min(this.sentCommit, this.next - 1) as LogIndex;
  }

  /** Starts streaming entries optimistically from `match + 1`. */
  becomeReplicate(): void {
    this.resetState('StateReplicate');
    this.next = (this.match + 1) as LogIndex;
  }

  /**
   * Waits for the snapshot at `snapshotIndex` to be applied. The snapshot carries everything
   * up to its index, commit included, so `next` and `sentCommit` move with it.
   */
  becomeSnapshot(snapshotIndex: LogIndex): void {
    this.resetState('StateSnapshot');
    this.pendingSnapshot = snapshotIndex;
    this.next = (snapshotIndex + 1) as LogIndex;
    this.sentCommit = snapshotIndex;
  }

  /**
   * Records an append carrying `entries` consecutive entries from `next` on, `bytes` payload
   * bytes in all. In `StateReplicate` the entries go in flight and `next` moves past them; the
   * flow pauses once the window is full. In `StateProbe` a non-empty append is the probe, and
   * the flow pauses until it is answered. Sending appends in `StateSnapshot` is a bug.
   */
  sentEntries(entries: number, bytes: number): void {
    switch (this.state) {
      case 'StateReplicate':
        if (entries > 0) {
          this.next = (this.next + entries) as LogIndex;
          this.inflights.add((this.next - 1) as LogIndex, bytes);
        }
        // A message that filled the window (or went out while it was already full) acts as a
        // probe: nothing more is sent until acknowledgements free the window.
        this.msgAppFlowPaused = this.inflights.full();
        break;
      case 'StateProbe':
        // NB: etcd pauses only on non-empty probes; an empty append does not count as one.
        if (entries > 0) this.msgAppFlowPaused = true;
        break;
      case 'StateSnapshot':
        throw new Error(`sending append in unhandled state ${this.state}`);
    }
  }

  /**
   * Whether sending commit index `index` could move the follower's commit index: it must be
   * above what was already sent, and what was sent must not already reach `next - 1`, the most
   * the follower can commit from the entries it has been sent.
   */
  canBumpCommit(index: LogIndex): boolean {
    return index > this.sentCommit && this.sentCommit < this.next - 1;
  }

  /** Records that commit index `commit` was sent to the follower (etcd's SentCommit). */
  recordSentCommit(commit: LogIndex): void {
    this.sentCommit = commit;
  }

  /**
   * Handles an acknowledgement of index `n`. Returns false when it is stale (not above
   * `match`); otherwise advances `match` (and `next` if needed) and lifts the pause, since the
   * follower has evidently answered.
   */
  maybeUpdate(n: LogIndex): boolean {
    if (n <= this.match) return false;
    this.match = n;
    this.next = Math.max(this.next, n + 1) as LogIndex;
    this.msgAppFlowPaused = false;
    return true;
  }

  /**
   * Handles a rejection of the append at index `rejected`, with the follower's hint
   * `matchHint` of where its log might agree. Returns false for a stale rejection, one that
   * does not concern the append last probed (or, when replicating, one at or below `match`).
   * Otherwise lowers `next`: to `match + 1` when replicating, else as far as the hint allows
   * but never to or below `match`; and resumes sending.
   */
  maybeDecrTo(rejected: LogIndex, matchHint: LogIndex): boolean {
    if (this.state === 'StateReplicate') {
      if (rejected <= this.match) return false;
      this.next = (this.match + 1) as LogIndex;
      this.sentCommit = Math.min(this.sentCommit, this.next - 1) as LogIndex;
      return true;
    }
    // Outside StateReplicate only one append is probed at a time, at next - 1, so a rejection
    // of anything else is a late answer to an older probe.
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1) as LogIndex;
    this.sentCommit = Math.min(this.sentCommit, this.next - 1) as LogIndex;
    this.msgAppFlowPaused = false;
    return true;
  }

  /**
   * Whether sending entries is throttled: a probe is outstanding, the window is full, or a
   * snapshot is pending. A paused follower is still sent heartbeats.
   */
  isPaused(): boolean {
    switch (this.state) {
      case 'StateProbe':
      case 'StateReplicate':
        return this.msgAppFlowPaused;
      case 'StateSnapshot':
        return true;
    }
  }

  /** The progress as plain data. */
  toPlain(): ProgressPlain {
    return {
      match: this.match,
      next: this.next,
      sentCommit: this.sentCommit,
      state: this.state,
      pendingSnapshot: this.pendingSnapshot,
      recentActive: this.recentActive,
      msgAppFlowPaused: this.msgAppFlowPaused,
      isLearner: this.isLearner,
      paused: this.isPaused(),
      inflightCount: this.inflights.count(),
      inflightBytes: this.inflights.bytes(),
      inflightFull: this.inflights.full(),
      inflightIndexes: this.inflights.indexes(),
    };
  }

  /**
   * As etcd prints it: `StateReplicate match=11 next=15 paused inflight=3[full]`, with
   * ` learner`, ` paused`, ` pendingSnap=N`, ` inactive` and ` inflight=N` when they apply.
   */
  toString(): string {
    let s = `${this.state} match=${this.match} next=${this.next}`;
    if (this.isLearner) s += ' learner';
    if (this.isPaused()) s += ' paused';
    if (this.pendingSnapshot > 0) s += ` pendingSnap=${this.pendingSnapshot}`;
    if (!this.recentActive) s += ' inactive';
    const n = this.inflights.count();
    if (n > 0) {
      s += ` inflight=${n}`;
      if (this.inflights.full()) s += '[full]';
    }
    return s;
  }
}

/** Every tracked peer's progress, voters and learners alike, by id. */
export type ProgressMap = Map<NodeId, Progress>;

/** One `id: progress` line per peer, in id order, each ending with a newline. */
export function progressMapToString(m: ProgressMap): string {
  const ids = [...m.keys()].sort((a, b) => a - b);
  return ids.map((id) => `${id}: ${m.get(id)?.toString()}\n`).join('');
}
