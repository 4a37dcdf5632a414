/**
 * The check a configuration change must pass before the runtime proposes it.
 *
 * The core checks a change twice, as etcd's does. When the leader appends it, a change that
 * breaks the one-at-a-time rules (another change unapplied, a new change while joint, "leave"
 * while not joint) is replaced by an empty entry: the runtime lets that happen, since it is
 * etcd's behaviour and worth seeing, and fails the request with the core's reason. When the
 * change is applied, a change the changer refuses (every voter removed, say) is a broken
 * invariant that throws, and would stop the node's loop. The runtime asks the changer first,
 * against the configuration the proposing node has now, and refuses such a change at once.
 */

import { Changer, type ConfChangeV2, enterJoint, leaveJoint, type Raft } from '@raftlens/raft';

/** Why a change is refused: the changer's code and its sentence. */
export interface ConfRefusal {
  /** A changer code: `RemovedAllVoters`, `TooManyVoterChanges`, `ZeroVoterJoint`, ... */
  reason: string;
  message: string;
}

/**
 * Null if the core may be given `cc` now (it may still replace it by an empty entry, which
 * the request then hears), else why applying it would fail.
 */
export function refuseConfChange(r: Raft, cc: ConfChangeV2): ConfRefusal | null {
  const joint = r.trk.config.voters[1].size > 0;
  const leaving = cc.changes.length === 0;
  const pending = r.state === 'StateLeader' && r.pendingConfIndex > r.raftLog.applied;
  // These the core catches when appending; the changer would only give a vaguer reason.
  if (pending || joint !== leaving) return null;
  const changer = new Changer(r.trk, r.raftLog.lastIndex());
  let result: ReturnType<Changer['simple']>;
  if (leaveJoint(cc)) {
    result = changer.leaveJoint();
  } else {
    const j = enterJoint(cc);
    result = j.ok ? changer.enterJoint(j.autoLeave, cc.changes) : changer.simple(cc.changes);
  }
  return result.ok ? null : { reason: result.code, message: result.error };
}
