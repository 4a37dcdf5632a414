/**
 * The leader's message handlers (etcd's stepLeader), except the acknowledgements from
 * followers, which are in `leader-acks.ts`.
 */
import { decodeConfChange, decodeConfChangeV2 } from './confchange/codec.ts';
import { asV2 } from './confchange/conv.ts';
import type { DropReason, RaftError } from './errors.ts';
import { stepAppResp, stepHeartbeatResp } from './leader-acks.ts';
import { fmtId } from './logger.ts';
import type { Raft } from './raft.ts';
import { stepReadIndex } from './read-index.ts';
import { confChangeText } from './reconfig.ts';
import { bcastAppend, bcastHeartbeat, sendAppend, sendTimeoutNow } from './replication.ts';
import type { Progress } from './tracker/progress.ts';
import { trackerConfigToString } from './tracker/tracker.ts';
import {
  type ConfChangeV2,
  type Entry,
  type LogIndex,
  type Message,
  NONE,
  type Term,
} from './types.ts';
import { EMPTY_BYTES } from './util.ts';

/** Handles a message in StateLeader. */
export function stepLeader(r: Raft, m: Message): RaftError | null {
  // These message types need no progress of the sender.
  switch (m.type) {
    case 'MsgBeat':
      bcastHeartbeat(r);
      return null;
    case 'MsgCheckQuorum':
      stepCheckQuorum(r);
      return null;
    case 'MsgProp':
      return stepProp(r, m);
    case 'MsgReadIndex':
      stepReadIndex(r, m);
      return null;
    case 'MsgForgetLeader':
      // A leader does not forget itself.
      return null;
    default:
      break;
  }

  const pr = r.trk.progress.get(m.from);
  if (pr === undefined) {
    r.logger.debug(`${fmtId(r.id)} no progress available for ${fmtId(m.from)}`);
    return null;
  }
  switch (m.type) {
    case 'MsgAppResp':
      stepAppResp(r, m, pr);
      return null;
    case 'MsgHeartbeatResp':
      stepHeartbeatResp(r, m, pr);
      return null;
    case 'MsgSnapStatus':
      stepSnapStatus(r, m, pr);
      return null;
    case 'MsgUnreachable':
      stepUnreachable(r, m, pr);
      return null;
    case 'MsgTransferLeader':
      stepTransferLeader(r, m, pr);
      return null;
    default:
      return null;
  }
}

/**
 * MsgCheckQuorum, every election timeout with CheckQuorum: a leader that has not heard from a
 * quorum in that time steps down, since a newer leader may exist on the other side of a
 * partition. Activity is then cleared for the next round (the leader always counts itself).
 */
function stepCheckQuorum(r: Raft): void {
  if (!r.trk.quorumActive()) {
    r.logger.warn(`${fmtId(r.id)} stepped down to follower since quorum is not active`);
    r.becomeFollower(r.term, NONE);
  }
  for (const id of r.peerIds) {
    if (id !== r.id) (r.trk.progress.get(id) as Progress).recentActive = false;
  }
}

/**
 * MsgProp: append the proposed entries and send them out. Proposals are dropped while this
 * leader is not in its own configuration, while it transfers leadership, or when they would
 * exceed the uncommitted-size limit.
 *
 * A configuration change is checked against the active configuration: only one change may be
 * unapplied at a time, a joint configuration must be left before anything else changes, and
 * only a joint configuration can be left. A change that fails is not refused but replaced by an
 * empty normal entry (so the proposal's index is still used), unless the checks are disabled.
 */
function stepProp(r: Raft, m: Message): RaftError | null {
  if (m.entries.length === 0) throw new Error(`${fmtId(r.id)} stepped empty MsgProp`);
  if (!r.trk.progress.has(r.id)) return r.dropProposal('RemovedFromConfig', m);
  if (r.leadTransferee !== NONE) {
    r.logger.debug(
      `${fmtId(r.id)} [term ${r.term}] transfer leadership to ${fmtId(r.leadTransferee)} ` +
        'is in progress; dropping proposal',
    );
    return r.dropProposal('LeaderTransferring', m);
  }

  let ents = m.entries;
  for (let i = 0; i < ents.length; i++) {
    const e = ents[i] as Entry;
    if (e.type === 'EntryNormal') continue;
    const cc = e.type === 'EntryConfChange' ? decodeConfChange(e.data) : decodeConfChangeV2(e.data);
    const v2 = asV2(cc);
    const failed = checkConfChange(r, v2);
    if (failed !== null && !r.disableConfChangeValidation) {
      r.logger.info(
        `${fmtId(r.id)} ignoring conf change ${confChangeText(cc)} at config ` +
          `${trackerConfigToString(r.trk.config)}: ${failed.text}`,
      );
      // The message's entries may be shared with its sender: replace in a copy.
      if (ents === m.entries) ents = ents.slice();
      ents[i] = { term: 0 as Term, index: 0 as LogIndex, type: 'EntryNormal', data: EMPTY_BYTES };
      if (r.traceSink !== undefined) {
        r.trace('ConfChangeReplaced', { confChange: v2, reason: failed.reason });
      }
    } else {
      r.pendingConfIndex = (r.raftLog.lastIndex() + i + 1) as LogIndex;
      if (r.traceSink !== undefined && v2.changes.length > 0) {
        r.trace('ChangeConf', { confChange: v2 });
      }
    }
  }

  if (!r.appendEntry(ents)) return r.dropProposal('UncommittedSizeExceeded', m);
  bcastAppend(r);
  return null;
}

