/**
 * Installing a new configuration: from a ConfChange applied by the application, or from a
 * ConfState (at start, or from a snapshot).
 */
import { Changer } from './confchange/changer.ts';
import { confStatesEqual, confStateToString } from './confchange/confstate.ts';
import { enterJoint, isConfChangeV2, leaveJoint } from './confchange/conv.ts';
import { fmtId } from './logger.ts';
import type { Raft } from './raft.ts';
import { bcastAppend, maybeSendAppend } from './replication.ts';
import type { ProgressMap } from './tracker/progress.ts';
import { type TrackerConfig, trackerConfigToString } from './tracker/tracker.ts';
import { type ConfChange, type ConfChangeV2, type ConfState, NONE } from './types.ts';

/**
 * Applies a committed configuration change. The application calls this (through
 * `RawNode.applyConfChange`) when it applies the change's entry. A change that the changer
 * refuses at this point is a bug (it passed the propose-time checks, or they were disabled on
 * purpose), and throws.
 */
export function applyConfChange(r: Raft, cc: ConfChangeV2): ConfState {
  const changer = new Changer(r.trk, r.raftLog.lastIndex());
  let result: ReturnType<Changer['simple']>;
  if (leaveJoint(cc)) {
    result = changer.leaveJoint();
  } else {
    const joint = enterJoint(cc);
    result = joint.ok
      ? changer.enterJoint(joint.autoLeave, cc.changes)
      : changer.simple(cc.changes);
  }
  if (!result.ok) throw new Error(`cannot apply conf change: ${result.error}`);
  return switchToConfig(r, result.config, result.progress, cc);
}

/**
 * Installs `cfg` and its progress map, and reacts to what changed: a leader that was removed
 * or demoted steps down (with `stepDownOnRemoval`); otherwise a leader may now commit more (the
 * quorum changed) and probes new peers at once rather than a heartbeat later; a leadership
 * transfer to a node that is no longer a voter is abandoned.
 */
export function switchToConfig(
  r: Raft,
  cfg: TrackerConfig,
  progress: ProgressMap,
  cc?: ConfChangeV2,
): ConfState {
  r.trk.config = cfg;
  r.trk.progress = progress;
  r.refreshPeerIds();
  r.logger.info(`${fmtId(r.id)} switched to configuration ${trackerConfigToString(cfg)}`);
  if (r.traceSink !== undefined)
    r.trace('ApplyConfChange', cc === undefined ? {} : { confChange: cc });
  const cs = r.trk.confState();
  const pr = progress.get(r.id);
  r.isLearner = pr?.isLearner === true;

  if ((pr === undefined || r.isLearner) && r.state === 'StateLeader') {
    // TODO(raft): hand leadership to the most caught-up follower (MsgTimeoutNow) instead of
    // just stepping down; until then proposals in flight are lost with the old leader.
    if (r.stepDownOnRemoval) r.becomeFollower(r.term, NONE);
    return cs;
  }
  if (r.state !== 'StateLeader' || cs.voters.length === 0) return cs;

  if (r.maybeCommit()) {
    bcastAppend(r);
  } else {
    for (const id of r.peerIds) {
      if (id !== r.id) maybeSendAppend(r, id, false);
    }
  }
  const t = r.leadTransferee;
  if (t !== NONE && !cfg.voters[0].has(t) && !cfg.voters[1].has(t)) r.abortLeaderTransfer();
  return cs;
}

/** Throws if restoring `cs` did not produce `cs`: the changer and the ConfState disagree. */
export function assertConfStatesEquivalent(cs: ConfState, got: ConfState): void {
  if (!confStatesEqual(cs, got)) {
    throw new Error(
      `ConfStates not equivalent after sorting:\n${confStateToString(cs)}\n` +
        `${confStateToString(got)}\nInputs were:\n${confStateToString(cs)}`,
    );
  }
}

/**
 * A configuration change in protobuf text form, as etcd logs it:
 * `transition:ConfChangeTransitionAuto changes:{type:ConfChangeAddNode node_id:3}`.
 */
export function confChangeText(cc: ConfChange | ConfChangeV2): string {
  const ctx = (b: Uint8Array) => (b.length > 0 ? ` context:"${bytesText(b)}"` : '');
  if (!isConfChangeV2(cc)) return `type:${cc.type} node_id:${cc.nodeId}${ctx(cc.context)}`;
  let s = `transition:${cc.transition}`;
  for (const c of cc.changes) s += ` changes:{type:${c.type} node_id:${c.nodeId}}`;
  return s + ctx(cc.context);
}

function bytesText(b: Uint8Array): string {
  let s = '';
  for (const x of b) {
    if (x >= 0x20 && x < 0x7f && x !== 0x22 && x !== 0x5c) s += String.fromCharCode(x);
    else s += `\\${x.toString(8).padStart(3, '0')}`;
  }
  return s;
}
