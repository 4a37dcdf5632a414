/**
 * "Why is this not committed?" for one entry or one pending write: the dashboard's button. The
 * answer always says something, even when nothing is wrong ("it is on its way", "it is already
 * committed"), because the person asking is looking at that one entry.
 */

import { GroupChecks } from './checks.ts';
import { Context, type DiagnoseInput, type Member } from './context.ts';
import { analyzeNoLeader } from './election.ts';
import {
  ev,
  type Finding,
  groupField,
  mergeFindings,
  recentEvents,
  sortFindings,
} from './finding.ts';
import { leaderConfigLacksFollowers, pendingConfChange } from './leadership.ts';
import { REPLICATION_RESPONSE_TYPES, REPLICATION_TYPES, roundTripProblem } from './network.ts';
import { isOverwritten, overwrittenWrite } from './overwritten.ts';
import {
  ackedBeforeApplied,
  droppedProposals,
  explainDropReason,
  type ProposalHistory,
  proposalHistories,
} from './proposals.ts';
import { allVoters } from './quorum.ts';
import { ackOf, analyzeLeader, termAt } from './replication.ts';
import { linkFinding } from './voters.ts';

export interface WhyOptions {
  /** The group of the entry; default 1 (a proposal's own group when asking by proposal id). */
  group?: number;
  /** The node whose copy of the entry is selected; the leader's when absent. */
  node?: number;
}

/**
 * Explains why entry `target` (a log index) or proposal `target` (a proposal id) is not
 * committed, most important first.
 */
export function whyNotCommitted(
  input: DiagnoseInput,
  target: number | string,
  opts: WhyOptions = {},
): Finding[] {
  const ctx = new Context(input);
  const found =
    typeof target === 'string'
      ? whyProposal(ctx, target, opts)
      : whyIndex(ctx, target, opts.group ?? 1, opts.node, []);
  return sortFindings(mergeFindings(found), ctx.leaders());
}

function withProposals(fs: Finding[], proposals: string[]): Finding[] {
  if (proposals.length === 0) return fs;
  return fs.map((f) => ({ ...f, proposals: [...new Set([...(f.proposals ?? []), ...proposals])] }));
}

function whyProposal(ctx: Context, id: string, opts: WhyOptions): Finding[] {
  const h = proposalHistories(ctx).get(id);
  if (!h) return [];
  const g = h.group;
  const done = h.done;
  // A drop is the answer even when the runtime also answered the client with an error after it.
  const drop = h.events.findLast((e) => e.name === 'Dropped');
  if (drop && isOverwritten(drop.reason)) return [overwrittenWrite(ctx, drop)];
  if (drop) {
    const dropped = droppedProposals(ctx)
      .filter((f) => f.proposals?.includes(id))
      .map((f) => ({
        ...f,
        proposals: [id],
        evidence: [ev(drop.seq)],
        summary: `Proposal ${id} was dropped because ${explainDropReason(drop.reason ?? '')}.`,
      }));
    const checks = new GroupChecks(ctx, g);
    return ctx.leader(g) ? dropped : [...dropped, ...analyzeNoLeader(ctx, checks)];
  }
  if (done?.name === 'Answered') {
    const early = ackedBeforeApplied(ctx).filter((f) => f.proposals?.includes(id));
    if (done.ok) {
      return [
        ...early,
        {
          code: 'AlreadyCommitted',
          severity: 'info',
          group: g,
          nodes: [done.node],
          proposals: [id],
          ...(h.index !== undefined ? { entries: [h.index] } : {}),
          evidence: [ev(done.seq)],
          summary:
            `Proposal ${id} was answered successfully` +
            `${h.index !== undefined ? ` (entry ${h.index})` : ''}.`,
        },
      ];
    }
    const failed: Finding = {
      code: 'ProposalFailed',
      severity: 'warning',
      group: g,
      nodes: [done.node],
      proposals: [id],
      evidence: [ev(done.seq)],
      summary: `Proposal ${id} was answered with an error (${done.reason ?? 'unknown'}).`,
    };
    if (h.index === undefined) return [failed];
    return [failed, ...whyIndex(ctx, h.index, g, opts.node, [id], h.term)];
  }
  // A read's index is the commit index it waits for, not an entry of its own.
  if (h.index !== undefined && h.op !== 'read') {
    return whyIndex(ctx, h.index, g, opts.node, [id], h.term);
  }
  const checks = new GroupChecks(ctx, g);
  const leader = ctx.leader(g);
  if (!leader) return withProposals(analyzeNoLeader(ctx, checks), [id]);
  if (h.op === 'read') return withProposals(readWaits(checks, h), [id]);
  return notAppended(ctx, checks, leader, h, true);
}

