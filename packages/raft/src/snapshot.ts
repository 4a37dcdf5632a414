/**
 * Receiving a snapshot from the leader (MsgSnap).
 */
import { Changer } from './confchange/changer.ts';
import { restore as restoreConfState } from './confchange/restore.ts';
import { fmtId } from './logger.ts';
import type { Raft } from './raft.ts';
import { assertConfStatesEquivalent, switchToConfig } from './reconfig.ts';
import { ProgressTracker } from './tracker/tracker.ts';
import {
  emptyConfState,
  type LogIndex,
  type Message,
  NONE,
  type Snapshot,
  type Term,
} from './types.ts';
import { EMPTY_BYTES, msg } from './util.ts';

/**
 * MsgSnap: restore the snapshot if it is news, and answer with the last index either way (an
 * obsolete snapshot is answered with the commit index), so the leader knows where to continue.
 */
export function handleSnapshot(r: Raft, m: Message): void {
  // A MsgSnap always carries a snapshot; treat a missing one as empty to be safe.
  const s: Snapshot = m.snapshot ?? {
    data: EMPTY_BYTES,
    metadata: { confState: emptyConfState(), index: 0 as LogIndex, term: 0 as Term },
  };
  const { index, term } = s.metadata;
  if (restore(r, s)) {
    r.logger.info(
      `${fmtId(r.id)} [commit: ${r.raftLog.committed}] restored snapshot ` +
        `[index: ${index}, term: ${term}]`,
    );
    r.send(msg('MsgAppResp', m.from, { index: r.raftLog.lastIndex() }));
  } else {
    r.logger.info(
      `${fmtId(r.id)} [commit: ${r.raftLog.committed}] ignored snapshot ` +
        `[index: ${index}, term: ${term}]`,
    );
    r.send(msg('MsgAppResp', m.from, { index: r.raftLog.committed }));
  }
}

/**
 * Replaces the log and the configuration with the snapshot's. Returns false if the snapshot
 * was not restored: it is not newer than the commit index; this node is not a follower (which
 * should never happen); this node is not in the snapshot's configuration (neither should
 * that); or the log already holds the snapshot's last entry, in which case only the commit
 * index moves up to it.
 */
export function restore(r: Raft, s: Snapshot): boolean {
  const { index, term } = s.metadata;
  if (index <= r.raftLog.committed) return false;
  if (r.state !== 'StateFollower') {
    // Defense in depth: a leader applying a snapshot would move terms without stepping down.
    r.logger.warn(`${fmtId(r.id)} attempted to restore snapshot as leader; should never happen`);
    r.becomeFollower((r.term + 1) as Term, NONE);
    return false;
  }
  const cs = s.metadata.confState;
  // learnersNext need not be checked: a staged learner is always an outgoing voter.
  const member =
    cs.voters.includes(r.id) || cs.learners.includes(r.id) || cs.votersOutgoing.includes(r.id);
  if (!member) {
    r.logger.warn(
      `${fmtId(r.id)} attempted to restore snapshot but it is not in the ConfState ` +
        `${describeConfState(cs)}; should never happen`,
    );
    return false;
  }

  if (r.raftLog.matchTerm({ term, index })) {
    const last = r.raftLog.lastEntryId();
    r.logger.info(
      `${fmtId(r.id)} [commit: ${r.raftLog.committed}, lastindex: ${last.index}, ` +
        `lastterm: ${last.term}] fast-forwarded commit to snapshot [index: ${index}, ` +
        `term: ${term}]`,
    );
    r.raftLog.commitTo(index);
    return false;
  }

  r.raftLog.restore(s);
  // A fresh tracker: the snapshot's configuration replaces whatever this node had.
  r.trk = new ProgressTracker(r.trk.maxInflight, r.trk.maxInflightBytes);
  r.refreshPeerIds();
  const restored = restoreConfState(new Changer(r.trk, r.raftLog.lastIndex()), cs);
  if (!restored.ok) {
    // A bug in configuration handling, or a corrupted snapshot.
    throw new Error(`unable to restore config ${describeConfState(cs)}: ${restored.error}`);
  }
  assertConfStatesEquivalent(cs, switchToConfig(r, restored.config, restored.progress));

  const last = r.raftLog.lastEntryId();
  r.logger.info(
    `${fmtId(r.id)} [commit: ${r.raftLog.committed}, lastindex: ${last.index}, ` +
      `lastterm: ${last.term}] restored snapshot [index: ${index}, term: ${term}]`,
  );
  return true;
}

function describeConfState(cs: Snapshot['metadata']['confState']): string {
  return (
    `{Voters:[${cs.voters.join(' ')}] VotersOutgoing:[${cs.votersOutgoing.join(' ')}] ` +
    `Learners:[${cs.learners.join(' ')}] LearnersNext:[${cs.learnersNext.join(' ')}] ` +
    `AutoLeave:${cs.autoLeave}}`
  );
}
