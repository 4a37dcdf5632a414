/**
 * Why a group has no leader. In order: no node can campaign at all (no configuration, or one
 * without itself); no node that can campaign reaches a majority of its voters (nodes down,
 * partitions, blocked links, voters that never answer); or the elections that do happen fail
 * (split votes, pre-votes or votes refused). What remains is an election simply under way.
 */

import type { TraceEvent } from '@raftlens/trace';
import type { GroupChecks } from './checks.ts';
import type { Context, Member } from './context.ts';
import {
  type Evidence,
  type Finding,
  groupField,
  maxSeverity,
  nodeField,
  recentEvents,
  type Severity,
} from './finding.ts';
import { roundTripProblem, VOTE_RESPONSE_TYPES, VOTE_TYPES } from './network.ts';
import { isVoterIn } from './nodehealth.ts';
import { pendingProposals } from './proposals.ts';
import { majority, voterSets } from './quorum.ts';
import { linkFinding, voterPhrase } from './voters.ts';

/** Elections take a few timeouts at worst (randomized timeouts, a split vote or two). */
const LEADERLESS_TIMEOUTS = 3;

export function analyzeNoLeader(ctx: Context, checks: GroupChecks): Finding[] {
  const g = checks.group;
  const members = ctx.members(g);
  const age = leaderlessAge(ctx, g, members);
  const stalled =
    age === undefined ? !ctx.hasEvents : age >= LEADERLESS_TIMEOUTS * ctx.electionTicks(g);
  const proposals = pendingProposals(ctx, g).map((p) => p.id);
  const noLeader = (severity: Severity, why: string, nodes: number[], evidence: Evidence[]) => {
    const f: Finding = {
      code: 'NoLeader',
      severity,
      group: g,
      nodes,
      evidence,
      summary: `Group ${g} has no leader${age !== undefined ? ` (for ${age} ticks)` : ''}: ${why}.`,
      detail:
        'Nothing commits without a leader: proposals are dropped or wait, and every entry ' +
        'written so far stays where it is until one is elected.',
    };
    if (proposals.length > 0) f.proposals = proposals;
    return f;
  };
  if (members.length === 0) {
    const hosts = ctx.snapshot.nodes.filter((n) => n.groups.some((v) => v.group === g));
    return [
      noLeader(
        'critical',
        'none of its nodes is running',
        hosts.map((n) => n.id),
        hosts.map((n) => nodeField(n.id, 'status', n.status)),
      ),
    ];
  }
  const ids = members.map((m) => m.id);
  const roleEvidence = members.map((m) => groupField(m.id, g, 'role', m.view.role));
  const campaigners = members.filter((m) => m.view.promotable && isVoterIn(m.view, m.id));
  if (campaigners.length === 0) {
    const causes = members.flatMap((m) => {
      const c = checks.of(m.id).conf;
      return c ? [{ ...c, severity: 'critical' as const }] : [];
    });
    const why =
      'no running node can start an election, because none is a voter in its own configuration';
    return [noLeader('error', why, ids, roleEvidence), ...causes];
  }
  const reach = bestReach(ctx, checks, campaigners);
  if (!reach.quorum) {
    const causes = reach.unreachable.map((u) => ({ ...u.cause, severity: 'error' as const }));
    const phrases = reach.unreachable.map((u) => voterPhrase(u.id, u.cause));
    const f: Finding = {
      code: 'QuorumUnreachable',
      severity: 'error',
      group: g,
      nodes: reach.unreachable.map((u) => u.id),
      evidence: [
        groupField(reach.from.id, g, 'confState.voters', reach.from.view.confState.voters),
        ...causes.flatMap((c) => c.evidence.slice(0, 2)),
      ],
      summary:
        `No node that can campaign reaches a majority of voters: the best placed, node ` +
        `${reach.from.id}, reaches ${reach.reached.join(', ') || 'none'} ` +
        `and needs ${reach.need}. ` +
        `Unreachable: ${phrases.join(', ')}.`,
    };
    return [
      noLeader('error', 'no majority of voters can be reached', ids, roleEvidence),
      f,
      ...causes,
    ];
  }
  const since = lastLeaderSeq(ctx, g) ?? 0;
  const history = electionHistory(ctx, g, since, members);
  const severity: Severity = stalled ? 'error' : 'info';
  const causes = history.map((f) => ({ ...f, severity: maxSeverity(f.severity, severity) }));
  const why =
    causes.length > 0
      ? 'elections are failing'
      : stalled
        ? 'no election has succeeded, and none shows a cause in the trace'
        : 'an election is under way';
  return [noLeader(stalled ? 'error' : 'info', why, ids, roleEvidence), ...causes];
}