/** A pending read waits for its node to apply up to the read index. */
function readWaits(checks: GroupChecks, h: ProposalHistory): Finding[] {
  const node = h.events[0]?.node;
  const stuck = node !== undefined ? checks.of(node).ready : undefined;
  return stuck ? [stuck] : [];
}

/**
 * A proposal that has not reached the leader's log: the link from its node to the leader, or
 * the leader's stopped Ready loop, when either explains it. Without `explainAll`, only
 * proposals waiting an election timeout are reported.
 */
export function notAppended(
  ctx: Context,
  checks: GroupChecks,
  leader: Member,
  h: ProposalHistory,
  explainAll: boolean,
): Finding[] {
  const g = checks.group;
  const first = h.events[0];
  const proposer = first?.node ?? leader.id;
  const age = first ? ctx.ticksSince(proposer, first.seq) : undefined;
  const stalled = ctx.isStalled(age, g);
  if (!stalled && !explainAll) return [];
  const out: Finding[] = [];
  const link =
    proposer !== leader.id
      ? roundTripProblem(ctx, proposer, leader.id, ['MsgProp'], [])
      : undefined;
  if (link?.blocking) out.push(linkFinding(link, g, proposer));
  const stuck = checks.of(leader.id).ready;
  if (stuck) out.push(stuck);
  out.push({
    code: 'ProposalNotAppended',
    severity: stalled ? 'warning' : 'info',
    group: g,
    nodes: proposer === leader.id ? [leader.id] : [proposer, leader.id],
    proposals: [h.id],
    evidence: recentEvents(h.events.map((e) => e.seq)),
    summary:
      `Proposal ${h.id} was made at node ${proposer} and has not reached the leader's ` +
      `(node ${leader.id}) log yet.`,
  });
  return withProposals(out, [h.id]);
}

function whyIndex(
  ctx: Context,
  index: number,
  g: number,
  node: number | undefined,
  proposals: string[],
  proposalTerm?: number,
): Finding[] {
  const checks = new GroupChecks(ctx, g);
  const members = ctx.members(g);
  const selected = node !== undefined ? members.find((m) => m.id === node) : undefined;
  const leader = ctx.leader(g);
  if (selected && selected.view.commit >= index) {
    return withProposals([committed(selected, g, index)], proposals);
  }
  if (!leader) return withProposals(analyzeNoLeader(ctx, checks), proposals);
  const out: Finding[] = [];
  const replaced = replacedEntry(leader, selected, index, proposalTerm, g);
  if (replaced) out.push(replaced);
  if (leader.view.commit >= index) {
    if (!selected || selected.id === leader.id) out.push(committed(leader, g, index));
    else out.push(...commitNotYetKnown(ctx, g, leader, selected, index));
    return withProposals(out, proposals);
  }
  if (index > leader.view.log.lastIndex) {
    if (!replaced) {
      out.push({
        code: 'ProposalNotAppended',
        severity: 'info',
        group: g,
        nodes: [leader.id],
        entries: [index],
        evidence: [groupField(leader.id, g, 'log.lastIndex', leader.view.log.lastIndex)],
        summary:
          `The leader's log ends at ${leader.view.log.lastIndex}; entry ${index} is not in ` +
          'it yet.',
      });
    }
    return withProposals(out, proposals);
  }
  out.push(...analyzeLeader(ctx, checks, leader, { index, explainAll: true }));
  const lacks = leaderConfigLacksFollowers(ctx, g, leader);
  if (lacks) out.push(lacks);
  out.push(...pendingConfChange(ctx, g, leader, true).filter((f) => f.entries?.includes(index)));
  if (
    !out.some(
      (f) => f.severity !== 'info' || f.code === 'QuorumShort' || f.code === 'OlderTermEntry',
    )
  ) {
    out.push(inFlight(leader, g, index));
  }
  return withProposals(out, proposals);
}

