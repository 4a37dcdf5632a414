/**
 * The configuration changer: turns a list of single changes into the next configuration and
 * progress map, or refuses them with etcd raft's reasons.
 */

import { jointIds } from '../quorum/joint.ts';
import { Inflights } from '../tracker/inflights.ts';
import { Progress, type ProgressMap } from '../tracker/progress.ts';
import type { ProgressTracker, TrackerConfig } from '../tracker/tracker.ts';
import type { ConfChangeSingle, LogIndex, NodeId } from '../types.ts';

/** Why a change was refused; the `error` text is etcd raft's message for it. */
export type ConfChangeErrorCode =
  | 'AlreadyJoint'
  | 'ZeroVoterJoint'
  | 'NotJoint'
  | 'SimpleInJoint'
  | 'RemovedAllVoters'
  | 'TooManyVoterChanges'
  | 'UnknownChangeType'
  | 'InvariantViolated';

/**
 * The outcome of a change: the new configuration and progress map to install, or the reason
 * the change is refused. The changer never installs anything itself.
 */
export type ConfChangeResult =
  | { ok: true; config: TrackerConfig; progress: ProgressMap }
  | { ok: false; code: ConfChangeErrorCode; error: string };

/** The mutable working copy a change is applied to. */
interface Draft {
  incoming: Set<NodeId>;
  outgoing: Set<NodeId>;
  learners: Set<NodeId>;
  learnersNext: Set<NodeId>;
  autoLeave: boolean;
  progress: ProgressMap;
}

const fail = (code: ConfChangeErrorCode, error: string): ConfChangeResult => ({
  ok: false,
  code,
  error,
});

/**
 * Computes configuration changes against the configuration of `tracker`, as etcd raft's
 * confchange.Changer does. Three kinds of change exist:
 *
 * - `simple`: changes at most one voter, without a joint configuration. Adding or removing
 *   learners is unrestricted.
 * - `enterJoint`: any changes at all, through a joint configuration in which the old voters
 *   (outgoing) and the new voters (incoming) must both agree.
 * - `leaveJoint`: drops the outgoing half and turns staged learners into learners.
 *
 * Each returns a fresh configuration and progress map and leaves the tracker untouched; the
 * caller installs the result once the change is applied. New peers start probing at
 * `lastIndex` (at least 1), and are presumed active so that CheckQuorum does not count them
 * against the leader before they had a chance to answer.
 */
export class Changer {
  constructor(
    readonly tracker: ProgressTracker,
    readonly lastIndex: LogIndex,
  ) {}

  /**
   * Enters a joint configuration: the current voters become the outgoing half, and `ccs` are
   * applied to a copy of them that becomes the incoming half. `autoLeave` is recorded in the
   * configuration for raft to act on.
   */
  enterJoint(autoLeave: boolean, ccs: readonly ConfChangeSingle[]): ConfChangeResult {
    const draft = this.checkAndCopy();
    if ('ok' in draft) return draft;
    if (draft.outgoing.size > 0) return fail('AlreadyJoint', 'config is already joint');
    // An empty configuration may be built up for bootstrap, but only by simple changes: there
    // is nothing to be joint with.
    if (draft.incoming.size === 0) {
      return fail('ZeroVoterJoint', "can't make a zero-voter config joint");
    }
    draft.outgoing = new Set(draft.incoming);
    const applied = this.apply(draft, ccs);
    if (applied !== null) return applied;
    draft.autoLeave = autoLeave;
    return checkAndReturn(draft);
  }

  /**
   * Leaves the joint configuration: staged learners become learners, outgoing voters that are
   * in neither the incoming half nor the learners lose their progress, and the outgoing half
   * is cleared.
   */
  leaveJoint(): ConfChangeResult {
    const draft = this.checkAndCopy();
    if ('ok' in draft) return draft;
    if (draft.outgoing.size === 0) return fail('NotJoint', "can't leave a non-joint config");
    for (const id of draft.learnersNext) {
      draft.learners.add(id);
      const pr = draft.progress.get(id);
      if (pr === undefined) throw new Error(`no progress for staged learner ${id}`);
      pr.isLearner = true;
    }
    draft.learnersNext = new Set();
    for (const id of draft.outgoing) {
      if (!draft.incoming.has(id) && !draft.learners.has(id)) draft.progress.delete(id);
    }
    draft.outgoing = new Set();
    draft.autoLeave = false;
    return checkAndReturn(draft);
  }

  /**
   * Applies `ccs` without a joint configuration. Refused when already joint, and when the
   * voters would change by more than one node: two majorities of configurations that differ
   * in one voter always intersect, which is what makes a one-step change safe.
   */
  simple(ccs: readonly ConfChangeSingle[]): ConfChangeResult {
    const draft = this.checkAndCopy();
    if ('ok' in draft) return draft;
    if (draft.outgoing.size > 0) {
      return fail('SimpleInJoint', "can't apply simple config change in joint config");
    }
    const applied = this.apply(draft, ccs);
    if (applied !== null) return applied;
    if (symmetricDifference(this.tracker.config.voters[0], draft.incoming) > 1) {
      return fail(
        'TooManyVoterChanges',
        'more than one voter changed without entering joint config',
      );
    }
    return checkAndReturn(draft);
  }

