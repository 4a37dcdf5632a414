/**
 * Rebuilding a configuration from a ConfState, as when a node starts from storage or applies a
 * snapshot.
 */

import { cloneTrackerConfig, ProgressTracker } from '../tracker/tracker.ts';
import type { ConfChangeSingle, ConfState } from '../types.ts';
import { Changer, type ConfChangeResult } from './changer.ts';

/**
 * The changes that build `cs` from an empty configuration, in two steps: `outgoing` adds the
 * outgoing voters one by one (empty when `cs` is not joint); `incoming`, applied on top (as a
 * joint change when `outgoing` is non-empty), removes them again and adds the incoming voters,
 * the learners and the staged learners.
 *
 * For example, `voters=(1 2 3)&&(1 2 4 6) learners=(5) learners_next=(4)` becomes
 * `outgoing = v1 v2 v4 v6` and `incoming = r1 r2 r4 r6 v1 v2 v3 l5 l4`. Entering the joint
 * configuration turns (1 2 4 6) into the outgoing half; `l4` is staged because 4 still votes
 * there. Whether 5 was a learner before the change cannot be told and does not matter.
 */
export function confStateToChanges(cs: ConfState): {
  outgoing: ConfChangeSingle[];
  incoming: ConfChangeSingle[];
} {
  const outgoing = cs.votersOutgoing.map(
    (nodeId): ConfChangeSingle => ({ type: 'ConfChangeAddNode', nodeId }),
  );
  const incoming: ConfChangeSingle[] = [
    ...cs.votersOutgoing.map(
      (nodeId): ConfChangeSingle => ({ type: 'ConfChangeRemoveNode', nodeId }),
    ),
    ...cs.voters.map((nodeId): ConfChangeSingle => ({ type: 'ConfChangeAddNode', nodeId })),
    ...cs.learners.map(
      (nodeId): ConfChangeSingle => ({ type: 'ConfChangeAddLearnerNode', nodeId }),
    ),
    ...cs.learnersNext.map(
      (nodeId): ConfChangeSingle => ({ type: 'ConfChangeAddLearnerNode', nodeId }),
    ),
  ];
  return { outgoing, incoming };
}

/**
 * Builds the configuration described by `cs` on top of the changer's configuration (normally
 * empty), by replaying the changes of `confStateToChanges` through the changer's own rules, so
 * a restored configuration is exactly one that changes could have produced. The changes are
 * applied one simple change at a time, except that a joint `cs` ends with one `enterJoint`
 * carrying all of its incoming changes.
 *
 * Like the changer's methods, it returns the result and leaves the changer's tracker as it was.
 */
export function restore(changer: Changer, cs: ConfState): ConfChangeResult {
  const { outgoing, incoming } = confStateToChanges(cs);
  // The steps build on each other, so they run against a scratch tracker.
  const scratch = new ProgressTracker(
    changer.tracker.maxInflight,
    changer.tracker.maxInflightBytes,
  );
  scratch.config = changer.tracker.config;
  scratch.progress = changer.tracker.progress;
  const steps: ((c: Changer) => ConfChangeResult)[] =
    outgoing.length === 0
      ? incoming.map((cc) => (c: Changer) => c.simple([cc]))
      : [
          ...outgoing.map((cc) => (c: Changer) => c.simple([cc])),
          (c: Changer) => c.enterJoint(cs.autoLeave, incoming),
        ];
  // With no steps (an empty ConfState) the result is a copy of the starting point.
  let result: ConfChangeResult = {
    ok: true,
    config: cloneTrackerConfig(scratch.config),
    progress: new Map([...scratch.progress].map(([id, pr]) => [id, pr.clone()])),
  };
  for (const step of steps) {
    result = step(new Changer(scratch, changer.lastIndex));
    if (!result.ok) return result;
    scratch.config = result.config;
    scratch.progress = result.progress;
  }
  return result;
}
