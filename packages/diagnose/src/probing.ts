/**
 * A follower the leader is probing: one append at a time, each waiting for its answer. After
 * rejections there are two very different stories, and a student should hear the right one:
 *
 * - the follower is behind: its log is a prefix of the leader's that simply ends early (appends
 *   lost while it was partitioned or down), and the leader steps back to where it ends;
 * - the follower's log conflicts: it holds entries of another term that an earlier leader wrote
 *   and never committed, and the leader searches back for the last entry they share and then
 *   overwrites the rest.
 *
 * The follower's own log in the snapshot tells them apart when it shows the entries concerned;
 * otherwise the rejection itself (its hint: an index and the follower's term there) can prove a
 * conflict, but never that the follower is merely behind.
 */

import type { MessageSummary, ProgressView } from '@raftlens/trace';
import type { Context, Member } from './context.ts';
import { type Evidence, type Finding, groupField, recentEvents } from './finding.ts';
import { termAt } from './replication.ts';

/** How the follower's log relates to the leader's, as far as the evidence shows. */
export type Divergence =
  | { kind: 'behind'; lastIndex: number; evidence: Evidence[] }
  | { kind: 'conflict'; index: number; theirs: number; ours: number; evidence: Evidence[] }
  | { kind: 'beyond'; lastIndex: number; evidence: Evidence[] }
  | { kind: 'unknown'; evidence: Evidence[] };

interface Rejection {
  seq: number;
  msg: MessageSummary;
}

/**
 * Append rejections from `voter` in the leader's present term, oldest first. The runtime records
 * each one twice (delivered, then handled by the leader's core); the core's events are counted
 * when there are any, the deliveries otherwise.
 */
export function rejectionsFrom(
  ctx: Context,
  g: number,
  leader: Member,
  voter: number,
): Rejection[] {
  const rejects = (msg: MessageSummary | undefined): msg is MessageSummary =>
    msg?.type === 'MsgAppResp' &&
    msg.reject &&
    msg.from === voter &&
    msg.to === leader.id &&
    msg.term === leader.view.term;
  const handled: Rejection[] = [];
  for (const e of ctx.stateEventsOf(leader.id, g)) {
    if (e.name === 'ReceiveAppendEntriesResponse' && rejects(e.msg)) {
      handled.push({ seq: e.seq, msg: e.msg });
    }
  }
  if (handled.length > 0) return handled;
  const delivered: Rejection[] = [];
  for (const e of ctx.netOnLink(voter, leader.id)) {
    if (e.group === g && e.name === 'Deliver' && rejects(e.msg)) {
      delivered.push({ seq: e.seq, msg: e.msg });
    }
  }
  return delivered;
}

/** The first index both log windows show where the terms differ. */
function firstDifference(leader: Member, follower: Member): number | undefined {
  const ours = new Map(leader.view.log.entries.map((e) => [e.index, e.term]));
  for (const e of follower.view.log.entries) {
    const t = ours.get(e.index);
    if (t !== undefined && t !== e.term) return e.index;
  }
  return undefined;
}

/** Whether both windows show the follower's last entry (or it has none), so a prefix is proven. */
function lastEntryShown(leader: Member, follower: Member): boolean {
  const last = follower.view.log.lastIndex;
  if (last === 0) return true;
  return termAt(follower, last) !== undefined && termAt(leader, last) !== undefined;
}

/** Compares the follower's log with the leader's: its own view first, then the rejection. */
export function divergence(
  ctx: Context,
  g: number,
  leader: Member,
  voter: number,
  last: Rejection | undefined,
): Divergence {
  const follower = ctx.members(g).find((m) => m.id === voter);
  if (follower) {
    const theirLast = follower.view.log.lastIndex;
    const lastField = groupField(voter, g, 'log.lastIndex', theirLast);
    const at = firstDifference(leader, follower);
    if (at !== undefined) {
      const theirs = termAt(follower, at) ?? 0;
      const ours = termAt(leader, at) ?? 0;
      return {
        kind: 'conflict',
        index: at,
        theirs,
        ours,
        evidence: [
          groupField(voter, g, `log.entry.${at}.term`, theirs),
          groupField(leader.id, g, `log.entry.${at}.term`, ours),
        ],
      };
    }
    if (theirLast > leader.view.log.lastIndex) {
      return {
        kind: 'beyond',
        lastIndex: theirLast,
        evidence: [lastField, groupField(leader.id, g, 'log.lastIndex', leader.view.log.lastIndex)],
      };
    }
    if (lastEntryShown(leader, follower)) {
      return {
        kind: 'behind',
        lastIndex: theirLast,
        evidence: [
          lastField,
          groupField(voter, g, `log.entry.${theirLast}.term`, termAt(follower, theirLast)),
          groupField(leader.id, g, `log.entry.${theirLast}.term`, termAt(leader, theirLast)),
        ],
      };
    }
  }
  if (last) {
    const { index, rejectHint: hint, logTerm } = last.msg;
    const ours = termAt(leader, hint);
    // The hint is the follower's own entry (index and term). A term the leader does not have
    // there, or a hint at the very index the append built on, proves the logs conflict.
    if (hint > 0 && ours !== undefined && (ours !== logTerm || hint >= index)) {
      return {
        kind: 'conflict',
        index: hint,
        theirs: logTerm,
        ours,
        evidence: [groupField(leader.id, g, `log.entry.${hint}.term`, ours)],
      };
    }
  }
  return { kind: 'unknown', evidence: [] };
}

