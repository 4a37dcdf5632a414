/**
 * Writes whose entry a new leader overwrote. The core never refused them: a leader appended
 * each one, then lost its leadership before a majority had the entry, and the next leader's log,
 * which never had it, replaced it. The write failed and its client must retry; nothing
 * acknowledged was lost, which is Raft working as designed. What is worth a look is why the old
 * leader lost its majority, and that matters only until the cluster commits writes again.
 */

import type { ProposalEvent } from '@raftlens/trace';
import type { Context } from './context.ts';
import { capEntries, type Evidence, type Finding, groupField, recentEvents } from './finding.ts';
import { proposalHistories } from './proposals.ts';

/** Whether a drop reason says the entry was overwritten (the runtime's `EntryOverwritten`). */
export function isOverwritten(reason: string | undefined): boolean {
  return reason?.toLowerCase().includes('overwritten') ?? false;
}

/** Where a write's entry was, and in which term, as its history says. */
function placeOf(ctx: Context, id: string): { index?: number; term?: number } {
  const h = proposalHistories(ctx).get(id);
  return {
    ...(h?.index !== undefined ? { index: h.index } : {}),
    ...(h?.term ? { term: h.term } : {}),
  };
}

/**
 * The sequence number of the last write of each group known to have committed: a `Committed`
 * event, or an answer "ok", of anything but a read.
 */
function lastCommittedWrite(ctx: Context): Map<number, number> {
  const out = new Map<number, number>();
  for (const e of ctx.events) {
    if (e.kind !== 'proposal' || e.op === 'read') continue;
    if (e.name === 'Committed' || (e.name === 'Answered' && e.ok)) out.set(e.group, e.seq);
  }
  return out;
}

/** One finding per group for the writes whose entries were overwritten. */
export function overwrittenWrites(ctx: Context): Finding[] {
  const byGroup = new Map<number, ProposalEvent[]>();
  for (const e of ctx.events) {
    if (e.kind !== 'proposal' || e.name !== 'Dropped' || !isOverwritten(e.reason)) continue;
    const list = byGroup.get(e.group) ?? [];
    list.push(e);
    byGroup.set(e.group, list);
  }
  if (byGroup.size === 0) return [];
  const committed = lastCommittedWrite(ctx);
  const out: Finding[] = [];
  for (const [g, drops] of byGroup) {
    const last = drops[drops.length - 1];
    if (!last) continue;
    const history = (committed.get(g) ?? 0) > last.seq;
    out.push(overwrittenFinding(ctx, g, drops, history));
  }
  return out;
}

/** The finding for one overwritten write, for "why is this write not committed?". */
export function overwrittenWrite(ctx: Context, drop: ProposalEvent): Finding {
  const history = (lastCommittedWrite(ctx).get(drop.group) ?? 0) > drop.seq;
  return overwrittenFinding(ctx, drop.group, [drop], history);
}

function overwrittenFinding(
  ctx: Context,
  g: number,
  drops: readonly ProposalEvent[],
  history: boolean,
): Finding {
  const ids = drops.map((e) => e.proposalId);
  const places = ids.map((id) => placeOf(ctx, id));
  const indexes = places.flatMap((p) => (p.index !== undefined ? [p.index] : []));
  const nodes = [...new Set(drops.map((e) => e.node))].sort((a, b) => a - b);
  const evidence: Evidence[] = recentEvents(drops.map((e) => e.seq));
  const leader = ctx.leader(g);
  const shown = indexes[indexes.length - 1];
  let replacedBy = '';
  if (leader && shown !== undefined) {
    const t = leader.view.log.entries.find((e) => e.index === shown)?.term;
    if (t !== undefined) {
      evidence.push(groupField(leader.id, g, `log.entry.${shown}.term`, t));
      const where = drops.length === 1 ? 'there' : `at index ${shown}`;
      replacedBy = ` (the leader, node ${leader.id}, has an entry of term ${t} ${where})`;
    }
  }
  const at = nodes.length === 1 ? `node ${nodes[0]}` : `nodes ${nodes.join(', ')}`;
  let summary: string;
  if (drops.length === 1) {
    const { index, term } = places[0] ?? {};
    const entry =
      index === undefined ? 'its entry' : `its entry ${index}${term ? ` (term ${term})` : ''}`;
    summary =
      `Write ${ids[0]} at ${at} failed: ${entry} was overwritten by a new leader's log before ` +
      `it committed${replacedBy}, so it was never applied and the client must retry it.`;
  } else {
    const list = indexes.length > 0 ? ` (${capEntries(indexes).join(', ')})` : '';
    summary =
      `${drops.length} writes at ${at} failed: their entries${list} were overwritten by a new ` +
      `leader's log before they committed${replacedBy}, so they were never applied and their ` +
      'clients must retry them.';
  }
  const f: Finding = {
    code: 'EntryOverwritten',
    severity: history ? 'info' : 'warning',
    group: g,
    nodes,
    proposals: ids.slice(-64),
    evidence,
    summary,
    detail:
      'A leader appends a write to its own log first. If it loses its leadership (cut off, ' +
      'crashed, or deposed by a higher term) before a majority has the entry, the next leader ' +
      'never had it, writes its own entries at that index, and they commit; the stray entry is ' +
      'then replaced wherever it was. The write never took effect, so retrying it is safe. ' +
      'Nothing acknowledged was lost: look at why the old leader lost its majority.' +
      (history ? ' Writes have committed since, so this is history.' : ''),
  };
  if (indexes.length > 0) f.entries = capEntries(indexes);
  return f;
}
