/**
 * From a finding's evidence to what each view points at. Evidence names trace events by
 * sequence number and state fields by a dotted path into a node's view; the space-time diagram
 * draws messages (by message id), the progress tracker draws the leader's `progress.<peer>`
 * fields, and the ring draws nodes.
 */

import type { Evidence, Finding } from '@raftlens/diagnose';
import type { TraceRing } from '../../model/ring.ts';
import type { Highlight } from '../../store/scenarioSlice.ts';
import { uiNodeWords } from './nodeWords.ts';

type FindingLike = Pick<Finding, 'summary' | 'nodes' | 'evidence'> & { entries?: number[] };

export function evidenceHighlight(f: FindingLike, ring: TraceRing): Highlight {
  const msgIds = new Set<string>();
  const seqs = new Set<number>();
  const nodes = new Set<number>(f.nodes);
  const fields: Highlight['fields'] = [];
  let latestWallMs: number | null = null;
  for (const e of f.evidence) {
    if (e.kind === 'field') {
      fields.push({ node: e.node, path: e.path });
      if (e.node > 0) nodes.add(e.node);
      // A held message is named by its id in the cluster's `held` list.
      const held = e.node === 0 && e.path.startsWith('held.') ? e.path.slice(5) : null;
      const life = held ? ring.messageEvents(held) : [];
      const first = life[0];
      if (held && first) {
        msgIds.add(held);
        nodes.add(first.msg.from);
        nodes.add(first.msg.to);
        const last = life.at(-1)?.wallMs ?? first.wallMs;
        latestWallMs = Math.max(latestWallMs ?? last, last);
      }
      continue;
    }
    const i = ring.indexOfSeq(e.seq);
    const event = i >= 0 ? ring.at(i) : undefined;
    if (!event) {
      seqs.add(e.seq);
      continue;
    }
    latestWallMs = Math.max(latestWallMs ?? event.wallMs, event.wallMs);
    if (event.kind === 'net') {
      msgIds.add(event.msgId);
      nodes.add(event.msg.from);
      nodes.add(event.msg.to);
    } else {
      seqs.add(e.seq);
      if (event.node > 0) nodes.add(event.node);
    }
  }
  return {
    label: uiNodeWords(f.summary),
    msgIds: [...msgIds],
    seqs: [...seqs],
    nodes: [...nodes].sort((a, b) => a - b),
    fields,
    entries: [...(f.entries ?? [])],
    latestWallMs,
  };
}

/** A highlight of the nodes alone, for a finding whose evidence is not at hand. */
export function nodesHighlight(summary: string, nodes: readonly number[]): Highlight {
  return {
    label: uiNodeWords(summary),
    msgIds: [],
    seqs: [],
    nodes: [...nodes],
    fields: [],
    entries: [],
    latestWallMs: null,
  };
}

/**
 * The progress tracker's highlighted cells: `<peer>.<field>` for fields of the leader's
 * `groups.<group>.progress.<peer>.<field>`, and `<peer>` for a whole row (the path names the
 * peer's progress, the evidence is about that peer's own state, or the finding names the peer).
 */
export function progressMarks(
  h: Highlight | null,
  leaderId: number,
  group: number,
): { rows: Set<number>; cells: Set<string> } {
  const rows = new Set<number>();
  const cells = new Set<string>();
  if (!h) return { rows, cells };
  const prefix = `groups.${group}.progress.`;
  for (const f of h.fields) {
    if (f.node === leaderId && f.path.startsWith(prefix)) {
      const [peer, field] = f.path.slice(prefix.length).split('.');
      const id = Number(peer);
      if (!Number.isInteger(id)) continue;
      rows.add(id);
      if (field) cells.add(`${id}.${field}`);
    } else if (f.node !== leaderId && f.path.startsWith(`groups.${group}.`)) {
      rows.add(f.node);
    }
  }
  // The peers the finding is about, as the leader tracks them.
  for (const id of h.nodes) if (id !== leaderId) rows.add(id);
  return { rows, cells };
}

/** A short account of what a highlight shows, for the bar that clears it. */
export function highlightCounts(h: Highlight): string {
  const parts: string[] = [];
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (h.msgIds.length > 0) parts.push(plural(h.msgIds.length, 'message'));
  if (h.seqs.length > 0) parts.push(plural(h.seqs.length, 'event'));
  if (h.fields.length > 0) parts.push(plural(h.fields.length, 'field'));
  if (h.nodes.length > 0) parts.push(plural(h.nodes.length, 'node'));
  return parts.join(', ');
}

export function evidenceKey(e: Evidence): string {
  return e.kind === 'event' ? `e${e.seq}` : `f${e.node}:${e.path}`;
}
