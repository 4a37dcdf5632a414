/**
 * Why one voter has not acknowledged an entry the leader is waiting on. The answer is the first
 * of: the node is down; its own loop is stuck or mute; the link to or from it blocks; the
 * leader's progress for it is stuck (a snapshot never reported, a full inflight window, probing
 * after rejections, inactivity); the link is merely lossy or slow. Each answer is a finding about
 * that voter, with the leader's progress fields and the messages as evidence.
 */

import type { MessageSummary, ProgressView } from '@raftlens/trace';
import type { GroupChecks } from './checks.ts';
import type { Context, Member } from './context.ts';
import { type Evidence, type Finding, groupField, nodeField, recentEvents } from './finding.ts';
import {
  type LinkProblem,
  REPLICATION_RESPONSE_TYPES,
  REPLICATION_TYPES,
  roundTripProblem,
} from './network.ts';
import { probingCause, rejectionsFrom } from './probing.ts';

/** A short phrase for a voter's cause, for the quorum summary: "3 (crashed)". */
export const CAUSE_PHRASE: Partial<Record<Finding['code'], string>> = {
  NodeDown: 'down',
  ReadyNotAdvanced: 'Ready loop stopped',
  PersistedMessagesNotSent: 'responses never sent',
  Partitioned: 'partitioned',
  LinkHeld: 'link held',
  LinkDropping: 'link dropping',
  TransportFailing: 'transport failing',
  LinkDelayed: 'link delayed',
  SnapshotNeverReported: 'snapshot never reported',
  AwaitingSnapshot: 'receiving a snapshot',
  InflightWindowFull: 'inflight window full',
  FollowerProbing: 'probing',
  FollowerInactive: 'inactive',
  FollowerNotAcking: 'not acknowledging',
};

/** "3 (down)", or "2 (Ready loop stopped on node 1)" when the cause lies with another node. */
export function voterPhrase(id: number, cause: Finding): string {
  const what = CAUSE_PHRASE[cause.code] ?? cause.code;
  return cause.nodes.includes(id) ? `${id} (${what})` : `${id} (${what} on node ${cause.nodes[0]})`;
}

