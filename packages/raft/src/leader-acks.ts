/**
 * The leader's handling of what followers answer: append acknowledgements and rejections, and
 * heartbeat responses.
 */
import { fmtId } from './logger.ts';
import type { Raft } from './raft.ts';
import { ackReadIndex, releasePendingReadIndexMessages } from './read-index.ts';
import { bcastAppend, maybeSendAppend, sendAppend, sendTimeoutNow } from './replication.ts';
import type { Progress } from './tracker/progress.ts';
import type { Message } from './types.ts';

/**
 * MsgAppResp. Also the leader's acknowledgement of its own entries, stepped once they are
 * durable (see `Raft.appendEntry`).
 *
 * A rejection says the follower's log does not hold the entry before the append. Its hint
 * (rejectHint, logTerm) is the follower's best guess of where the logs agree: the last entry
 * at or before the rejected index with a term no greater than the append's. The leader
 * sharpens the guess against its own log (`findConflictByTerm`: a probe at an index where the
 * leader's term exceeds the hinted term must fail too), so that a divergent tail costs one
 * round trip per term rather than per entry, then probes from there.
 *
 * An acceptance moves `match`: a probing follower starts replicating, a follower caught up
 * past the log's first index no longer needs its snapshot, and the inflight window is freed up
 * to the acknowledged index. Then the commit index may move (commits are broadcast), or the
 * follower may merely lack the latest commit index (sent to it alone), and as many further
 * appends as the window allows go out. A transferee that has caught up is told to campaign.
 */
export function stepAppResp(r: Raft, m: Message, pr: Progress): void {
  pr.recentActive = true;

  if (m.reject) {
    r.logger.debug(
      `${fmtId(r.id)} received MsgAppResp(rejected, hint: (index ${m.rejectHint}, ` +
        `term ${m.logTerm})) from ${fmtId(m.from)} for index ${m.index}`,
    );
    let nextProbeIdx = m.rejectHint;
    if (m.logTerm > 0) {
      nextProbeIdx = r.raftLog.findConflictByTerm(m.rejectHint, m.logTerm).index;
    }
    if (pr.maybeDecrTo(m.index, nextProbeIdx)) {
      r.logger.debug(`${fmtId(r.id)} decreased progress of ${fmtId(m.from)} to [${pr.toString()}]`);
      if (pr.state === 'StateReplicate') pr.becomeProbe();
      if (r.traceSink !== undefined) {
        r.trace('ReduceNextIndex', { msg: m, progress: { match: pr.match, next: pr.next } });
      }
      sendAppend(r, m.from);
    }
    return;
  }

  // An ack at exactly `match` still moves a probing follower back to replicating (it answers a
  // probe after, e.g., ReportUnreachable). In StateSnapshot it would not help: the follower
  // still lacks the entry after `match`.
  if (!(pr.maybeUpdate(m.index) || (pr.match === m.index && pr.state === 'StateProbe'))) return;

  switch (pr.state) {
    case 'StateProbe':
      pr.becomeReplicate();
      break;
    case 'StateSnapshot':
      // Whatever index the snapshot was applied at, the follower can now be caught up from
      // the log. Going through probing accounts for the pending snapshot.
      if (pr.match + 1 >= r.raftLog.firstIndex()) {
        r.logger.debug(
          `${fmtId(r.id)} recovered from needing snapshot, resumed sending replication ` +
            `messages to ${fmtId(m.from)} [${pr.toString()}]`,
        );
        pr.becomeProbe();
        pr.becomeReplicate();
      }
      break;
    case 'StateReplicate':
      pr.inflights.freeLE(m.index);
      break;
  }

  if (r.maybeCommit()) {
    // A commit in this term: pending ReadIndex requests may now be answered.
    releasePendingReadIndexMessages(r);
    bcastAppend(r);
  } else if (r.id !== m.from && pr.canBumpCommit(r.raftLog.committed)) {
    // The follower may lack the current commit index. A heartbeat would bring it too, but
    // later.
    sendAppend(r, m.from);
  }
  // The window may have room for several messages now (after probing, or when the ack freed
  // several); send what fits, but no empty appends.
  if (r.id !== m.from) {
    while (maybeSendAppend(r, m.from, false)) {
      // Keep sending while the flow allows.
    }
  }
  if (m.from === r.leadTransferee && pr.match === r.raftLog.lastIndex()) {
    r.logger.info(
      `${fmtId(r.id)} sent MsgTimeoutNow to ${fmtId(m.from)} after received MsgAppResp`,
    );
    sendTimeoutNow(r, m.from);
  }
}

/**
 * MsgHeartbeatResp: the follower is alive. Lift a probe's pause and send an append if it lags
 * or is probing. This also recovers a replicating follower whose every in-flight append was
 * lost (the window is full, and only an acknowledged or rejected append frees it). The
 * response may also acknowledge a ReadIndex round.
 */
export function stepHeartbeatResp(r: Raft, m: Message, pr: Progress): void {
  pr.recentActive = true;
  pr.msgAppFlowPaused = false;
  // StateSnapshot is always paused, so this sends nothing to a follower awaiting a snapshot.
  if (pr.match < r.raftLog.lastIndex() || pr.state === 'StateProbe') sendAppend(r, m.from);
  ackReadIndex(r, m);
}
