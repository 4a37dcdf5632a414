/**
 * Whether messages of given types get from one node to another: the partition and link rules
 * the user set, messages parked on the link, and, where no rule explains it (a real network),
 * the drops the trace recorded.
 */

import type { ControlEvent, NetEvent } from '@raftlens/trace';
import type { Context } from './context.ts';
import { type Evidence, ev, recentEvents } from './finding.ts';

export type LinkCode =
  | 'Partitioned'
  | 'LinkHeld'
  | 'LinkDropping'
  | 'TransportFailing'
  | 'LinkDelayed';

export interface LinkProblem {
  code: LinkCode;
  from: number;
  to: number;
  /** True when nothing of these types gets through; false when the link is lossy or slow. */
  blocking: boolean;
  /** A phrase: "messages from 1 to 3 are held". */
  says: string;
  evidence: Evidence[];
}

/** What the leader sends a follower to replicate, and what comes back. */
export const REPLICATION_TYPES = ['MsgApp', 'MsgSnap', 'MsgHeartbeat'];
export const REPLICATION_RESPONSE_TYPES = ['MsgAppResp', 'MsgHeartbeatResp'];
export const VOTE_TYPES = ['MsgVote', 'MsgPreVote'];
export const VOTE_RESPONSE_TYPES = ['MsgVoteResp', 'MsgPreVoteResp'];

/** Drops of this many messages in a row, with none delivered since, count as a blocked link. */
const DROPS_IN_A_ROW_BLOCKING = 2;

function ruleApplies(types: readonly string[] | undefined, wanted: readonly string[]): boolean {
  return !types || types.some((t) => wanted.includes(t));
}

function typesPhrase(types: readonly string[]): string {
  return types.join('/');
}

/** The first problem found on the link `from -> to` for messages of `types`, worst first. */
export function linkProblem(
  ctx: Context,
  from: number,
  to: number,
  types: readonly string[],
): LinkProblem | undefined {
  const snap = ctx.snapshot;
  if (ctx.partitioned(from, to)) {
    const set = lastControl(ctx, 'PartitionSet');
    return {
      code: 'Partitioned',
      from,
      to,
      blocking: true,
      says: `nodes ${from} and ${to} are on different sides of a network partition`,
      evidence: [
        { kind: 'field', node: 0, path: 'partitions', value: snap.partitions },
        ...(set ? [ev(set.seq)] : []),
      ],
    };
  }
  const ruleIdx = snap.links.findIndex((l) => l.from === from && l.to === to);
  const rule = ruleIdx >= 0 ? snap.links[ruleIdx]?.rule : undefined;
  const ruleField: Evidence = { kind: 'field', node: 0, path: `links.${ruleIdx}`, value: rule };
  const held = snap.held.filter((h) => h.from === from && h.to === to && types.includes(h.type));
  if ((rule?.hold && ruleApplies(rule.types, types)) || held.length > 0) {
    return {
      code: 'LinkHeld',
      from,
      to,
      blocking: true,
      says:
        `${typesPhrase(types)} messages from ${from} to ${to} are held` +
        (held.length > 0 ? ` (${held.length} waiting)` : ''),
      evidence: [
        ...(rule?.hold ? [ruleField] : []),
        ...held.slice(0, 8).map((h) => ({
          kind: 'field' as const,
          node: 0,
          path: `held.${h.msgId}`,
          value: h,
        })),
      ],
    };
  }
  if (rule && (rule.dropRate ?? 0) >= 1 && ruleApplies(rule.types, types)) {
    return {
      code: 'LinkDropping',
      from,
      to,
      blocking: true,
      says: `a link rule drops every ${typesPhrase(types)} message from ${from} to ${to}`,
      evidence: [ruleField, ...dropEvidence(ctx, from, to, types)],
    };
  }
  const observed = observedDrops(ctx, from, to, types);
  if (observed) return observed;
  if (rule && (rule.dropRate ?? 0) > 0 && ruleApplies(rule.types, types)) {
    const pct = Math.round((rule.dropRate ?? 0) * 100);
    return {
      code: 'LinkDropping',
      from,
      to,
      blocking: false,
      says: `a link rule drops ${pct}% of messages from ${from} to ${to}`,
      evidence: [ruleField, ...dropEvidence(ctx, from, to, types)],
    };
  }
  if (rule && (rule.delayMs ?? 0) + (rule.jitterMs ?? 0) > 0 && ruleApplies(rule.types, types)) {
    return {
      code: 'LinkDelayed',
      from,
      to,
      blocking: false,
      says: `messages from ${from} to ${to} are delayed by ${rule.delayMs ?? 0} ms`,
      evidence: [ruleField],
    };
  }
  return undefined;
}