  /** Applies the changes in order to the incoming half; null when that leaves voters. */
  private apply(draft: Draft, ccs: readonly ConfChangeSingle[]): ConfChangeResult | null {
    for (const cc of ccs) {
      // etcd's applications zero the node id of a change they decide not to carry out, so a
      // change of node 0 is a no-op rather than an error.
      if (cc.nodeId === 0) continue;
      switch (cc.type) {
        case 'ConfChangeAddNode':
          this.makeVoter(draft, cc.nodeId);
          break;
        case 'ConfChangeAddLearnerNode':
          this.makeLearner(draft, cc.nodeId);
          break;
        case 'ConfChangeRemoveNode':
          remove(draft, cc.nodeId);
          break;
        case 'ConfChangeUpdateNode':
          // Carries an application payload only; the configuration does not change.
          break;
        default:
          return fail('UnknownChangeType', `unexpected conf type ${String(cc.type)}`);
      }
    }
    if (draft.incoming.size === 0) return fail('RemovedAllVoters', 'removed all voters');
    return null;
  }

  private makeVoter(draft: Draft, id: NodeId): void {
    const pr = draft.progress.get(id);
    if (pr === undefined) {
      this.initProgress(draft, id, false);
      return;
    }
    // A promoted learner keeps its progress: it already has (some of) the log.
    pr.isLearner = false;
    draft.learners.delete(id);
    draft.learnersNext.delete(id);
    draft.incoming.add(id);
  }

  private makeLearner(draft: Draft, id: NodeId): void {
    const pr = draft.progress.get(id);
    if (pr === undefined) {
      this.initProgress(draft, id, true);
      return;
    }
    if (pr.isLearner) return;
    // Demote: out of the incoming voters, but keep the progress even if the node is in no
    // outgoing half.
    remove(draft, id);
    draft.progress.set(id, pr);
    // A node still voting in the outgoing half cannot also be a learner; it is staged in
    // learnersNext and becomes a learner when the joint configuration is left.
    if (draft.outgoing.has(id)) {
      draft.learnersNext.add(id);
    } else {
      pr.isLearner = true;
      draft.learners.add(id);
    }
  }

  private initProgress(draft: Draft, id: NodeId, isLearner: boolean): void {
    if (isLearner) draft.learners.add(id);
    else draft.incoming.add(id);
    draft.progress.set(
      id,
      new Progress({
        // The new peer is presumed to have no log; probing from the last index finds out.
        next: Math.max(this.lastIndex, 1) as LogIndex,
        inflights: new Inflights(this.tracker.maxInflight, this.tracker.maxInflightBytes),
        isLearner,
        recentActive: true,
      }),
    );
  }

  /** Copies the tracker's state into a draft, after checking that it is consistent. */
  private checkAndCopy(): Draft | ConfChangeResult {
    const cfg = this.tracker.config;
    const progress: ProgressMap = new Map();
    for (const [id, pr] of this.tracker.progress) progress.set(id, pr.clone());
    const draft: Draft = {
      incoming: new Set(cfg.voters[0]),
      outgoing: new Set(cfg.voters[1]),
      learners: new Set(cfg.learners),
      learnersNext: new Set(cfg.learnersNext),
      autoLeave: cfg.autoLeave,
      progress,
    };
    const broken = checkInvariants(draft);
    return broken === null ? draft : fail('InvariantViolated', broken);
  }
}

/** Removes a node from the incoming voters and the learners; its progress stays only while
 * it still votes in the outgoing half. Removing an unknown node is a no-op. */
function remove(draft: Draft, id: NodeId): void {
  if (!draft.progress.has(id)) return;
  draft.incoming.delete(id);
  draft.learners.delete(id);
  draft.learnersNext.delete(id);
  if (!draft.outgoing.has(id)) draft.progress.delete(id);
}

/** The number of nodes in exactly one of the two sets. */
function symmetricDifference(a: ReadonlySet<NodeId>, b: ReadonlySet<NodeId>): number {
  let n = 0;
  for (const id of a) if (!b.has(id)) n++;
  for (const id of b) if (!a.has(id)) n++;
  return n;
}

function checkAndReturn(draft: Draft): ConfChangeResult {
  const broken = checkInvariants(draft);
  if (broken !== null) return fail('InvariantViolated', broken);
  return {
    ok: true,
    config: {
      voters: [draft.incoming, draft.outgoing],
      autoLeave: draft.autoLeave,
      learners: draft.learners,
      learnersNext: draft.learnersNext,
    },
    progress: draft.progress,
  };
}

/**
 * The consistency rules of a configuration and its progress map, with etcd's messages. Null
 * when they hold. An empty configuration is allowed: bootstrap starts from one.
 */
function checkInvariants(draft: Draft): string | null {
  const members = [
    ...jointIds([draft.incoming, draft.outgoing]),
    ...draft.learners,
    ...draft.learnersNext,
  ];
  for (const id of members) {
    if (!draft.progress.has(id)) return `no progress for ${id}`;
  }
  for (const id of draft.learnersNext) {
    if (!draft.outgoing.has(id)) return `${id} is in LearnersNext, but not Voters[1]`;
    if (draft.progress.get(id)?.isLearner) {
      return `${id} is in LearnersNext, but is already marked as learner`;
    }
  }
  for (const id of draft.learners) {
    if (draft.outgoing.has(id)) return `${id} is in Learners and Voters[1]`;
    if (draft.incoming.has(id)) return `${id} is in Learners and Voters[0]`;
    if (!draft.progress.get(id)?.isLearner) {
      return `${id} is in Learners, but is not marked as learner`;
    }
  }
  if (draft.outgoing.size === 0) {
    if (draft.learnersNext.size > 0) return 'cfg.LearnersNext must be nil when not joint';
    if (draft.autoLeave) return 'AutoLeave must be false when not joint';
  }
  return null;
}
