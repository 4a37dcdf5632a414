/**
 * Linearizable reads without log writes (ReadIndex, Raft thesis 6.4), on the leader.
 */
import { fmtId } from './logger.ts';
import { jointVoteResult } from './quorum/joint.ts';
import type { Raft } from './raft.ts';
import { requestCtx } from './read-only.ts';
import { bcastHeartbeatWithCtx } from './replication.ts';
import { type LogIndex, type Message, NONE } from './types.ts';
import { msg } from './util.ts';

/**
 * MsgReadIndex on the leader. A single voter answers at once. Otherwise the leader must first
 * have committed an entry of its own term, or its commit index could lag behind what an
 * earlier leader committed; requests that arrive before that wait in
 * `pendingReadIndexMessages`.
 */
export function stepReadIndex(r: Raft, m: Message): void {
  if (r.trk.isSingleton()) {
    respondToReadIndex(r, m, r.raftLog.committed);
    return;
  }
  if (!committedEntryInCurrentTerm(r)) {
    r.pendingReadIndexMessages.push(m);
    return;
  }
  sendMsgReadIndexResponse(r, m);
}

/**
 * Answers the waiting ReadIndex requests once this leader has committed in its term; called
 * whenever the commit index moves.
 */
export function releasePendingReadIndexMessages(r: Raft): void {
  if (r.pendingReadIndexMessages.length === 0) return;
  if (!committedEntryInCurrentTerm(r)) {
    r.logger.error(
      'pending MsgReadIndex should be released only after first commit in current term',
    );
    return;
  }
  const msgs = r.pendingReadIndexMessages;
  r.pendingReadIndexMessages = [];
  for (const m of msgs) sendMsgReadIndexResponse(r, m);
}

/** True once this leader has committed an entry of its own term. */
function committedEntryInCurrentTerm(r: Raft): boolean {
  // The term is never 0 on a leader, so an unknown term (0) never matches.
  const log = r.raftLog;
  return log.zeroTermOnOutOfBounds(log.term(log.committed)) === r.term;
}

/**
 * With ReadOnlySafe the read index is the commit index now, confirmed by a round of
 * heartbeats that a quorum acknowledges (the leader's own ack counts at once). With
 * ReadOnlyLeaseBased the leader trusts its lease (CheckQuorum) and answers at once.
 */
function sendMsgReadIndexResponse(r: Raft, m: Message): void {
  switch (r.readOnly.option) {
    case 'ReadOnlySafe': {
      const ctx = requestCtx(m);
      r.readOnly.addRequest(r.raftLog.committed, m);
      r.readOnly.recvAck(r.id, ctx);
      bcastHeartbeatWithCtx(r, ctx);
      return;
    }
    case 'ReadOnlyLeaseBased':
      respondToReadIndex(r, m, r.raftLog.committed);
      return;
  }
}

/**
 * A heartbeat response carrying a ReadIndex context: once a quorum has acknowledged it, that
 * request and every one queued before it are answered.
 */
export function ackReadIndex(r: Raft, m: Message): void {
  if (r.readOnly.option !== 'ReadOnlySafe' || m.context.length === 0) return;
  const acks = r.readOnly.recvAck(m.from, m.context);
  if (acks === undefined) return;
  if (jointVoteResult(r.trk.config.voters, acks) !== 'VoteWon') return;
  for (const rs of r.readOnly.advance(m)) respondToReadIndex(r, rs.req, rs.index);
}

/**
 * Answers a ReadIndex request: a local one becomes a ReadState in the next Ready; a forwarded
 * one gets a MsgReadIndexResp back to the follower that asked.
 */
function respondToReadIndex(r: Raft, req: Message, readIndex: LogIndex): void {
  if (req.from === NONE || req.from === r.id) {
    r.readStates.push({ index: readIndex, requestCtx: requestCtx(req) });
    return;
  }
  r.send(msg('MsgReadIndexResp', req.from, { index: readIndex, entries: req.entries }));
}

/** MsgReadIndexResp on a follower: the leader's answer becomes a ReadState. */
export function stepReadIndexResp(r: Raft, m: Message): void {
  const e = m.entries[0];
  if (m.entries.length !== 1 || e === undefined) {
    r.logger.error(
      `${fmtId(r.id)} invalid format of MsgReadIndexResp from ${fmtId(m.from)}, ` +
        `entries count: ${m.entries.length}`,
    );
    return;
  }
  r.readStates.push({ index: m.index, requestCtx: e.data });
}