function committed(m: Member, g: number, index: number): Finding {
  return {
    code: 'AlreadyCommitted',
    severity: 'info',
    group: g,
    nodes: [m.id],
    entries: [index],
    evidence: [groupField(m.id, g, 'commit', m.view.commit)],
    summary: `Entry ${index} is committed (node ${m.id}'s commit index is ${m.view.commit}).`,
  };
}

function inFlight(leader: Member, g: number, index: number): Finding {
  const voters = allVoters(leader.view);
  const have = voters.filter((id) => ackOf(leader, id) >= index);
  return {
    code: 'InFlight',
    severity: 'info',
    group: g,
    nodes: [leader.id],
    entries: [index],
    evidence: [groupField(leader.id, g, 'commit', leader.view.commit)],
    summary:
      `Entry ${index} is on its way: ${have.length} of ${voters.length} voters have ` +
      'acknowledged it and nothing is holding it up.',
  };
}

/**
 * A copy of an entry that differs from the leader's at that index (another term) is a leftover
 * of an earlier leader: the leader will overwrite it, so it never commits.
 */
function replacedEntry(
  leader: Member,
  selected: Member | undefined,
  index: number,
  proposalTerm: number | undefined,
  g: number,
): Finding | undefined {
  const theirs = selected ? termAt(selected, index) : proposalTerm;
  if (theirs === undefined) return undefined;
  const ours = termAt(leader, index);
  const beyond = index > leader.view.log.lastIndex;
  if (!beyond && (ours === undefined || ours === theirs)) return undefined;
  if (beyond && theirs >= leader.view.term) return undefined;
  const where = selected ? `node ${selected.id}'s entry ${index}` : `entry ${index}`;
  return {
    code: 'EntryWillBeReplaced',
    severity: 'info',
    group: g,
    nodes: selected ? [selected.id, leader.id] : [leader.id],
    entries: [index],
    evidence: [
      ...(selected ? [groupField(selected.id, g, `log.entry.${index}.term`, theirs)] : []),
      groupField(
        leader.id,
        g,
        beyond ? 'log.lastIndex' : `log.entry.${index}.term`,
        beyond ? leader.view.log.lastIndex : ours,
      ),
    ],
    summary: beyond
      ? `${capital(where)} (term ${theirs}) is not in the log of the leader of term ` +
        `${leader.view.term}; it was written by an earlier leader and will never commit.`
      : `${capital(where)} has term ${theirs}, but the leader's entry there has term ${ours}: ` +
        'it was written by an earlier leader and will be overwritten, never committed.',
  };
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function commitNotYetKnown(
  ctx: Context,
  g: number,
  leader: Member,
  m: Member,
  index: number,
): Finding[] {
  const out: Finding[] = [
    {
      code: 'CommitNotYetKnown',
      severity: 'info',
      group: g,
      nodes: [m.id, leader.id],
      entries: [index],
      evidence: [
        groupField(leader.id, g, 'commit', leader.view.commit),
        groupField(m.id, g, 'commit', m.view.commit),
      ],
      summary:
        `The leader has committed entry ${index}; node ${m.id} (commit ${m.view.commit}) learns ` +
        'that with the next append or heartbeat it receives.',
    },
  ];
  const link = roundTripProblem(
    ctx,
    leader.id,
    m.id,
    REPLICATION_TYPES,
    REPLICATION_RESPONSE_TYPES,
  );
  if (link?.blocking) out.push(linkFinding(link, g, m.id));
  const stuck = new GroupChecks(ctx, g).of(m.id).ready;
  if (stuck) out.push(stuck);
  return out;
}
