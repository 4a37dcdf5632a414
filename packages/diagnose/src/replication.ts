/**
 * Why a leader's entries are not committed. An entry commits when a quorum of the leader's
 * configuration (each half of a joint one) has acknowledged it and it, or a later entry of the
 * leader's own term, is on that quorum. So the answer is one of: the entry is on a quorum but
 * of an older term; a quorum is short and each missing voter has a reason; or nothing is wrong
 * yet and it is simply on its way.
 */

import type { GroupChecks } from './checks.ts';
import type { Context, Member } from './context.ts';
import {
  type Evidence,
  type Finding,
  groupField,
  indexRange,
  maxSeverity,
  type Severity,
} from './finding.ts';
import { appendedBeyond } from './nodehealth.ts';
import { catchingUp } from './probing.ts';
import { pendingProposals } from './proposals.ts';
import { allVoters, jointIndex, majority, voterSets } from './quorum.ts';
import { explainMissingVoter, voterPhrase } from './voters.ts';

export interface LeaderAnalysisOptions {
  /** The entry to explain; the first uncommitted one when absent. */
  index?: number;
  /**
   * Explain entries that are merely on their way too (as information), for the "why not
   * committed?" button; the diagnosis proper reports only what is stuck.
   */
  explainAll: boolean;
}

/** Causes that are facts about the present, worth reporting however recent. */
const PRESENT_FACTS = new Set<Finding['code']>([
  'NodeDown',
  'Partitioned',
  'LinkHeld',
  'TransportFailing',
  'ReadyNotAdvanced',
  'PersistedMessagesNotSent',
  'SnapshotNeverReported',
]);

/** The index the leader itself has acknowledged (persisted and self-acked). */
function selfAck(leader: Member): number {
  return leader.view.progress?.[String(leader.id)]?.match ?? leader.view.persisted;
}

export function ackOf(leader: Member, id: number): number {
  if (id === leader.id) return selfAck(leader);
  return leader.view.progress?.[String(id)]?.match ?? 0;
}

/** The term of entry `index` in node `m`'s log window, when the window shows it. */
export function termAt(m: Member, index: number): number | undefined {
  const log = m.view.log;
  if (index === log.snapshotIndex) return log.snapshotTerm;
  return log.entries.find((e) => e.index === index)?.term;
}

/** Ticks `leader` has led its present term, when the trace shows it winning the election. */
export function leadingFor(ctx: Context, leader: Member, g: number): number | undefined {
  const became = ctx.becameLeader(leader.id, g, leader.view.term);
  return became ? ctx.ticksSince(leader.id, became.seq) : undefined;
}

/**
 * How many ticks entry `index` has waited on the present leader, as far as the trace shows:
 * since it was appended, or since the leader took over if that came later. An entry written in
 * an earlier term has only waited on this leader since it won; before that, no acknowledgement
 * could reach it, so a new leader's followers are never overdue on its first tick.
 */
export function entryAge(
  ctx: Context,
  leader: Member,
  g: number,
  index: number,
): number | undefined {
  const appended =
    ctx.ageOf(leader.id, g, (e) => appendedBeyond(e, index - 1)) ?? ctx.observedTicks(leader.id);
  const leading = leadingFor(ctx, leader, g);
  if (appended === undefined || leading === undefined) return appended;
  return Math.min(appended, leading);
}

