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
  const rejections = rejectionsFrom(ctx, g, leader, voter);
  if (pr.state === 'StateProbe' && (rejections.length > 0 || pr.next <= index)) {
    const found = rejections.length > 0;
    return {
      code: 'FollowerProbing',
      severity: 'warning',
      group: g,
      nodes: [voter],
      evidence: [...base, field('paused', pr.paused), ...recentEvents(rejections, 6)],
      summary: found
        ? `Node ${voter}'s log disagrees with the leader's: it rejected ` +
          `${plural(rejections.length, 'append')} and the leader is probing backwards for ` +
          `the entries they share (next = ${pr.next}).`
        : `The leader is probing node ${voter}: it sends one append at a time (next = ` +
          `${pr.next}) and waits for each answer before sending more.`,
      detail:
        'In probe state the leader sends a single append and pauses until the follower answers ' +
        'or a heartbeat response arrives. Each rejection moves next back, guided by the ' +
        "follower's hint, until the logs match; then replication resumes at full speed.",
    };
  }
  if (!pr.recentActive) {
    return {
      code: 'FollowerInactive',
      severity: 'warning',
      group: g,
      nodes: [voter],
      evidence: [...base, field('recentActive', false)],
      summary:
        `The leader has not heard from node ${voter} within an election timeout ` +
        '(recentActive is false).',
    };
  }
  return undefined;
}

function rejectionsFrom(ctx: Context, g: number, leader: Member, voter: number): number[] {
  const seqs: number[] = [];
  const rejects = (msg: MessageSummary | undefined) =>
    msg?.type === 'MsgAppResp' &&
    msg.reject &&
    msg.from === voter &&
    msg.to === leader.id &&
    msg.term === leader.view.term;
  for (const e of ctx.netOnLink(voter, leader.id)) {
    if (e.group === g && e.name === 'Deliver' && rejects(e.msg)) seqs.push(e.seq);
  }
  for (const e of ctx.stateEventsOf(leader.id, g)) {
    if (e.name === 'ReceiveAppendEntriesResponse' && rejects(e.msg)) seqs.push(e.seq);
  }
  return seqs.sort((a, b) => a - b);
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
