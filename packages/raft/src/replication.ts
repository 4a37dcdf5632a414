/**
 * What the leader sends to replicate its log: appends, snapshots and heartbeats.
 */
import { isStorageError } from './errors.ts';
import { fmtId } from './logger.ts';
import type { Raft } from './raft.ts';
import type { Progress } from './tracker/progress.ts';
import type { Entry, LogIndex, NodeId } from './types.ts';
import { blankMsg, EMPTY_BYTES, EMPTY_ENTRIES, isEmptySnap, msg, payloadsSize } from './util.ts';

/** Sends `to` an append with the entries it lacks (if any) and the commit index. */
export function sendAppend(r: Raft, to: NodeId): void {
  maybeSendAppend(r, to, true);
}

/**
 * Sends `to` a MsgApp with the entries from its `next` on, unless its flow is paused. With
 * `sendIfEmpty` false nothing is sent when there are no entries to send: empty appends carry
 * only the commit index, which is worth a message on its own but not in the middle of a batch.
 *
 * A follower in StateReplicate whose inflight window is full gets an empty append only: should
 * every message in the window have been lost, this one, once acknowledged or rejected, frees
 * the window again. If the entries it needs are compacted away, the follower gets a snapshot.
 * Returns true if a message was sent.
 */
export function maybeSendAppend(r: Raft, to: NodeId, sendIfEmpty: boolean): boolean {
  const pr = r.trk.progress.get(to) as Progress;
  if (pr.isPaused()) return false;

  const prevIndex = (pr.next - 1) as LogIndex;
  const prevTerm = r.raftLog.term(prevIndex);
  if (typeof prevTerm !== 'number') {
    // The log was compacted past the follower's position: only a snapshot can catch it up.
    return maybeSendSnapshot(r, to, pr);
  }

  let ents: Entry[] = EMPTY_ENTRIES;
  if (pr.state !== 'StateReplicate' || !pr.inflights.full()) {
    const got = r.raftLog.entries(pr.next, r.maxMsgSize);
    if (isStorageError(got)) {
      if (!sendIfEmpty) return false;
      return maybeSendSnapshot(r, to, pr);
    }
    ents = got;
  }
  if (ents.length === 0 && !sendIfEmpty) return false;

  const commit = r.raftLog.committed;
  const m = blankMsg('MsgApp', to);
  m.index = prevIndex;
  m.logTerm = prevTerm;
  m.entries = ents;
  m.commit = commit;
  r.send(m);
  pr.sentEntries(ents.length, ents.length === 0 ? 0 : payloadsSize(ents));
  pr.recordSentCommit(commit);
  return true;
}

/**
 * Sends `to` the latest snapshot and waits in StateSnapshot until it is applied or reported.
 * A follower not heard from recently is skipped: a snapshot is expensive, and it may be down.
 */
export function maybeSendSnapshot(r: Raft, to: NodeId, pr: Progress): boolean {
  if (!pr.recentActive) {
    r.logger.debug(`ignore sending snapshot to ${fmtId(to)} since it is not recently active`);
    return false;
  }
  const snapshot = r.raftLog.snapshot();
  if (isStorageError(snapshot)) {
    if (snapshot.code === 'SnapshotTemporarilyUnavailable') {
      r.logger.debug(
        `${fmtId(r.id)} failed to send snapshot to ${fmtId(to)} because snapshot is ` +
          'temporarily unavailable',
      );
      return false;
    }
    throw new Error(`cannot read the snapshot: ${snapshot.message}`);
  }
  if (isEmptySnap(snapshot)) throw new Error('need non-empty snapshot');
  const { index, term } = snapshot.metadata;
  r.logger.debug(
    `${fmtId(r.id)} [firstindex: ${r.raftLog.firstIndex()}, commit: ${r.raftLog.committed}] ` +
      `sent snapshot[index: ${index}, term: ${term}] to ${fmtId(to)} [${pr.toString()}]`,
  );
  pr.becomeSnapshot(index);
  r.logger.debug(
    `${fmtId(r.id)} paused sending replication messages to ${fmtId(to)} [${pr.toString()}]`,
  );
  r.send(msg('MsgSnap', to, { snapshot }));
  return true;
}

/**
 * Sends `to` a heartbeat. Its commit index is capped at the follower's match: the follower may
 * not hold the leader's entries up to the commit index, and must not commit entries it might
 * hold in a different version.
 */
export function sendHeartbeat(r: Raft, to: NodeId, ctx: Uint8Array): void {
  const pr = r.trk.progress.get(to) as Progress;
  const commit = Math.min(pr.match, r.raftLog.committed) as LogIndex;
  r.send(msg('MsgHeartbeat', to, { commit, context: ctx }));
  pr.recordSentCommit(commit);
}

/** Sends an append to every peer (in id order). */
export function bcastAppend(r: Raft): void {
  for (const id of r.peerIds) {
    if (id !== r.id) maybeSendAppend(r, id, true);
  }
}

/**
 * Sends a heartbeat to every peer. The heartbeats carry the latest pending ReadIndex context,
 * so that their responses also confirm the leadership for that read.
 */
export function bcastHeartbeat(r: Raft): void {
  bcastHeartbeatWithCtx(r, r.readOnly.lastPendingRequestCtx() ?? EMPTY_BYTES);
}

export function bcastHeartbeatWithCtx(r: Raft, ctx: Uint8Array): void {
  for (const id of r.peerIds) {
    if (id !== r.id) sendHeartbeat(r, id, ctx);
  }
}

/** Tells the transferee to campaign at once (leadership transfer). */
export function sendTimeoutNow(r: Raft, to: NodeId): void {
  r.send(msg('MsgTimeoutNow', to));
}
