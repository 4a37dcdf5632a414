/**
 * A node's status, as plain data: what a dashboard shows and what tests inspect.
 */
import type { Raft } from './raft.ts';
import type { ProgressPlain } from './tracker/progress.ts';
import { trackerConfigToString } from './tracker/tracker.ts';
import type { ConfState, HardState, LogIndex, NodeId, SoftState } from './types.ts';

/** The status without the progress of peers (cheap to take). */
export interface BasicStatus {
  id: NodeId;
  hardState: HardState;
  softState: SoftState;
  /** The highest index the application reported applied. */
  applied: LogIndex;
  /** The node leadership is being transferred to, or 0. */
  leadTransferee: NodeId;
}

export interface Status extends BasicStatus {
  /** The active configuration. */
  config: ConfState;
  /** The active configuration as etcd prints it (`voters=(1 2 3)&&(1 2) autoleave`). */
  configText: string;
  /**
   * On the leader, every peer's progress (itself included), by id; empty on other nodes,
   * whose progress records are not maintained.
   */
  progress: Record<number, ProgressPlain>;
}

export function getBasicStatus(r: Raft): BasicStatus {
  return {
    id: r.id,
    hardState: r.hardState(),
    softState: r.softState(),
    applied: r.raftLog.applied,
    leadTransferee: r.leadTransferee,
  };
}

export function getStatus(r: Raft): Status {
  const progress: Record<number, ProgressPlain> = {};
  if (r.state === 'StateLeader') {
    for (const id of r.peerIds) {
      const pr = r.trk.progress.get(id);
      if (pr !== undefined) progress[id] = pr.toPlain();
    }
  }
  return {
    ...getBasicStatus(r),
    config: r.trk.confState(),
    configText: trackerConfigToString(r.trk.config),
    progress,
  };
}
