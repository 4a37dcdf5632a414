/**
 * Elections: starting one (MsgHup, MsgTimeoutNow), asking for votes, granting them, and
 * counting them.
 */
import { isStorageError } from './errors.ts';
import { fmtId } from './logger.ts';
import { jointIds } from './quorum/joint.ts';
import type { VoteResult } from './quorum/vote.ts';
import type { Raft } from './raft.ts';
import type { LogIndex, Message, MessageType, NodeId } from './types.ts';
import { EMPTY_BYTES, msg, voteRespMsgType } from './util.ts';

/** Why an election starts (etcd's CampaignType). */
export type CampaignType = 'CampaignPreElection' | 'CampaignElection' | 'CampaignTransfer';

/** The context of a MsgVote sent on a leadership transfer: the bytes of "CampaignTransfer". */
export const CAMPAIGN_TRANSFER: Uint8Array = Uint8Array.from(
  Array.from('CampaignTransfer', (c) => c.charCodeAt(0)),
);

/**
 * MsgHup: start an election, unless this node leads already, may not campaign (not a voter, or
 * applying a snapshot), or has committed configuration changes it has not applied yet (it might
 * be campaigning with a configuration that is about to change).
 */
export function hup(r: Raft, t: CampaignType): void {
  if (r.state === 'StateLeader') {
    r.logger.debug(`${fmtId(r.id)} ignoring MsgHup because already leader`);
    return;
  }
  if (!r.promotable()) {
    r.logger.warn(`${fmtId(r.id)} is unpromotable and can not campaign`);
    // etcd's line does not say why. The case a person most needs explained, a node that was
    // never bootstrapped, gets a line of its own (other cases are evident from the config).
    if (r.trk.voterNodes().length === 0) {
      r.logger.warn(
        `${fmtId(r.id)} has no configuration (its storage holds no ConfState with voters): ` +
          'bootstrap it, or add it to a group, before it can campaign',
      );
    }
    if (r.traceSink !== undefined) r.trace('NotPromotable', { reason: notPromotableReason(r) });
    return;
  }
  if (hasUnappliedConfChanges(r)) {
    r.logger.warn(
      `${fmtId(r.id)} cannot campaign at term ${r.term} since there are still pending ` +
        'configuration changes to apply',
    );
    return;
  }
  r.logger.info(`${fmtId(r.id)} is starting a new election at term ${r.term}`);
  campaign(r, t);
}

/** Why `promotable` is false, in a sentence for the dashboard. */
function notPromotableReason(r: Raft): string {
  const pr = r.trk.progress.get(r.id);
  if (pr === undefined) {
    return r.trk.voterNodes().length === 0
      ? 'it has no configuration: its storage holds no ConfState with voters (not bootstrapped)'
      : 'it is not a member of its configuration';
  }
  if (pr.isLearner) return 'it is a learner, and learners do not campaign';
  return 'a snapshot is being applied';
}

/**
 * True if a committed, unapplied entry is a configuration change. The scan reads the log in
 * pages of the applying quota, so that a long unapplied tail does not spike memory.
 */
function hasUnappliedConfChanges(r: Raft): boolean {
  const log = r.raftLog;
  if (log.applied >= log.committed) return false;
  let lo = log.applied + 1;
  const hi = log.committed + 1;
  while (lo < hi) {
    const ents = log.slice(lo as LogIndex, hi as LogIndex, log.maxApplyingEntsSize);
    if (isStorageError(ents)) {
      throw new Error(`error scanning unapplied entries [${lo}, ${hi}): ${ents.message}`);
    }
    for (const e of ents) {
      if (e.type === 'EntryConfChange' || e.type === 'EntryConfChangeV2') return true;
    }
    lo += ents.length;
  }
  return false;
}

/**
 * Becomes (pre-)candidate and asks every voter for its vote. A PreVote asks for the term this
 * node would campaign in, without taking it. The node's own vote is a message to itself, in
 * `msgsAfterAppend`: it counts only once the vote is durable.
 */
