/**
 * Client requests, from proposal to answer: which are still waiting, which were dropped and why,
 * and which were answered before their entry was applied (a write acknowledged on append, which
 * a leader failure can then lose).
 */

import type { ProposalEvent, ReadyEvent } from '@raftlens/trace';
import type { Context } from './context.ts';
import { type Finding, recentEvents } from './finding.ts';
import { isOverwritten } from './overwritten.ts';

export interface ProposalHistory {
  id: string;
  group: number;
  op: ProposalEvent['op'];
  events: ProposalEvent[];
  /** Where it landed in the log, once any event says. */
  index?: number;
  term?: number;
  /** The final event: Dropped or Answered. */
  done?: ProposalEvent;
}

/** Every proposal the trace mentions, by id, its events in order. */
export function proposalHistories(ctx: Context): ReadonlyMap<string, ProposalHistory> {
  return ctx.memoize('proposals', () => buildHistories(ctx));
}

function buildHistories(ctx: Context): Map<string, ProposalHistory> {
  const out = new Map<string, ProposalHistory>();
  for (const e of ctx.events) {
    if (e.kind !== 'proposal') continue;
    let h = out.get(e.proposalId);
    if (!h) {
      h = { id: e.proposalId, group: e.group, op: e.op, events: [] };
      out.set(e.proposalId, h);
    }
    h.events.push(e);
    if (e.index !== undefined && e.index > 0) {
      h.index = e.index;
      if (e.term !== undefined) h.term = e.term;
    }
    if (e.name === 'Dropped' || e.name === 'Answered') h.done = e;
  }
  return out;
}

/** Proposals of group `g` neither dropped nor answered. */
export function pendingProposals(ctx: Context, g: number): ProposalHistory[] {
  return [...proposalHistories(ctx).values()].filter((h) => h.group === g && !h.done);
}

/** What a student should read for a drop reason of the core (etcd raft's reasons, by gist). */
export function explainDropReason(reason: string): string {
  const r = reason.toLowerCase();
  if (r.includes('overwritten')) return "a new leader's log overwrote its entry";
  if (r.includes('leader') && (r.includes('no') || r.includes('unknown'))) {
    return 'there was no leader to take it';
  }
  if (r.includes('transfer')) return 'leadership was being transferred';
  if (r.includes('uncommitted') || r.includes('size')) {
    return 'too many uncommitted entries were waiting already (MaxUncommittedEntriesSize)';
  }
  if (r.includes('conf')) return 'another configuration change was still pending';
  if (r.includes('removed') || r.includes('member')) {
    return 'the leader is no longer in the configuration';
  }
  return `the core refused it (${reason})`;
}

/**
 * Drops, one finding per group and reason. A drop followed by a successful answer in the same
 * group is history (the condition has passed), so it is only information. Writes whose entry a
 * new leader overwrote were not refused by the core; `overwrittenWrites` reports them.
 */
export function droppedProposals(ctx: Context): Finding[] {
  const groups = new Map<string, ProposalEvent[]>();
  const lastOkSeq = new Map<number, number>();
  for (const e of ctx.events) {
    if (e.kind !== 'proposal') continue;
    if (e.name === 'Answered' && e.ok) lastOkSeq.set(e.group, e.seq);
    if (e.name !== 'Dropped' || isOverwritten(e.reason)) continue;
    const key = `${e.group}|${e.reason ?? 'unknown'}`;
    const list = groups.get(key) ?? [];
    list.push(e);
    groups.set(key, list);
  }
  const out: Finding[] = [];
  for (const list of groups.values()) {
    const last = list[list.length - 1];
    if (!last) continue;
    const reason = last.reason ?? 'unknown';
    const recovered = (lastOkSeq.get(last.group) ?? 0) > last.seq;
    const nodes = [...new Set(list.map((e) => e.node))].sort((a, b) => a - b);
    const n = list.length;
    out.push({
      code: 'ProposalDropped',
      severity: recovered ? 'info' : 'warning',
      group: last.group,
      nodes,
      proposals: list.map((e) => e.proposalId).slice(-64),
      evidence: recentEvents(list.map((e) => e.seq)),
      summary:
        `${n} proposal${n === 1 ? ' was' : 's were'} dropped because ` +
        `${explainDropReason(reason)}.`,
      detail:
        `The core's reason: "${reason}". A dropped proposal never reaches the log; the client ` +
        'must retry, usually after a leader is known again.' +
        (recovered ? ' Later proposals have succeeded.' : ''),
    });
  }
  return out;
}

/**
 * Writes answered "ok" before their entry was applied on the answering node. The evidence that
 * an entry was applied is an `Applied` event for the proposal, or a Ready on that node whose
 * committed entries include the index. Only proposals whose whole history is in the trace are
 * judged, so a window that starts mid-way raises nothing.
 */
export function ackedBeforeApplied(ctx: Context): Finding[] {
  const out: Finding[] = [];
  const readies = new Map<number, ReadyEvent[]>();
  for (const e of ctx.events) {
    if (e.kind !== 'ready' || e.committed === null) continue;
    const list = readies.get(e.node);
    if (list) list.push(e);
    else readies.set(e.node, [e]);
  }
  for (const h of proposalHistories(ctx).values()) {
    if (h.op === 'read') continue;
    const answered = h.events.find((e) => e.name === 'Answered' && e.ok);
    const began = h.events.find((e) => e.name === 'Proposed' || e.name === 'Forwarded');
    if (!answered || !began) continue;
    const appliedBefore = h.events.some((e) => e.name === 'Applied' && e.seq < answered.seq);
    if (appliedBefore) continue;
    const index = answered.index ?? h.index;
    if (index === undefined) continue;
    const handedToApply = (readies.get(answered.node) ?? []).some(
      (r) =>
        r.group === h.group &&
        r.seq < answered.seq &&
        r.committed !== null &&
        r.committed[0] <= index &&
        index <= r.committed[1],
    );
    if (handedToApply) continue;
    const related = h.events.filter((e) => e.name !== 'Proposed').map((e) => e.seq);
    out.push({
      code: 'AckedBeforeApplied',
      severity: 'error',
      group: h.group,
      nodes: [answered.node],
      entries: [index],
      proposals: [h.id],
      evidence: recentEvents([began.seq, ...related]),
      summary:
        `Node ${answered.node} told the client its write (entry ${index}) succeeded before the ` +
        'entry was committed and applied; if the leader fails now, an acknowledged write can ' +
        'be lost.',
      detail:
        'A write may be acknowledged only once its entry is committed (a quorum has it) and ' +
        'applied to the state machine, with the term checked. Answering when the entry is ' +
        'appended to the local log is a common mistake.',
    });
  }
  return out;
}