/** Problems on either direction of a link, the request direction first. */
export function roundTripProblem(
  ctx: Context,
  a: number,
  b: number,
  requestTypes: readonly string[],
  responseTypes: readonly string[],
): LinkProblem | undefined {
  const there = linkProblem(ctx, a, b, requestTypes);
  const back = linkProblem(ctx, b, a, responseTypes);
  if (there?.blocking) return there;
  if (back?.blocking) return back;
  return there ?? back;
}

function dropEvidence(
  ctx: Context,
  from: number,
  to: number,
  types: readonly string[],
): Evidence[] {
  const seqs: number[] = [];
  for (const e of ctx.netOnLink(from, to)) {
    if (e.name === 'Drop' && types.includes(e.msg.type)) seqs.push(e.seq);
  }
  return recentEvents(seqs, 6);
}

/**
 * Drops the trace recorded on the link since its last delivery. This is how a real network's
 * failures show up, where no rule explains them. Drops by the node itself (reason `fault`) are
 * the node's mistake, not the link's, and are left to the node checks.
 */
function observedDrops(
  ctx: Context,
  from: number,
  to: number,
  types: readonly string[],
): LinkProblem | undefined {
  const drops: NetEvent[] = [];
  for (const e of ctx.netOnLink(from, to)) {
    if (!types.includes(e.msg.type)) continue;
    if (e.name === 'Deliver') drops.length = 0;
    else if (e.name === 'Drop' && e.reason !== 'fault' && e.reason !== 'crashed') drops.push(e);
  }
  const transportErrors = ctx
    .controls()
    .filter(
      (e) =>
        e.name === 'TransportError' &&
        (e.detail.from === from || e.node === from) &&
        (e.detail.to === to || e.detail.peer === to),
    );
  const last = drops[drops.length - 1];
  if (drops.length < DROPS_IN_A_ROW_BLOCKING || !last) return undefined;
  const evidence = recentEvents(
    [...drops.map((d) => d.seq), ...transportErrors.map((t) => t.seq)],
    8,
  );
  if (last.reason === 'transport' || transportErrors.length > 0) {
    return {
      code: 'TransportFailing',
      from,
      to,
      blocking: true,
      says:
        `the transport from ${from} to ${to} failed to deliver the last ` +
        `${drops.length} messages`,
      evidence,
    };
  }
  if (last.reason === 'partition') {
    return {
      code: 'Partitioned',
      from,
      to,
      blocking: true,
      says: `the last ${drops.length} messages from ${from} to ${to} were lost to a partition`,
      evidence,
    };
  }
  return {
    code: 'LinkDropping',
    from,
    to,
    blocking: true,
    says: `the last ${drops.length} messages from ${from} to ${to} were dropped (${last.reason})`,
    evidence,
  };
}

function lastControl(ctx: Context, name: ControlEvent['name']): ControlEvent | undefined {
  const list = ctx.controls();
  for (let i = list.length - 1; i >= 0; i--) {
    const e = list[i];
    if (e?.name === name) return e;
  }
  return undefined;
}