export function linkFinding(p: LinkProblem, g: number, about: number): Finding {
  const other = p.from === about ? p.to : p.from;
  return {
    code: p.code,
    severity: p.blocking ? 'warning' : 'info',
    group: g,
    nodes: [about, other],
    evidence: p.evidence,
    summary: `${capitalise(p.says)}.`,
  };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Explains why `voter` has no acknowledged copy of entry `index` on `leader`. Severities are
 * the defaults for a voter whose absence is harmless; the caller raises them when the voter's
 * acknowledgement is what the quorum lacks.
 */
export function explainMissingVoter(
  ctx: Context,
  checks: GroupChecks,
  leader: Member,
  voter: number,
  index: number,
): Finding | undefined {
  const g = checks.group;
  if (voter === leader.id) return checks.of(voter).ready;
  const node = ctx.node(voter);
  if (!node) {
    return {
      code: 'NodeDown',
      severity: 'warning',
      group: g,
      nodes: [voter],
      evidence: [groupField(leader.id, g, 'confState.voters', leader.view.confState.voters)],
      summary: `Node ${voter} is a voter of the leader's configuration, but no such node runs.`,
    };
  }
  if (node.status !== 'running') {
    return {
      code: 'NodeDown',
      severity: 'warning',
      group: g,
      nodes: [voter],
      evidence: [nodeField(voter, 'status', node.status), ...downEvents(ctx, voter)],
      summary: `Node ${voter} is ${node.status}, so it cannot store or acknowledge entries.`,
    };
  }
  const muted = checks.muted(voter);
  if (muted) return muted;
  const link = roundTripProblem(
    ctx,
    leader.id,
    voter,
    REPLICATION_TYPES,
    REPLICATION_RESPONSE_TYPES,
  );
  if (link?.blocking) return linkFinding(link, g, voter);
  // A leader whose own loop is stuck sends nothing, so its followers cannot answer.
  const leaderStuck = checks.of(leader.id).ready;
  if (leaderStuck) return leaderStuck;
  const pr = leader.view.progress?.[String(voter)];
  if (pr) {
    const stuck = progressCause(ctx, g, leader, voter, pr, index);
    if (stuck) return stuck;
  }
  if (link) return linkFinding(link, g, voter);
  return {
    code: 'FollowerNotAcking',
    severity: 'info',
    group: g,
    nodes: [voter],
    evidence: pr ? progressEvidence(leader, g, voter, pr) : [],
    summary: pr
      ? `Node ${voter} has acknowledged entries up to ${pr.match} only; no cause is visible ` +
        'in its progress or its links.'
      : `The leader keeps no progress for node ${voter}.`,
  };
}

function downEvents(ctx: Context, id: number): Evidence[] {
  const seqs: number[] = [];
  for (const e of ctx.controls()) {
    if (e.name === 'NodeCrashed' && (e.node === id || e.detail.node === id)) seqs.push(e.seq);
  }
  return recentEvents(seqs, 1);
}

function progressEvidence(leader: Member, g: number, voter: number, pr: ProgressView): Evidence[] {
  const base = `progress.${voter}`;
  return [
    groupField(leader.id, g, `${base}.state`, pr.state),
    groupField(leader.id, g, `${base}.match`, pr.match),
    groupField(leader.id, g, `${base}.next`, pr.next),
  ];
}

/** The leader's progress for `voter`, read for a reason it sends nothing or hears nothing. */
function progressCause(
  ctx: Context,
  g: number,
  leader: Member,
  voter: number,
  pr: ProgressView,
  index: number,
): Finding | undefined {
  const base = progressEvidence(leader, g, voter, pr);
  const field = (path: string, value: unknown) =>
    groupField(leader.id, g, `progress.${voter}.${path}`, value);
  if (pr.state === 'StateSnapshot') return snapshotCause(ctx, g, leader, voter, pr, base);
  if (pr.inflightsFull) {
    return {
      code: 'InflightWindowFull',
      severity: 'warning',
      group: g,
      nodes: [voter],
      evidence: [...base, field('inflights', pr.inflights), field('inflightsFull', true)],
      summary:
        `The leader has ${pr.inflights} appends in flight to node ${voter} without an ` +
        'acknowledgement, its window is full, and it sends nothing more until one is answered.',
      detail:
        'MaxInflightMsgs bounds how many appends may be outstanding to one follower. A full ' +
        'window that stays full means the acknowledgements are lost or never sent.',
    };
  }
  if (pr.state !== 'StateProbe') {
    return pr.recentActive ? undefined : inactiveCause(ctx, g, leader, voter, base);
  }
  // Rejections are answers: the follower is alive and the leader is repairing its log. Without
  // any, a follower that has been silent for an election timeout is inactive, probing or not.
  if (rejectionsFrom(ctx, g, leader, voter).length > 0) {
    return probingCause(ctx, g, leader, voter, pr, base);
  }
  const inactive = pr.recentActive ? undefined : inactiveCause(ctx, g, leader, voter, base);
  if (inactive) return inactive;
  return pr.next <= index ? probingCause(ctx, g, leader, voter, pr, base) : undefined;
}

/** What tells a leader that a follower is alive: etcd raft sets `RecentActive` on these. */
const LIVENESS_TYPES = new Set(['MsgAppResp', 'MsgHeartbeatResp']);

/**
 * The leader's silence from `voter` in its present term: the ticks since the last append or
 * heartbeat response that reached it, or since it won the election when none has. `heard` is
 * that response's sequence number.
 */
function silenceFrom(
  ctx: Context,
  g: number,
  leader: Member,
  voter: number,
): { ticks: number | undefined; heard?: number; since?: number } {
  const term = leader.view.term;
  const alive = (msg: MessageSummary | undefined) =>
    msg !== undefined &&
    LIVENESS_TYPES.has(msg.type) &&
    msg.from === voter &&
    msg.to === leader.id &&
    msg.term === term;
  let heard: number | undefined;
  for (const e of ctx.netOnLink(voter, leader.id)) {
    if (e.group === g && e.name === 'Deliver' && alive(e.msg)) heard = e.seq;
  }
  for (const e of ctx.stateEventsOf(leader.id, g)) {
    if (e.name === 'ReceiveAppendEntriesResponse' && alive(e.msg))
      heard = Math.max(heard ?? 0, e.seq);
  }
  const became = ctx.becameLeader(leader.id, g, term)?.seq;
  const since = Math.max(heard ?? 0, became ?? 0);
  if (since === 0) return { ticks: ctx.observedTicks(leader.id) };
  return {
    ticks: ctx.ticksSince(leader.id, since),
    since,
    ...(heard !== undefined ? { heard } : {}),
  };
}

/**
 * A follower the leader has not heard from. `recentActive` alone does not say so: a new leader
 * starts with it false for every follower until the first answers arrive, and CheckQuorum
 * clears it once per election timeout. So with a trace, the follower counts as inactive only
 * once the leader has led for an election timeout without an answer from it.
 */
function inactiveCause(
  ctx: Context,
  g: number,
  leader: Member,
  voter: number,
  base: Evidence[],
): Finding | undefined {
  const silence = silenceFrom(ctx, g, leader, voter);
  if (!ctx.isStalled(silence.ticks, g)) return undefined;
  const evidence = [
    ...base,
    groupField(leader.id, g, `progress.${voter}.recentActive`, false),
    ...(silence.since !== undefined ? recentEvents([silence.since], 1) : []),
  ];
  const lead = `The leader (node ${leader.id})`;
  const summary =
    silence.ticks === undefined
      ? `${lead} has not heard from node ${voter} within an election timeout (recentActive ` +
        'is false).'
      : `${lead} has not heard from node ${voter} for ${plural(silence.ticks, 'tick')}` +
        `${silence.heard === undefined ? ` since it took over in term ${leader.view.term}` : ''}` +
        `, more than an election timeout (recentActive is false).`;
  return {
    code: 'FollowerInactive',
    severity: 'warning',
    group: g,
    nodes: [voter],
    evidence,
    summary,
    detail:
      'A follower counts as active once its append or heartbeat response reaches the leader. ' +
      'None has arrived for an election timeout, yet no crash, partition or link rule explains ' +
      'it: the follower may be stuck, or its messages lost on the way.',
  };
}

/**
 * A follower in snapshot state gets nothing else until the snapshot is known to have arrived
 * (its response) or failed (`ReportSnapshot`). A snapshot that was dropped, or delivered
 * without an answer, and is still pending an election timeout later, was never reported.
 */
function snapshotCause(
  ctx: Context,
  g: number,
  leader: Member,
  voter: number,
  pr: ProgressView,
  base: Evidence[],
): Finding {
  let sent: number | undefined;
  let outcome: 'Deliver' | 'Drop' | undefined;
  for (const e of ctx.netOnLink(leader.id, voter)) {
    if (e.group !== g || e.msg.type !== 'MsgSnap') continue;
    if (e.name === 'Send') {
      sent = e.seq;
      outcome = undefined;
    } else if (e.name === 'Deliver' || e.name === 'Drop') {
      outcome = e.name;
    }
  }
  const enteredSnapshot = ctx.ageOf(
    leader.id,
    g,
    (e) => e.kind === 'progress' && e.progress[String(voter)]?.state === 'StateSnapshot',
  );
  const age = sent !== undefined ? ctx.ticksSince(leader.id, sent) : enteredSnapshot;
  const evidence = [
    ...base,
    groupField(leader.id, g, `progress.${voter}.pendingSnapshot`, pr.pendingSnapshot),
    ...(sent !== undefined ? recentEvents([sent]) : []),
  ];
  const inTransit = sent !== undefined && outcome === undefined;
  if (!ctx.isStalled(age, g) || inTransit) {
    return {
      code: 'AwaitingSnapshot',
      severity: 'info',
      group: g,
      nodes: [voter],
      evidence,
      summary:
        `Node ${voter} is too far behind for the log and is being sent a snapshot at index ` +
        `${pr.pendingSnapshot}; the leader sends it nothing else meanwhile.`,
    };
  }
  const what =
    outcome === 'Drop'
      ? 'the snapshot message was dropped'
      : outcome === 'Deliver'
        ? 'the snapshot was delivered but never acknowledged'
        : 'no snapshot message is seen arriving';
  return {
    code: 'SnapshotNeverReported',
    severity: 'warning',
    group: g,
    nodes: [voter, leader.id],
    evidence,
    summary:
      `The leader has waited ${age ?? 'many'} ticks on a snapshot for node ${voter}: ${what}, ` +
      'and nobody told the leader, so it stays paused for that follower.',
    detail:
      'After sending a snapshot the leader stops replicating to that follower until it learns ' +
      'the outcome. The application must call ReportSnapshot (report_snapshot in raft-rs) with ' +
      'success or failure once its transport knows; on failure the leader probes and retries.',
  };
}
