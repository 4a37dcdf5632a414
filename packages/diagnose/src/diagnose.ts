/**
 * The diagnosis: every finding the present state and the recent trace support, most important
 * first. A pure function of its input, so the server runs it live and the browser runs it over
 * an imported trace, with the same answer.
 *
 * Findings are inferred from what the nodes do, never from how they were started: the snapshot's
 * `faults` field is for display only, as a real cluster has no such list.
 */

import { GroupChecks } from './checks.ts';
import { Context, type DiagnoseInput } from './context.ts';
import { analyzeNoLeader } from './election.ts';
import { type Finding, mergeFindings, sortFindings } from './finding.ts';
import { leaderConfigLacksFollowers, pendingConfChange, staleLeaders } from './leadership.ts';
import { overwrittenWrites } from './overwritten.ts';
import { ackedBeforeApplied, droppedProposals, pendingProposals } from './proposals.ts';
import { analyzeLeader } from './replication.ts';
import { tickFindings } from './ticks.ts';
import { notAppended } from './why.ts';

/** Everything that is wrong, or worth knowing, about one group. */
export function diagnoseGroup(ctx: Context, g: number): Finding[] {
  const checks = new GroupChecks(ctx, g);
  const out: Finding[] = [...checks.all()];
  const leader = ctx.leader(g);
  if (!leader) {
    out.push(...analyzeNoLeader(ctx, checks));
    return out;
  }
  out.push(...analyzeLeader(ctx, checks, leader, { explainAll: false }));
  const lacks = leaderConfigLacksFollowers(ctx, g, leader);
  if (lacks) out.push(lacks);
  out.push(...staleLeaders(ctx, g, leader));
  out.push(...pendingConfChange(ctx, g, leader, false));
  for (const h of pendingProposals(ctx, g)) {
    if (h.op !== 'read' && h.index === undefined)
      out.push(...notAppended(ctx, checks, leader, h, false));
  }
  return out;
}

/** Diagnoses a cluster from its snapshot and recent trace. */
export function diagnose(input: DiagnoseInput): Finding[] {
  const ctx = new Context(input);
  const out: Finding[] = [];
  for (const g of ctx.groups()) out.push(...diagnoseGroup(ctx, g));
  out.push(...droppedProposals(ctx), ...overwrittenWrites(ctx));
  out.push(...ackedBeforeApplied(ctx), ...tickFindings(ctx));
  if (input.snapshot.paused) out.push(pausedFinding());
  return sortFindings(mergeFindings(out), ctx.leaders());
}

export function pausedFinding(): Finding {
  return {
    code: 'ClusterPaused',
    severity: 'info',
    nodes: [],
    evidence: [{ kind: 'field', node: 0, path: 'paused', value: true }],
    summary: 'The cluster is paused: no node ticks or receives messages until it is resumed.',
  };
}
