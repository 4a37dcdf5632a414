/**
 * The follower's and the (pre-)candidate's message handlers, and how a follower takes appends
 * and heartbeats from its leader.
 */
import { campaign, hup, poll } from './election.ts';
import type { RaftError } from './errors.ts';
import { fmtId } from './logger.ts';
import type { Raft } from './raft.ts';
import { stepReadIndexResp } from './read-index.ts';
import { bcastAppend } from './replication.ts';
import { handleSnapshot } from './snapshot.ts';
import { type LogIndex, type Message, NONE, type NodeId, type Term } from './types.ts';
import { blankMsg, msg } from './util.ts';

/**
 * A follower. Anything from the leader of this term (append, heartbeat, snapshot) resets the
 * election timer and names the leader. Requests meant for the leader are forwarded to it.
 */
export function stepFollower(r: Raft, m: Message): RaftError | null {
  switch (m.type) {
    case 'MsgProp':
      return stepFollowerProp(r, m);
    case 'MsgApp':
      heardFromLeader(r, m);
      handleAppendEntries(r, m);
      return null;
    case 'MsgHeartbeat':
      heardFromLeader(r, m);
      handleHeartbeat(r, m);
      return null;
    case 'MsgSnap':
      heardFromLeader(r, m);
      handleSnapshot(r, m);
      return null;
    case 'MsgTransferLeader':
      forwardToLeader(r, m, 'leader transfer msg');
      return null;
    case 'MsgReadIndex':
      forwardToLeader(r, m, 'index reading msg');
      return null;
    case 'MsgForgetLeader':
      stepForgetLeader(r);
      return null;
    case 'MsgTimeoutNow':
      stepTimeoutNow(r, m);
      return null;
    case 'MsgReadIndexResp':
      stepReadIndexResp(r, m);
      return null;
    default:
      return null;
  }
}

/** A message from the leader of this term: it is alive, and it is the leader. */
function heardFromLeader(r: Raft, m: Message): void {
  r.electionElapsed = 0;
  r.lead = m.from;
}

/**
 * MsgProp on a follower: forwarded to the leader, or dropped when no leader is known
 * (`NoLeader`) or forwarding is disabled (`NotLeader`). A forwarded proposal may still be
 * dropped by the leader; this node does not learn of it.
 */
function stepFollowerProp(r: Raft, m: Message): RaftError | null {
  if (r.lead === NONE) {
    r.logger.info(`${fmtId(r.id)} no leader at term ${r.term}; dropping proposal`);
    return r.dropProposal('NoLeader', m);
  }
  if (r.disableProposalForwarding) {
    r.logger.info(
      `${fmtId(r.id)} not forwarding to leader ${fmtId(r.lead)} at term ${r.term}; ` +
        'dropping proposal',
    );
    return r.dropProposal('NotLeader', m);
  }
  r.send(forwardTo(m, r.lead));
  return null;
}

/** Forwards a request for the leader (transfer, read index), or drops it without a leader. */
function forwardToLeader(r: Raft, m: Message, what: string): void {
  if (r.lead === NONE) {
    r.logger.info(`${fmtId(r.id)} no leader at term ${r.term}; dropping ${what}`);
    return;
  }
  r.send(forwardTo(m, r.lead));
}

/**
 * MsgTimeoutNow: the leader hands over leadership, so campaign at once. A transfer never uses
 * PreVote: the leader asked for it, and no partition is being healed.
 */
function stepTimeoutNow(r: Raft, m: Message): void {
  r.logger.info(
    `${fmtId(r.id)} [term ${r.term}] received MsgTimeoutNow from ${fmtId(m.from)} and ` +
      'starts an election to get leadership.',
  );
  hup(r, 'CampaignTransfer');
}

/**
 * MsgForgetLeader: forget the leader but stay in the term, so that this node grants votes at
 * once (a leader known to be gone need not be waited out). Refused under lease-based reads,
 * where a vote inside the lease would break the lease's promise.
 */
function stepForgetLeader(r: Raft): void {
  if (r.readOnly.option === 'ReadOnlyLeaseBased') {
    r.logger.error('ignoring MsgForgetLeader due to ReadOnlyLeaseBased');
    return;
  }
  if (r.lead !== NONE) {
    r.logger.info(`${fmtId(r.id)} forgetting leader ${fmtId(r.lead)} at term ${r.term}`);
    r.lead = NONE;
  }
}

