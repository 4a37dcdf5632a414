/**
 * What is wrong with the leader itself, rather than with one entry: a configuration that leaves
 * out nodes which believe they are members, an old leader still acting in a lower term, and a
 * configuration change in progress.
 */

import type { Context, Member } from './context.ts';
import { type Evidence, ev, type Finding, groupField } from './finding.ts';
import { roundTripProblem } from './network.ts';
import { confMembers, isVoterIn, wasRemoved } from './nodehealth.ts';
import { entryAge } from './replication.ts';

/**
 * Nodes that run the group and count themselves in it, while the leader's configuration does
 * not know them. The leader replicates nothing to them and counts none of their votes; when
 * configurations disagree like this, two leaders can even be elected in one term.
 */
export function leaderConfigLacksFollowers(
  ctx: Context,
  g: number,
  leader: Member,
): Finding | undefined {
  const conf = confMembers(leader.view);
  const lacking = ctx
    .members(g)
    .filter(
      (m) =>
        m.id !== leader.id &&
        !conf.has(m.id) &&
        confMembers(m.view).has(m.id) &&
        !wasRemoved(ctx, m.id, g),
    );
  if (lacking.length === 0) return undefined;
  const ids = lacking.map((m) => m.id);
  const asVoters = lacking.some((m) => isVoterIn(m.view, m.id));
  const evidence: Evidence[] = [
    groupField(leader.id, g, 'confState.voters', leader.view.confState.voters),
  ];
  for (const m of lacking) {
    evidence.push(groupField(m.id, g, 'confState.voters', m.view.confState.voters));
    evidence.push(groupField(m.id, g, 'commit', m.view.commit));
  }
  const list = ids.join(', ');
  return {
    code: 'LeaderConfigLacksFollowers',
    severity: asVoters ? 'error' : 'warning',
    group: g,
    nodes: [leader.id, ...ids],
    evidence,
    summary:
      `The leader (node ${leader.id}) has voters ${leader.view.confState.voters.join(', ')}, ` +
      `but node${ids.length > 1 ? 's' : ''} ${list} also count themselves as members: the ` +
      'leader never replicates to them or counts their acknowledgements.',
    detail:
      'Every founding member must be bootstrapped with the same ConfState (raft-rs) or the same ' +
      'peer list (etcd raft StartNode); later members join through a configuration change ' +
      'proposed to the leader. Disagreeing configurations can elect two leaders in one term.',
  };
}

/**
 * Running nodes that still act as leader of an older term, usually cut off from the majority.
 * Proposals sent to them append locally and never commit.
 */
export function staleLeaders(ctx: Context, g: number, leader: Member): Finding[] {
  const out: Finding[] = [];
  const became = ctx
    .stateEventsOf(leader.id, g)
    .find((e) => e.name === 'BecomeLeader' && e.term === leader.view.term);
  for (const m of ctx.members(g)) {
    if (m.id === leader.id || m.view.role !== 'StateLeader') continue;
    const age = became ? ctx.ticksSince(m.id, became.seq) : ctx.observedTicks(m.id);
    if (!ctx.isStalled(age, g)) continue;
    const link = roundTripProblem(ctx, leader.id, m.id, ['MsgApp', 'MsgHeartbeat'], []);
    out.push({
      code: 'StaleLeader',
      severity: 'warning',
      group: g,
      nodes: [m.id, leader.id],
      evidence: [
        groupField(m.id, g, 'role', m.view.role),
        groupField(m.id, g, 'term', m.view.term),
        groupField(leader.id, g, 'term', leader.view.term),
        ...(became ? [ev(became.seq)] : []),
        ...(link?.evidence ?? []),
      ],
      summary:
        `Node ${m.id} still acts as leader of term ${m.view.term}, but node ${leader.id} leads ` +
        `term ${leader.view.term}; writes sent to node ${m.id} cannot commit.`,
      detail:
        (link ? `${link.says[0]?.toUpperCase()}${link.says.slice(1)}. ` : '') +
        'An old leader learns of the new term only when a message of that term reaches it. ' +
        'CheckQuorum makes a leader that cannot hear a quorum step down by itself.',
    });
  }
  return out;
}

/**
 * A configuration change that is appended but not yet applied on the leader, or a joint
 * configuration not yet left. While one is pending, etcd raft and raft-rs refuse the next
 * (the proposal is replaced by an empty entry), and a joint configuration needs both halves.
 */
export function pendingConfChange(
  ctx: Context,
  g: number,
  leader: Member,
  explainAll: boolean,
): Finding[] {
  const v = leader.view;
  const out: Finding[] = [];
  const pending = v.log.entries.find((e) => e.type !== 'EntryNormal' && e.index > v.applied);
  if (pending) {
    const stalled = ctx.isStalled(entryAge(ctx, leader, g, pending.index), g);
    if (stalled || explainAll) {
      out.push({
        code: 'PendingConfChange',
        severity: stalled ? 'warning' : 'info',
        group: g,
        nodes: [leader.id],
        entries: [pending.index],
        evidence: [
          groupField(leader.id, g, `log.entry.${pending.index}.type`, pending.type),
          groupField(leader.id, g, 'applied', v.applied),
        ],
        summary:
          `A configuration change (entry ${pending.index}` +
          `${pending.summary ? `, ${pending.summary}` : ''}) ` +
          'is not applied yet; the leader refuses further configuration changes until it is.',
      });
    }
  }
  const c = v.confState;
  if (c.votersOutgoing.length > 0) {
    const entered = lastApplyConfChange(ctx, g, leader.id);
    const age = entered !== undefined ? ctx.ticksSince(leader.id, entered) : undefined;
    const stalled = ctx.isStalled(age, g);
    if (stalled || explainAll) {
      out.push({
        code: 'PendingConfChange',
        severity: stalled && !c.autoLeave ? 'warning' : 'info',
        group: g,
        nodes: [leader.id],
        evidence: [
          groupField(leader.id, g, 'confState.voters', c.voters),
          groupField(leader.id, g, 'confState.votersOutgoing', c.votersOutgoing),
          groupField(leader.id, g, 'confState.autoLeave', c.autoLeave),
          ...(entered !== undefined ? [ev(entered)] : []),
        ],
        summary: c.autoLeave
          ? 'The group is in a joint configuration; every entry needs a majority of both the ' +
            'old and the new voters until it leaves automatically.'
          : 'The group is in a joint configuration that must be left explicitly: propose an ' +
            'empty ConfChangeV2; until then every entry needs a majority of both voter sets.',
      });
    }
  }
  return out;
}

function lastApplyConfChange(ctx: Context, g: number, id: number): number | undefined {
  let seq: number | undefined;
  for (const e of ctx.eventsOf(id)) {
    if (e.kind === 'state' && e.group === g && e.name === 'ApplyConfChange') seq = e.seq;
  }
  return seq;
}
