/**
 * Conversions between the two kinds of configuration change, the questions raft asks of a
 * ConfChangeV2, and the compact `v1 l2 r3 u4` notation of etcd's test scripts.
 */

import type {
  ConfChange,
  ConfChangeSingle,
  ConfChangeType,
  ConfChangeV2,
  NodeId,
} from '../types.ts';

/** True for a V2 change, false for a V1 one. */
export function isConfChangeV2(cc: ConfChange | ConfChangeV2): cc is ConfChangeV2 {
  return 'changes' in cc;
}

/**
 * The V2 form of a change. A V1 change becomes one single change with the automatic
 * transition; a V2 change is returned as it is.
 */
export function asV2(cc: ConfChange | ConfChangeV2): ConfChangeV2 {
  if (isConfChangeV2(cc)) return cc;
  return {
    transition: 'ConfChangeTransitionAuto',
    changes: [{ type: cc.type, nodeId: cc.nodeId }],
    context: cc.context,
  };
}

/**
 * Whether applying `cc` enters a joint configuration (`ok`), and if so whether raft leaves it
 * on its own (`autoLeave`). Joint consensus is used for more than one change, or when a joint
 * transition is asked for explicitly. Whether a multi-change could have been done simply (two
 * learners added, say) depends on the configuration it applies to, so it goes joint anyway.
 */
export function enterJoint(cc: ConfChangeV2): { autoLeave: boolean; ok: boolean } {
  if (cc.transition === 'ConfChangeTransitionAuto' && cc.changes.length <= 1) {
    return { autoLeave: false, ok: false };
  }
  switch (cc.transition) {
    case 'ConfChangeTransitionAuto':
    case 'ConfChangeTransitionJointImplicit':
      return { autoLeave: true, ok: true };
    case 'ConfChangeTransitionJointExplicit':
      return { autoLeave: false, ok: true };
  }
}

/**
 * Whether `cc` leaves a joint configuration: it is the empty ConfChangeV2 (automatic
 * transition, no changes), whatever its context.
 */
export function leaveJoint(cc: ConfChangeV2): boolean {
  return cc.transition === 'ConfChangeTransitionAuto' && cc.changes.length === 0;
}

const LETTER_OF: Record<ConfChangeType, string> = {
  ConfChangeAddNode: 'v',
  ConfChangeAddLearnerNode: 'l',
  ConfChangeRemoveNode: 'r',
  ConfChangeUpdateNode: 'u',
};

const TYPE_OF: Record<string, ConfChangeType> = {
  v: 'ConfChangeAddNode',
  l: 'ConfChangeAddLearnerNode',
  r: 'ConfChangeRemoveNode',
  u: 'ConfChangeUpdateNode',
};

/** Changes in the scripts' notation: `v1` voter, `l2` learner, `r3` remove, `u4` update. */
export function confChangesToString(ccs: readonly ConfChangeSingle[]): string {
  return ccs.map((cc) => `${LETTER_OF[cc.type] ?? 'unknown'}${cc.nodeId}`).join(' ');
}

/** The result of parsing the `v1 l2 r3 u4` notation. */
export type ConfChangesParse =
  | { ok: true; changes: ConfChangeSingle[] }
  | { ok: false; code: 'InvalidConfChangeString'; error: string };

/**
 * Parses whitespace-separated changes in the `v1 l2 r3 u4` notation; an empty or blank string
 * is no changes. For input typed by a person, where a mistake is expected.
 */
export function parseConfChanges(s: string): ConfChangesParse {
  const changes: ConfChangeSingle[] = [];
  const tokens = s.trim() === '' ? [] : s.trim().split(/\s+/);
  for (const tok of tokens) {
    const invalid = (error: string): ConfChangesParse => ({
      ok: false,
      code: 'InvalidConfChangeString',
      error,
    });
    if (tok.length < 2) return invalid(`unknown token ${tok}`);
    const type = TYPE_OF[tok[0] ?? ''];
    if (type === undefined) return invalid(`unknown input: ${tok}`);
    const digits = tok.slice(1);
    if (!/^\d+$/.test(digits) || !Number.isSafeInteger(Number(digits))) {
      return invalid(`invalid node id in ${tok}`);
    }
    changes.push({ type, nodeId: Number(digits) as NodeId });
  }
  return { ok: true, changes };
}

/** Thrown by `confChangesFromString` on malformed input. */
export class ConfChangeStringError extends Error {
  readonly code = 'InvalidConfChangeString';
}

/**
 * Parses the `v1 l2 r3 u4` notation (etcd's ConfChangesFromString). For scripts and tests,
 * where malformed input is a bug: it throws a `ConfChangeStringError`. Use `parseConfChanges`
 * for input that may be wrong.
 */
export function confChangesFromString(s: string): ConfChangeSingle[] {
  const parsed = parseConfChanges(s);
  if (!parsed.ok) throw new ConfChangeStringError(parsed.error);
  return parsed.changes;
}
