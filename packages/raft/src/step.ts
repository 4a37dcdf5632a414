/**
 * The entry point for every message: term handling first, then the messages every role treats
 * alike, then the role's own handler.
 */
import { CAMPAIGN_TRANSFER, handleVoteRequest, hup } from './election.ts';
import type { RaftError } from './errors.ts';
import { stepCandidate, stepFollower } from './follower.ts';
import { stepLeader } from './leader.ts';
import { fmtId } from './logger.ts';
import type { Raft } from './raft.ts';
import { traceReceive } from './trace.ts';
import { type Message, NONE } from './types.ts';
import { bytesEqual, msg } from './util.ts';

/**
 * Handles one message.
 *
 * Term rules come first. A message from a higher term makes this node a follower of that term,
 * with three exceptions: a vote request inside the leader lease is ignored altogether (with
 * CheckQuorum, a node that heard from a leader within the election timeout does not help
 * depose it, unless the leader itself asked for the transfer); a PreVote never changes the
 * term; and a granted PreVote response carries the future term it was granted for. A message
 * from a lower term is dropped, but a stale leader is told about the newer term (with
 * CheckQuorum or PreVote it could otherwise never learn it), and a stale pre-candidate is
 * answered so that it does not wait forever. Messages with term 0 are local.
 */
export function step(r: Raft, m: Message): RaftError | null {
  if (r.traceSink !== undefined) traceReceive(r, m);

  if (m.term === 0) {
    // A local message: no term to compare.
  } else if (m.term > r.term) {
    if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
      const force = bytesEqual(m.context, CAMPAIGN_TRANSFER);
      const inLease = r.checkQuorum && r.lead !== NONE && r.electionElapsed < r.electionTimeout;
      if (!force && inLease) {
        const last = r.raftLog.lastEntryId();
        r.logger.info(
          `${fmtId(r.id)} [logterm: ${last.term}, index: ${last.index}, vote: ${fmtId(r.vote)}] ` +
            `ignored ${m.type} from ${fmtId(m.from)} [logterm: ${m.logTerm}, index: ${m.index}] ` +
            `at term ${r.term}: lease is not expired ` +
            `(remaining ticks: ${r.electionTimeout - r.electionElapsed})`,
        );
        return null;
      }
    }
    if (m.type === 'MsgPreVote') {
      // Never change the term for a PreVote.
    } else if (m.type === 'MsgPreVoteResp' && !m.reject) {
      // Granted for the term this node will campaign in, once it has a quorum.
    } else {
      r.logger.info(
        `${fmtId(r.id)} [term: ${r.term}] received a ${m.type} message with higher term ` +
          `from ${fmtId(m.from)} [term: ${m.term}]`,
      );
      const fromLeader = m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap';
      r.becomeFollower(m.term, fromLeader ? m.from : NONE);
    }
  } else if (m.term < r.term) {
    stepLowerTerm(r, m);
    return null;
  }

  switch (m.type) {
    case 'MsgHup':
      hup(r, r.preVote ? 'CampaignPreElection' : 'CampaignElection');
      return null;
    case 'MsgStorageAppendResp':
      if (m.index !== 0) r.raftLog.stableTo({ term: m.logTerm, index: m.index });
      if (m.snapshot !== null) r.appliedSnap(m.snapshot.metadata.index);
      return null;
    case 'MsgStorageApplyResp':
      if (m.entries.length > 0) {
        const last = m.entries[m.entries.length - 1] as (typeof m.entries)[number];
        r.appliedTo(last.index, r.raftLog.applyingSize(m.entries));
        r.reduceUncommittedSize(m.entries);
      }
      return null;
    case 'MsgVote':
    case 'MsgPreVote':
      handleVoteRequest(r, m);
      return null;
    default:
      switch (r.state) {
        case 'StateLeader':
          return stepLeader(r, m);
        case 'StateCandidate':
        case 'StatePreCandidate':
          return stepCandidate(r, m);
        case 'StateFollower':
          return stepFollower(r, m);
      }
  }
}

/** A message from an older term. */
function stepLowerTerm(r: Raft, m: Message): void {
  if ((r.checkQuorum || r.preVote) && (m.type === 'MsgHeartbeat' || m.type === 'MsgApp')) {
    // A leader of an older term, perhaps cut off by a partition while this node moved on. With
    // CheckQuorum or PreVote this node will not raise its term through votes, so tell the old
    // leader the new term explicitly, or it would never step down.
    r.send(msg('MsgAppResp', m.from));
  } else if (m.type === 'MsgPreVote') {
    // Reject explicitly: a pre-candidate whose requests were dropped would wait forever, and a
    // cluster mid-upgrade to PreVote could deadlock.
    const last = r.raftLog.lastEntryId();
    r.logger.info(
      `${fmtId(r.id)} [logterm: ${last.term}, index: ${last.index}, vote: ${fmtId(r.vote)}] ` +
        `rejected ${m.type} from ${fmtId(m.from)} [logterm: ${m.logTerm}, index: ${m.index}] ` +
        `at term ${r.term}`,
    );
    r.send(msg('MsgPreVoteResp', m.from, { term: r.term, reject: true }));
  } else if (m.type === 'MsgStorageAppendResp') {
    if (m.index !== 0) {
      // The entries may have been overwritten in the unstable log in a later term; trusting
      // this report could drop entries whose newer version is still being written.
      r.logger.info(
        `${fmtId(r.id)} [term: ${r.term}] ignored entry appends from a ${m.type} message ` +
          `with lower term [term: ${m.term}]`,
      );
    }
    // A snapshot is committed state: applying it holds in any term.
    if (m.snapshot !== null) r.appliedSnap(m.snapshot.metadata.index);
  } else {
    r.logger.info(
      `${fmtId(r.id)} [term: ${r.term}] ignored a ${m.type} message with lower term ` +
        `from ${fmtId(m.from)} [term: ${m.term}]`,
    );
  }
}