/**
 * A candidate or pre-candidate. An append, heartbeat or snapshot of this term means another
 * node won: follow it. Votes are counted only for the current phase (a candidate may still get
 * PreVote responses from its pre-candidacy). A won PreVote starts the real election; a won
 * election makes this node leader; a lost one makes it a follower.
 */
export function stepCandidate(r: Raft, m: Message): RaftError | null {
  const myVoteRespType = r.state === 'StatePreCandidate' ? 'MsgPreVoteResp' : 'MsgVoteResp';
  switch (m.type) {
    case 'MsgProp':
      r.logger.info(`${fmtId(r.id)} no leader at term ${r.term}; dropping proposal`);
      return r.dropProposal('NoLeader', m);
    case 'MsgApp':
      r.becomeFollower(m.term, m.from);
      handleAppendEntries(r, m);
      return null;
    case 'MsgHeartbeat':
      r.becomeFollower(m.term, m.from);
      handleHeartbeat(r, m);
      return null;
    case 'MsgSnap':
      r.becomeFollower(m.term, m.from);
      handleSnapshot(r, m);
      return null;
    case myVoteRespType: {
      const { granted, rejected, result } = poll(r, m.from, m.type, !m.reject);
      r.logger.info(
        `${fmtId(r.id)} has received ${granted} ${m.type} votes and ${rejected} vote rejections`,
      );
      if (result === 'VoteWon') {
        if (r.state === 'StatePreCandidate') {
          campaign(r, 'CampaignElection');
        } else {
          r.becomeLeader();
          bcastAppend(r);
        }
      } else if (result === 'VoteLost') {
        // A PreVote response may carry a later term; stay in our own.
        r.becomeFollower(r.term, NONE);
      }
      return null;
    }
    case 'MsgTimeoutNow':
      r.logger.debug(
        `${fmtId(r.id)} [term ${r.term} state ${r.state}] ignored MsgTimeoutNow ` +
          `from ${fmtId(m.from)}`,
      );
      return null;
    default:
      return null;
  }
}

/**
 * An append from the leader. An append entirely below the commit index is answered with the
 * commit index (it is stale). One that connects to our log is appended (overwriting any
 * conflicting uncommitted tail) and acknowledged with its last index. One that does not
 * connect is rejected with a hint: the last entry at or before the append's index whose term
 * is at most the append's previous term. Every entry of a larger term after it must differ
 * from the leader's, so the leader can skip them all.
 */
export function handleAppendEntries(r: Raft, m: Message): void {
  const log = r.raftLog;
  if (m.index < log.committed) {
    r.send(appResp(m.from, log.committed));
    return;
  }
  const slice = { term: m.term, prev: { term: m.logTerm, index: m.index }, entries: m.entries };
  const last = log.maybeAppend(slice, m.commit);
  if (last !== undefined) {
    r.send(appResp(m.from, last));
    return;
  }
  r.logger.debug(
    `${fmtId(r.id)} [logterm: ${log.zeroTermOnOutOfBounds(log.term(m.index))}, ` +
      `index: ${m.index}] rejected MsgApp [logterm: ${m.logTerm}, index: ${m.index}] ` +
      `from ${fmtId(m.from)}`,
  );
  // m.index >= committed here, and lastIndex >= committed always, so the hint search starts
  // inside the log and finds a known term unless the log is empty.
  const start = Math.min(m.index, log.lastIndex()) as LogIndex;
  const hint = log.findConflictByTerm(start, m.logTerm);
  r.send(
    msg('MsgAppResp', m.from, {
      index: m.index,
      reject: true,
      rejectHint: hint.index,
      logTerm: hint.term,
    }),
  );
}

/** A heartbeat: adopt the commit index (capped by the leader at our match) and answer. */
export function handleHeartbeat(r: Raft, m: Message): void {
  r.raftLog.commitTo(m.commit);
  r.send(msg('MsgHeartbeatResp', m.from, { context: m.context }));
}

/** A copy of `m` addressed to `to`, as a local message (no term) for `send`. */
function forwardTo(m: Message, to: Message['to']): Message {
  return { ...m, to, term: 0 as Term };
}

/** A MsgAppResp acknowledging the log up to `index`. */
function appResp(to: NodeId, index: LogIndex): Message {
  const m = blankMsg('MsgAppResp', to);
  m.index = index;
  return m;
}