export function analyzeLeader(
  ctx: Context,
  checks: GroupChecks,
  leader: Member,
  opts: LeaderAnalysisOptions,
): Finding[] {
  const g = checks.group;
  const v = leader.view;
  const out: Finding[] = [];
  const ack = (id: number) => ackOf(leader, id);
  let target = opts.index ?? v.commit + 1;
  const waiting = new Set<number>();
  if (target <= v.log.lastIndex) {
    const quorumIndex = jointIndex(v, ack);
    if (quorumIndex >= target) {
      const older = olderTermEntry(ctx, leader, g, target, quorumIndex);
      if (!older) {
        if (opts.explainAll) out.push(onQuorum(leader, g, target));
        target = Number.POSITIVE_INFINITY;
      } else {
        if (opts.explainAll || older.severity !== 'info') out.push(older);
        target = firstOfTerm(leader, quorumIndex + 1) ?? Number.POSITIVE_INFINITY;
      }
    }
  }
  if (target <= v.log.lastIndex) {
    const short = quorumShort(ctx, checks, leader, target, opts.explainAll);
    out.push(...short.findings);
    for (const id of short.missing) waiting.add(id);
  }
  if (!opts.explainAll) out.push(...laggingVoters(ctx, checks, leader, waiting));
  return out;
}

function onQuorum(leader: Member, g: number, index: number): Finding {
  return {
    code: 'InFlight',
    severity: 'info',
    group: g,
    nodes: [leader.id],
    entries: [index],
    evidence: [groupField(leader.id, g, 'commit', leader.view.commit)],
    summary:
      `Entry ${index} is on a quorum already; the leader marks it committed as soon as it ` +
      'handles the next acknowledgement.',
  };
}

function firstOfTerm(leader: Member, from: number): number | undefined {
  return leader.view.log.entries.find((e) => e.index >= from && e.term === leader.view.term)?.index;
}

/**
 * Entries on a quorum that still cannot commit because their term is older than the leader's:
 * Raft commits them only through a later entry of the current term (the thesis, section 3.6.2),
 * which is why a new leader appends an empty entry at once.
 */
function olderTermEntry(
  ctx: Context,
  leader: Member,
  g: number,
  target: number,
  quorumIndex: number,
): Finding | undefined {
  const v = leader.view;
  const top = Math.min(quorumIndex, v.log.lastIndex);
  const t = termAt(leader, top);
  if (t === undefined || t >= v.term) return undefined;
  const current = firstOfTerm(leader, top + 1);
  const stalled = ctx.isStalled(entryAge(ctx, leader, g, target), g);
  const evidence: Evidence[] = [
    groupField(leader.id, g, 'term', v.term),
    groupField(leader.id, g, 'commit', v.commit),
  ];
  evidence.push(groupField(leader.id, g, `log.entry.${top}.term`, t));
  if (current !== undefined) {
    evidence.push(groupField(leader.id, g, `log.entry.${current}.term`, v.term));
  }
  return {
    code: 'OlderTermEntry',
    severity: stalled ? 'warning' : 'info',
    group: g,
    nodes: [leader.id],
    entries: indexRange(target, top),
    evidence,
    summary:
      `Entries ${target}..${top} are on a quorum, but they are from term ${t} and the leader ` +
      `is in term ${v.term}: they commit only once an entry of term ${v.term}` +
      (current !== undefined ? ` (entry ${current})` : '') +
      ' reaches a quorum too.',
    detail:
      'A leader never counts replicas of an entry from an earlier term as committing it; ' +
      'otherwise a later leader could still overwrite it. Committing its own entry commits ' +
      'every entry before it.',
  };
}

interface Short {
  findings: Finding[];
  missing: number[];
}

