/**
 * The `status` and `raft-state` lines of the scripts, built from a node's Status.
 */
import type { RawNode } from '../../src/rawnode.ts';
import type { ProgressPlain } from '../../src/tracker/progress.ts';

/**
 * A peer's progress as etcd prints it: `StateReplicate match=11 next=15 paused inflight=3[full]`,
 * with ` learner`, ` paused`, ` pendingSnap=N`, ` inactive` and ` inflight=N` when they apply.
 */
export function describeProgress(pr: ProgressPlain): string {
  let s = `${pr.state} match=${pr.match} next=${pr.next}`;
  if (pr.isLearner) s += ' learner';
  if (pr.paused) s += ' paused';
  if (pr.pendingSnapshot > 0) s += ` pendingSnap=${pr.pendingSnapshot}`;
  if (!pr.recentActive) s += ' inactive';
  if (pr.inflightCount > 0) {
    s += ` inflight=${pr.inflightCount}`;
    if (pr.inflightFull) s += '[full]';
  }
  return s;
}

/** `1: StateReplicate match=13 next=14`, one line per tracked peer, in id order. */
export function describeProgressMap(rn: RawNode): string {
  const progress = rn.status().progress;
  const ids = Object.keys(progress)
    .map(Number)
    .sort((a, b) => a - b);
  return ids.map((id) => `${id}: ${describeProgress(progress[id] as ProgressPlain)}\n`).join('');
}

/** `2: StateFollower (Voter) Term:1 Lead:1`, the node's view of itself. */
export function describeRaftState(rn: RawNode): string {
  const st = rn.status();
  const cs = st.config;
  const voter = cs.voters.includes(st.id) || cs.votersOutgoing.includes(st.id);
  const role = voter ? '(Voter)' : '(Non-Voter)';
  return `${st.id}: ${st.softState.raftState} ${role} Term:${st.hardState.term} Lead:${st.softState.lead}`;
}
