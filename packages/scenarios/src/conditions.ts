/**
 * Conditions scenarios wait for and check, as small functions of a step's view. Those meant for
 * `until` avoid the diagnosis, which is the costly part of a view.
 */

import type { FindingCode } from '@raftlens/diagnose';
import type { StateEventName, TraceEvent } from '@raftlens/trace';
import type { NodeRef } from './model.ts';
import type { StepView } from './view.ts';

export type Condition = (view: StepView) => boolean;

export const all =
  (...cs: Condition[]): Condition =>
  (v) =>
    cs.every((c) => c(v));

export const any =
  (...cs: Condition[]): Condition =>
  (v) =>
    cs.some((c) => c(v));

/** Some running node leads group 1. */
export const leaderElected: Condition = (v) => v.leader() !== null;

/** A leader that every running member follows. */
export const stableLeader: Condition = (v) => v.stableLeader() !== null;

/** A stable leader other than `ref`. */
export const newLeaderOtherThan =
  (ref: NodeRef): Condition =>
  (v) => {
    const leader = v.stableLeader();
    return leader !== null && leader !== v.node(ref);
  };

/** The labelled operations have all succeeded or failed. */
export const settled =
  (...labels: string[]): Condition =>
  (v) =>
    labels.every((l) => {
      const op = v.op(l);
      return op !== undefined && op.status !== 'pending';
    });

/** Some event of this step satisfies `pred`. */
export const sawEvent =
  (pred: (e: TraceEvent) => boolean): Condition =>
  (v) =>
    v.stepEvents.some(pred);

/** A state event of this step with this name, on `ref` if given. */
export function stateEvent(name: StateEventName, ref?: NodeRef): Condition {
  return (v) => {
    const node = ref === undefined ? undefined : v.node(ref);
    return v.stepEvents.some(
      (e) => e.kind === 'state' && e.name === name && (node === undefined || e.node === node),
    );
  };
}

/** A message of `type` was delivered in this step (from and to `ref`s, if given). */
export function delivered(type: string, opts: { from?: NodeRef; to?: NodeRef } = {}): Condition {
  return (v) => {
    const from = opts.from === undefined ? undefined : v.node(opts.from);
    const to = opts.to === undefined ? undefined : v.node(opts.to);
    return v.stepEvents.some(
      (e) =>
        e.kind === 'net' &&
        e.name === 'Deliver' &&
        e.msg.type === type &&
        (from === undefined || e.msg.from === from) &&
        (to === undefined || e.msg.to === to),
    );
  };
}

/** The diagnosis names `code` (costly: runs the diagnosis). */
export const findingRaised =
  (code: FindingCode): Condition =>
  (v) =>
    v.findings.some((f) => f.code === code);

/** `ref` holds this role in group 1. */
export const hasRole =
  (ref: NodeRef, role: string): Condition =>
  (v) =>
    v.group(ref)?.role === role;

/**
 * Why the running members are not caught up with the leader, or null when they are: the leader
 * has committed its whole log, and each member has the leader's last index and last term, has
 * committed and applied all of it, and is known by the leader to have it.
 */
export function notCaughtUp(v: StepView): string | null {
  const leader = v.stableLeader();
  if (leader === null) return 'no stable leader';
  const lv = v.group(leader);
  if (lv === undefined) return `node ${leader} shows no group 1`;
  const lastTerm = lastTermOf(lv.log);
  if (lv.commit < lv.log.lastIndex) {
    return `the leader has committed ${lv.commit} of ${lv.log.lastIndex}`;
  }
  if (lv.applied < lv.commit) return `the leader has applied ${lv.applied} of ${lv.commit}`;
  for (const { id, view } of v.runningVoters()) {
    if (view.log.lastIndex !== lv.log.lastIndex || lastTermOf(view.log) !== lastTerm) {
      return `node ${id}'s log ends at ${view.log.lastIndex}, the leader's at ${lv.log.lastIndex}`;
    }
    if (view.commit !== lv.commit || view.applied !== lv.commit) {
      return `node ${id} has committed ${view.commit} and applied ${view.applied} of ${lv.commit}`;
    }
    // The leader must know it too, or it is still repairing the follower's progress.
    const match = lv.progress?.[String(id)]?.match;
    if (match !== undefined && match < lv.log.lastIndex) {
      return `the leader records match ${match} for node ${id}`;
    }
  }
  return null;
}

export const caughtUp: Condition = (v) => notCaughtUp(v) === null;

/** The term of the last entry of a log window. */
export function lastTermOf(log: {
  lastIndex: number;
  snapshotIndex: number;
  snapshotTerm: number;
  entries: Array<{ index: number; term: number }>;
}): number {
  const last = log.entries[log.entries.length - 1];
  if (last !== undefined && last.index === log.lastIndex) return last.term;
  return log.lastIndex === log.snapshotIndex ? log.snapshotTerm : 0;
}

/** The term of entry `index` in `ref`'s log window, when the window shows it. */
export function termAt(v: StepView, ref: NodeRef, index: number): number | undefined {
  const log = v.group(ref)?.log;
  if (log === undefined) return undefined;
  if (index === log.snapshotIndex) return log.snapshotTerm;
  return log.entries.find((e) => e.index === index)?.term;
}