/**
 * Whether `voter` is merely being caught up: its log is behind the leader's, not divergent, and
 * it started rejecting appends less than an election timeout ago. That is how a partition or a
 * restart normally ends, in a round trip or two: worth showing, no cause for a warning.
 */
export function catchingUp(ctx: Context, g: number, leader: Member, voter: number): boolean {
  const rejections = rejectionsFrom(ctx, g, leader, voter);
  const first = rejections[0];
  const last = rejections[rejections.length - 1];
  if (!first || !last) return false;
  if (ctx.isStalled(ctx.ticksSince(leader.id, first.seq), g)) return false;
  return divergence(ctx, g, leader, voter, last).kind === 'behind';
}

/** The leader is probing `voter`; explains why, after rejections or without any. */
export function probingCause(
  ctx: Context,
  g: number,
  leader: Member,
  voter: number,
  pr: ProgressView,
  base: Evidence[],
): Finding {
  const rejections = rejectionsFrom(ctx, g, leader, voter);
  const evidence: Evidence[] = [
    ...base,
    groupField(leader.id, g, `progress.${voter}.paused`, pr.paused),
    ...recentEvents(
      rejections.map((r) => r.seq),
      6,
    ),
  ];
  const finding = (summary: string, detail: string): Finding => ({
    code: 'FollowerProbing',
    severity: 'warning',
    group: g,
    nodes: [voter],
    evidence,
    summary,
    detail,
  });
  const last = rejections[rejections.length - 1];
  if (!last) {
    return finding(
      `The leader is probing node ${voter}: it sends one append at a time (next = ` +
        `${pr.next}) and waits for each answer before sending more.`,
      PROBE_DETAIL,
    );
  }
  const n = rejections.length;
  const rejected = `rejected ${n === 1 ? 'an append' : `${n} appends`}`;
  const d = divergence(ctx, g, leader, voter, last);
  evidence.push(...d.evidence);
  switch (d.kind) {
    case 'behind': {
      const { index, rejectHint: hint, logTerm } = last.msg;
      const refused =
        n === 1
          ? `rejected an append built on entry ${index}`
          : `rejected ${n} appends, the latest built on entry ${index}`;
      // The hint says where its log ended when it refused, if the leader has that entry too;
      // otherwise only its present end is known (it may have caught up since).
      const summary =
        hint < index && termAt(leader, hint) === logTerm
          ? `Node ${voter} is behind, not divergent: its log matched the leader's up to entry ` +
            `${hint} and ended there, so it ${refused}, which it did not have; the leader ` +
            `steps back and resends from entry ${hint + 1} (next = ${pr.next}).`
          : `Node ${voter} is behind, not divergent: its log is a prefix of the leader's (it ` +
            `ends at entry ${d.lastIndex}), so it ${refused}, which it did not have then; the ` +
            `leader steps back and resends what it missed (next = ${pr.next}).`;
      return finding(
        summary,
        'A follower that misses appends, while partitioned or down for instance, keeps a ' +
          "shorter copy of the leader's log. It rejects an append that builds on an entry it " +
          'lacks and hints where its log ends; the leader moves next back to that point and ' +
          'resends from there. Nothing is wrong with its log, and it catches up within a few ' +
          'round trips.',
      );
    }
    case 'conflict':
      return finding(
        `Node ${voter}'s log disagrees with the leader's at entry ${d.index} (term ` +
          `${d.theirs} there, the leader's is term ${d.ours}), so it ${rejected}; the leader ` +
          `is probing back to the last entry they share (next = ${pr.next}) and will ` +
          'overwrite the rest.',
        CONFLICT_DETAIL,
      );
    case 'beyond':
      return finding(
        `Node ${voter}'s log runs past the leader's (to entry ${d.lastIndex}) with entries ` +
          `the leader does not have, so it ${rejected}; the leader is probing back to the ` +
          `last entry they share (next = ${pr.next}) and will overwrite the rest.`,
        CONFLICT_DETAIL,
      );
    case 'unknown':
      return finding(
        `Node ${voter} ${rejected}: it has no entry ${last.msg.index} of the term the leader ` +
          `sent, so the leader is probing backwards for the last entry they share (next = ` +
          `${pr.next}).`,
        PROBE_DETAIL,
      );
  }
}

const PROBE_DETAIL =
  'In probe state the leader sends a single append and pauses until the follower answers or a ' +
  'heartbeat response arrives. Each rejection moves next back, guided by the ' +
  "follower's hint, until the logs match; then replication resumes at full speed.";

const CONFLICT_DETAIL =
  'A follower cut off with an earlier leader can keep entries that leader wrote and never ' +
  'committed. It rejects appends until the leader finds the last entry both logs share, guided ' +
  "by the follower's hint (an index and its term there); from there the leader's entries " +
  'replace the stray ones. They were never committed, so nothing acknowledged is lost.';