/** The sequence number of the last event that shows some node of the group acting as leader. */
function lastLeaderSeq(ctx: Context, g: number): number | undefined {
  for (let i = ctx.events.length - 1; i >= 0; i--) {
    const e = ctx.events[i];
    if (e && e.group === g && showsLeader(e)) return e.seq;
  }
  return undefined;
}

function showsLeader(e: TraceEvent): boolean {
  if (e.kind === 'state') return e.role === 'StateLeader';
  if (e.kind === 'ready') return e.softState?.role === 'StateLeader';
  if (e.kind === 'progress') return true;
  if (e.kind === 'net')
    return e.name === 'Send' && (e.msg.type === 'MsgApp' || e.msg.type === 'MsgHeartbeat');
  return false;
}

/** How many ticks the group has been without a leader, as far as the trace shows. */
function leaderlessAge(ctx: Context, g: number, members: Member[]): number | undefined {
  const since = lastLeaderSeq(ctx, g);
  let age: number | undefined;
  for (const m of members) {
    const a =
      since !== undefined
        ? ctx.ticksSince(m.id, since)
        : (ctx.observedTicks(m.id) ?? (ctx.eventsOf(m.id).length === 0 ? m.node.tick : undefined));
    if (a !== undefined) age = Math.max(age ?? 0, a);
  }
  return age;
}

interface Unreachable {
  id: number;
  cause: Finding;
}

interface Reach {
  from: Member;
  quorum: boolean;
  reached: number[];
  need: number;
  unreachable: Unreachable[];
}

/** The campaigner that reaches the most voters, and whether that is a majority of each half. */
function bestReach(ctx: Context, checks: GroupChecks, campaigners: Member[]): Reach {
  let best: Reach | undefined;
  for (const c of campaigners) {
    const r = reachFrom(ctx, checks, c);
    if (r.quorum) return r;
    if (!best || r.reached.length > best.reached.length) best = r;
  }
  if (!best) throw new Error('bestReach needs at least one campaigner');
  return best;
}

function reachFrom(ctx: Context, checks: GroupChecks, c: Member): Reach {
  const reached: number[] = [];
  const unreachable: Unreachable[] = [];
  const selfMuted = checks.muted(c.id);
  let quorum = true;
  let need = 0;
  for (const voters of voterSets(c.view)) {
    let count = 0;
    for (const v of voters) {
      const cause = v === c.id ? selfMuted : voterCause(ctx, checks, c.id, v);
      if (cause) {
        if (!unreachable.some((u) => u.id === v)) unreachable.push({ id: v, cause });
      } else {
        count++;
        if (!reached.includes(v)) reached.push(v);
      }
    }
    need = Math.max(need, majority(voters.length));
    if (count < majority(voters.length)) quorum = false;
  }
  return { from: c, quorum, reached, need, unreachable };
}

function voterCause(
  ctx: Context,
  checks: GroupChecks,
  from: number,
  v: number,
): Finding | undefined {
  const g = checks.group;
  const node = ctx.node(v);
  if (node?.status !== 'running') {
    return {
      code: 'NodeDown',
      severity: 'warning',
      group: g,
      nodes: [v],
      evidence: node ? [nodeField(v, 'status', node.status)] : [],
      summary: node
        ? `Node ${v} is ${node.status}, so it cannot vote.`
        : `Node ${v} is a voter, but no such node is running.`,
    };
  }
  const muted = checks.muted(v);
  if (muted) return muted;
  const link = roundTripProblem(ctx, from, v, VOTE_TYPES, VOTE_RESPONSE_TYPES);
  return link?.blocking ? linkFinding(link, g, v) : undefined;
}

/** The last entry's term and index, the pair elections compare. */
function lastLog(m: Member): [number, number] {
  const log = m.view.log;
  const lastTerm =
    log.entries.find((e) => e.index === log.lastIndex)?.term ??
    (log.lastIndex === log.snapshotIndex ? log.snapshotTerm : 0);
  return [lastTerm, log.lastIndex];
}