/** The propose-time checks of a configuration change; null if it passes. */
function checkConfChange(r: Raft, cc: ConfChangeV2): { reason: DropReason; text: string } | null {
  const alreadyPending = r.pendingConfIndex > r.raftLog.applied;
  const alreadyJoint = r.trk.config.voters[1].size > 0;
  const wantsLeaveJoint = cc.changes.length === 0;
  if (alreadyPending) {
    return {
      reason: 'PendingConfChange',
      text:
        `possible unapplied conf change at index ${r.pendingConfIndex} ` +
        `(applied to ${r.raftLog.applied})`,
    };
  }
  if (alreadyJoint && !wantsLeaveJoint) {
    return { reason: 'MustLeaveJointFirst', text: 'must transition out of joint config first' };
  }
  if (!alreadyJoint && wantsLeaveJoint) {
    return { reason: 'NotInJointConfig', text: 'not in joint state; refusing empty conf change' };
  }
  return null;
}

/**
 * MsgSnapStatus (ReportSnapshot): the snapshot sent to this follower was applied, or failed.
 * Either way go back to probing: after success from the snapshot's index, after failure from
 * the follower's match. Pause until the follower answers (success) or until the next heartbeat
 * (failure), so as not to hammer it.
 */
function stepSnapStatus(r: Raft, m: Message, pr: Progress): void {
  if (pr.state !== 'StateSnapshot') return;
  if (!m.reject) {
    pr.becomeProbe();
    r.logger.debug(
      `${fmtId(r.id)} snapshot succeeded, resumed sending replication messages to ` +
        `${fmtId(m.from)} [${pr.toString()}]`,
    );
  } else {
    // Clear the pending snapshot first, or probing would start after a snapshot that was
    // never applied.
    pr.pendingSnapshot = 0 as LogIndex;
    pr.becomeProbe();
    r.logger.debug(
      `${fmtId(r.id)} snapshot failed, resumed sending replication messages to ` +
        `${fmtId(m.from)} [${pr.toString()}]`,
    );
  }
  pr.msgAppFlowPaused = true;
}

/**
 * MsgUnreachable (ReportUnreachable): sending to this follower failed. While replicating
 * optimistically, an append was probably lost, so fall back to probing.
 */
function stepUnreachable(r: Raft, m: Message, pr: Progress): void {
  if (pr.state === 'StateReplicate') pr.becomeProbe();
  r.logger.debug(
    `${fmtId(r.id)} failed to send message to ${fmtId(m.from)} because it is unreachable ` +
      `[${pr.toString()}]`,
  );
}

/**
 * MsgTransferLeader (Raft thesis 3.10): hand leadership to `m.from`. Proposals are refused
 * until the transfer ends. Once the transferee's log is up to date it gets MsgTimeoutNow and
 * campaigns at once; until then it is caught up. A transfer that does not finish within an
 * election timeout is abandoned (see `tickHeartbeat`).
 */
function stepTransferLeader(r: Raft, m: Message, pr: Progress): void {
  if (pr.isLearner) {
    r.logger.debug(`${fmtId(r.id)} is learner. Ignored transferring leadership`);
    return;
  }
  const transferee = m.from;
  const last = r.leadTransferee;
  if (last !== NONE) {
    if (last === transferee) {
      r.logger.info(
        `${fmtId(r.id)} [term ${r.term}] transfer leadership to ${fmtId(transferee)} is in ` +
          `progress, ignores request to same node ${fmtId(transferee)}`,
      );
      return;
    }
    r.abortLeaderTransfer();
    r.logger.info(
      `${fmtId(r.id)} [term ${r.term}] abort previous transferring leadership to ${fmtId(last)}`,
    );
  }
  if (transferee === r.id) {
    r.logger.debug(`${fmtId(r.id)} is already leader. Ignored transferring leadership to self`);
    return;
  }
  r.logger.info(
    `${fmtId(r.id)} [term ${r.term}] starts to transfer leadership to ${fmtId(transferee)}`,
  );
  // The transfer must finish within one election timeout.
  r.electionElapsed = 0;
  r.leadTransferee = transferee;
  if (pr.match === r.raftLog.lastIndex()) {
    sendTimeoutNow(r, transferee);
    r.logger.info(
      `${fmtId(r.id)} sends MsgTimeoutNow to ${fmtId(transferee)} immediately as ` +
        `${fmtId(transferee)} already has up-to-date log`,
    );
  } else {
    sendAppend(r, transferee);
  }
}