export function campaign(r: Raft, t: CampaignType): void {
  if (!r.promotable()) {
    // Callers check; this is a safety net.
    r.logger.warn(`${fmtId(r.id)} is unpromotable; campaign() should have been called`);
  }
  let term: number;
  let voteMsg: MessageType;
  if (t === 'CampaignPreElection') {
    r.becomePreCandidate();
    voteMsg = 'MsgPreVote';
    term = r.term + 1;
  } else {
    r.becomeCandidate();
    voteMsg = 'MsgVote';
    term = r.term;
  }
  const ids = [...jointIds(r.trk.config.voters)].sort((a, b) => a - b);
  for (const id of ids) {
    if (id === r.id) {
      r.send(msg(voteRespMsgType(voteMsg), id, { term: term as Message['term'] }));
      continue;
    }
    const last = r.raftLog.lastEntryId();
    r.logger.info(
      `${fmtId(r.id)} [logterm: ${last.term}, index: ${last.index}] sent ${voteMsg} request ` +
        `to ${fmtId(id)} at term ${r.term}`,
    );
    r.send(
      msg(voteMsg, id, {
        term: term as Message['term'],
        index: last.index,
        logTerm: last.term,
        context: t === 'CampaignTransfer' ? CAMPAIGN_TRANSFER : EMPTY_BYTES,
      }),
    );
  }
}

/** Records a vote and returns the tally. */
export function poll(
  r: Raft,
  id: NodeId,
  t: MessageType,
  granted: boolean,
): { granted: number; rejected: number; result: VoteResult } {
  if (granted) r.logger.info(`${fmtId(r.id)} received ${t} from ${fmtId(id)} at term ${r.term}`);
  else r.logger.info(`${fmtId(r.id)} received ${t} rejection from ${fmtId(id)} at term ${r.term}`);
  r.trk.recordVote(id, granted);
  return r.trk.tallyVotes();
}

/**
 * MsgVote / MsgPreVote, in any role. A vote is granted if the candidate's log is at least as
 * up to date as ours and we are free to vote: we already voted for it, or have voted for nobody
 * and know no leader in this term, or it is a PreVote for a later term. Learners vote too: a
 * candidate asking a learner believes it to be a voter, and may know of a promotion the learner
 * has not applied yet; refusing could leave the group without a quorum.
 *
 * The response carries the request's term, not ours: a PreVote is for a term we have not
 * entered, and a response at our own older term would be ignored by the pre-candidate.
 */
export function handleVoteRequest(r: Raft, m: Message): void {
  const canVote =
    r.vote === m.from ||
    (r.vote === 0 && r.lead === 0) ||
    (m.type === 'MsgPreVote' && m.term > r.term);
  const last = r.raftLog.lastEntryId();
  const candLast = { term: m.logTerm, index: m.index };
  const respType = voteRespMsgType(m.type);
  const vote = fmtId(r.vote);
  const head = `${fmtId(r.id)} [logterm: ${last.term}, index: ${last.index}, vote: ${vote}]`;
  const tail =
    `${m.type} from ${fmtId(m.from)} [logterm: ${candLast.term}, index: ${candLast.index}] ` +
    `at term ${r.term}`;
  if (canVote && r.raftLog.isUpToDate(candLast)) {
    r.logger.info(
      `${head} cast ${m.type} for ${fmtId(m.from)} [logterm: ${candLast.term}, ` +
        `index: ${candLast.index}] at term ${r.term}`,
    );
    r.send(msg(respType, m.from, { term: m.term }));
    if (m.type === 'MsgVote') {
      // Only real votes are recorded; granting one also resets the election timer.
      r.electionElapsed = 0;
      r.vote = m.from;
    }
  } else {
    r.logger.info(`${head} rejected ${tail}`);
    r.send(msg(respType, m.from, { term: r.term, reject: true }));
  }
}