/** Failed elections since the last leader: split votes and refused (pre-)votes. */
function electionHistory(ctx: Context, g: number, since: number, members: Member[]): Finding[] {
  const candidates = new Map<number, Set<number>>();
  const candidateSeqs = new Map<number, number[]>();
  const refused = { MsgPreVoteResp: [] as TraceEvent[], MsgVoteResp: [] as TraceEvent[] };
  for (const e of ctx.events) {
    if (e.seq <= since || e.group !== g) continue;
    if (e.kind === 'state' && e.name === 'BecomeCandidate') {
      const set = candidates.get(e.term) ?? new Set<number>();
      set.add(e.node);
      candidates.set(e.term, set);
      candidateSeqs.set(e.term, [...(candidateSeqs.get(e.term) ?? []), e.seq]);
    }
    const msg =
      (e.kind === 'state' && e.name === 'ReceiveRequestVoteResponse') ||
      (e.kind === 'net' && e.name === 'Deliver')
        ? e.msg
        : undefined;
    if (msg?.reject && (msg.type === 'MsgPreVoteResp' || msg.type === 'MsgVoteResp')) {
      refused[msg.type].push(e);
    }
  }
  const out: Finding[] = [];
  const splitTerms = [...candidates].filter(([, set]) => set.size > 1).map(([t]) => t);
  if (splitTerms.length > 0) {
    const seqs = splitTerms.flatMap((t) => candidateSeqs.get(t) ?? []);
    const nodes = [...new Set(splitTerms.flatMap((t) => [...(candidates.get(t) ?? [])]))];
    out.push({
      code: 'SplitVote',
      severity: splitTerms.length >= 2 ? 'warning' : 'info',
      group: g,
      nodes: nodes.sort((a, b) => a - b),
      evidence: recentEvents(seqs),
      summary:
        `Votes split in ${splitTerms.length} term${splitTerms.length > 1 ? 's' : ''} ` +
        `(${splitTerms.join(', ')}): several candidates campaigned at once and none won ` +
        'a majority.',
      detail:
        'Randomized election timeouts normally separate candidates. Repeated split votes point ' +
        'at a randomized timeout range that is too narrow, or at nodes that time out together ' +
        '(ticks driven in lockstep, or too fast).',
    });
  }
  for (const type of ['MsgPreVoteResp', 'MsgVoteResp'] as const) {
    const list = refused[type];
    if (list.length === 0) continue;
    out.push(refusal(type, list, members, g));
  }
  return out;
}

function refusal(
  type: 'MsgPreVoteResp' | 'MsgVoteResp',
  list: TraceEvent[],
  members: Member[],
  g: number,
): Finding {
  const pairs = new Map<string, [number, number]>();
  for (const e of list) {
    const msg = e.kind === 'state' || e.kind === 'net' ? e.msg : undefined;
    if (msg) pairs.set(`${msg.from}>${msg.to}`, [msg.from, msg.to]);
  }
  const reasons: string[] = [];
  const evidence: Evidence[] = recentEvents(list.map((e) => e.seq));
  for (const [voter, candidate] of pairs.values()) {
    const vm = members.find((m) => m.id === voter);
    const cm = members.find((m) => m.id === candidate);
    if (!vm || !cm) continue;
    const [vt, vi] = lastLog(vm);
    const [ct, ci] = lastLog(cm);
    if (vt > ct || (vt === ct && vi > ci)) {
      reasons.push(
        `node ${voter}'s log (last entry term ${vt}, index ${vi}) is ahead of candidate ` +
          `${candidate}'s (term ${ct}, index ${ci})`,
      );
      evidence.push(
        groupField(voter, g, 'log.lastIndex', vi),
        groupField(candidate, g, 'log.lastIndex', ci),
      );
    } else if (vm.view.lead !== 0) {
      reasons.push(`node ${voter} still follows leader ${vm.view.lead}`);
      evidence.push(groupField(voter, g, 'lead', vm.view.lead));
    }
  }
  const pre = type === 'MsgPreVoteResp';
  const candidates = [...new Set([...pairs.values()].map(([, c]) => c))].sort((a, b) => a - b);
  const voters = [...new Set([...pairs.values()].map(([v]) => v))].sort((a, b) => a - b);
  return {
    code: pre ? 'PreVoteRejected' : 'VotesRejected',
    severity: 'info',
    group: g,
    nodes: [...candidates, ...voters.filter((v) => !candidates.includes(v))],
    evidence,
    summary:
      `${pre ? 'Pre-votes' : 'Votes'} of node${candidates.length > 1 ? 's' : ''} ` +
      `${candidates.join(', ')} were refused ${list.length} time${list.length > 1 ? 's' : ''}` +
      (reasons.length > 0 ? `: ${reasons.slice(0, 3).join('; ')}.` : '.'),
    detail: pre
      ? 'With PreVote a node first asks whether it could win; voters refuse when their log is ' +
        'more up to date, and ignore it while they still hear from a leader. A node whose log ' +
        'is behind can never win; one of the nodes ahead of it must campaign.'
      : 'A voter refuses a candidate whose log is less up to date than its own (last term, ' +
        'then last index), so that a leader always holds every committed entry.',
  };
}