function quorumShort(
  ctx: Context,
  checks: GroupChecks,
  leader: Member,
  target: number,
  explainAll: boolean,
): Short {
  const g = checks.group;
  const v = leader.view;
  const stalled = ctx.isStalled(entryAge(ctx, leader, g, target), g);
  if (!stalled && !explainAll) return { findings: [], missing: [] };
  const ack = (id: number) => ackOf(leader, id);
  const missing = new Set<number>();
  const parts: string[] = [];
  const sets = voterSets(v);
  sets.forEach((voters, i) => {
    const have = voters.filter((id) => ack(id) >= target);
    const need = majority(voters.length);
    if (have.length >= need) return;
    for (const id of voters) if (ack(id) < target) missing.add(id);
    const label = sets.length > 1 ? (i === 0 ? 'incoming voters' : 'outgoing voters') : 'voters';
    const on = have.length > 0 ? ` (${have.join(', ')})` : '';
    parts.push(`on ${have.length} of ${voters.length} ${label}${on}, needing ${need}`);
  });
  if (missing.size === 0) return { findings: [], missing: [] };
  const raise: Severity = stalled ? 'error' : 'info';
  const causes: Finding[] = [];
  const phrases: string[] = [];
  for (const id of [...missing].sort((a, b) => a - b)) {
    const found = explainMissingVoter(ctx, checks, leader, id, target);
    // Before the entry is overdue, a voter with nothing visibly wrong is simply on its way.
    const cause = !stalled && found?.code === 'FollowerNotAcking' ? undefined : found;
    if (!cause) {
      phrases.push(
        id === leader.id ? `${id} (the leader, still persisting)` : `${id} (on its way)`,
      );
      continue;
    }
    causes.push({
      ...cause,
      severity: stalled ? maxSeverity(cause.severity, raise) : cause.severity,
      entries: indexRange(Math.max(ack(id) + 1, target), v.log.lastIndex),
    });
    phrases.push(voterPhrase(id, cause));
  }
  if (causes.length === 0 && !stalled) return { findings: [], missing: [] };
  const proposals = pendingProposals(ctx, g)
    .filter((p) => p.op !== 'read' && p.index !== undefined && p.index >= target)
    .map((p) => p.id);
  const evidence: Evidence[] = [groupField(leader.id, g, 'commit', v.commit)];
  for (const id of missing) {
    evidence.push(groupField(leader.id, g, `progress.${id}.match`, ack(id)));
  }
  const short: Finding = {
    code: 'QuorumShort',
    severity: raise,
    group: g,
    nodes: [...missing].sort((a, b) => a - b),
    entries: indexRange(target, v.log.lastIndex),
    evidence,
    summary: `Entry ${target} is ${parts.join('; ')}. Missing: ${phrases.join(', ')}.`,
    detail:
      `The leader (node ${leader.id}, term ${v.term}) commits an entry once a majority of ` +
      'voters have it on disk. Until one of the missing voters acknowledges, this entry and ' +
      'every later one wait.',
  };
  if (proposals.length > 0) short.proposals = proposals;
  return { findings: [short, ...causes], missing: [...missing] };
}

/**
 * Voters the quorum does not need right now but that have fallen behind for a reason worth
 * fixing: a node that is down or cut off, or a follower stuck for an election timeout. A
 * follower that is only behind and already being caught up (a partition just healed) is
 * reported as information.
 */
function laggingVoters(
  ctx: Context,
  checks: GroupChecks,
  leader: Member,
  skip: ReadonlySet<number>,
): Finding[] {
  const g = checks.group;
  const v = leader.view;
  const out: Finding[] = [];
  for (const id of allVoters(v)) {
    if (skip.has(id) || id === leader.id) continue;
    const a = ackOf(leader, id);
    if (a >= v.log.lastIndex) continue;
    const cause = explainMissingVoter(ctx, checks, leader, id, a + 1);
    if (!cause) continue;
    // Being caught up is worth showing, as a partition heals, but it is not a problem.
    if (cause.code === 'FollowerProbing' && catchingUp(ctx, g, leader, id)) {
      out.push({ ...cause, severity: 'info', entries: indexRange(a + 1, v.log.lastIndex) });
      continue;
    }
    const stalled = ctx.isStalled(entryAge(ctx, leader, g, a + 1), g);
    if (!stalled && !PRESENT_FACTS.has(cause.code)) continue;
    const severity = cause.severity === 'info' && stalled ? 'warning' : cause.severity;
    if (severity === 'info' && cause.code !== 'AwaitingSnapshot') continue;
    out.push({ ...cause, severity, entries: indexRange(a + 1, v.log.lastIndex) });
  }
  return out;
}
