/**
 * What the diagnostics hand to a person: a finding names one cause or symptom, the nodes and
 * entries it concerns, the evidence it rests on and a sentence a student understands.
 */

import { CODE_RANK, type FindingCode } from './codes.ts';

export type Severity = 'info' | 'warning' | 'error' | 'critical';

/**
 * Why a finding was raised: a trace event (by its sequence number) or a field of a node's state
 * in the snapshot. `path` is a dotted path into the node's `NodeView`, with groups addressed by
 * group id rather than array position: `groups.1.progress.3.match`, `groups.1.commit`, `tick`.
 */
export type Evidence =
  | { kind: 'event'; seq: number }
  | { kind: 'field'; node: number; path: string; value: unknown };

export interface Finding {
  /** Stable code; tests and the dashboard key on it, never on the wording. */
  code: FindingCode;
  severity: Severity;
  /** The Raft group concerned; absent for cluster-wide findings. */
  group?: number;
  /** The nodes concerned, most relevant first. */
  nodes: number[];
  /** Log indexes concerned (capped at `ENTRY_LIST_MAX`). */
  entries?: number[];
  /** Client proposals concerned, by proposal id. */
  proposals?: string[];
  evidence: Evidence[];
  /** One sentence a student understands. */
  summary: string;
  /** More explanation: the numbers behind the sentence and what to look at next. */
  detail?: string;
}

/** Lists of entries and evidence are capped so that one finding stays readable. */
export const ENTRY_LIST_MAX = 64;
export const EVIDENCE_EVENTS_MAX = 12;

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, error: 1, warning: 2, info: 3 };

/** Compares severities: negative when `a` is more severe than `b`. */
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITY_ORDER[a] - SEVERITY_ORDER[b];
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return compareSeverity(a, b) <= 0 ? a : b;
}

export function isAtLeast(s: Severity, floor: Severity): boolean {
  return compareSeverity(s, floor) <= 0;
}

/** An event reference. */
export const ev = (seq: number): Evidence => ({ kind: 'event', seq });

/** A field of group `group` on node `node`. */
export const groupField = (
  node: number,
  group: number,
  path: string,
  value: unknown,
): Evidence => ({
  kind: 'field',
  node,
  path: `groups.${group}.${path}`,
  value,
});

/** A field of the node itself (status, tick). */
export const nodeField = (node: number, path: string, value: unknown): Evidence => ({
  kind: 'field',
  node,
  path,
  value,
});

/** Event evidence for the most recent `max` of the given sequence numbers. */
export function recentEvents(seqs: readonly number[], max = EVIDENCE_EVENTS_MAX): Evidence[] {
  return [...seqs]
    .sort((a, b) => a - b)
    .slice(-max)
    .map(ev);
}

export function capEntries(indexes: Iterable<number>): number[] {
  return [...new Set(indexes)].sort((a, b) => a - b).slice(0, ENTRY_LIST_MAX);
}

/** A contiguous range of indexes, capped. */
export function indexRange(first: number, last: number): number[] {
  const out: number[] = [];
  for (let i = first; i <= last && out.length < ENTRY_LIST_MAX; i++) out.push(i);
  return out;
}

function evidenceKey(e: Evidence): string {
  return e.kind === 'event' ? `e${e.seq}` : `f${e.node}:${e.path}`;
}

function findingKey(f: Finding): string {
  return `${f.code}|${f.group ?? 0}|${[...f.nodes].sort((a, b) => a - b).join(',')}`;
}

function union<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): T[] | undefined {
  if (!a && !b) return undefined;
  return [...new Set([...(a ?? []), ...(b ?? [])])];
}

/**
 * Merges findings that say the same thing about the same nodes (one analysis can reach a cause
 * that another already found): the more severe wording wins, lists are united.
 */
export function mergeFindings(findings: readonly Finding[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const f of findings) {
    const key = findingKey(f);
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, { ...f });
      continue;
    }
    const lead = compareSeverity(f.severity, prev.severity) < 0 ? f : prev;
    const evidence = new Map<string, Evidence>();
    for (const e of [...prev.evidence, ...f.evidence]) evidence.set(evidenceKey(e), e);
    const entries = union(prev.entries, f.entries);
    const proposals = union(prev.proposals, f.proposals);
    const merged: Finding = {
      ...lead,
      evidence: [...evidence.values()],
    };
    if (entries) merged.entries = capEntries(entries);
    if (proposals) merged.proposals = proposals;
    const detail = lead.detail ?? prev.detail ?? f.detail;
    if (detail !== undefined) merged.detail = detail;
    byKey.set(key, merged);
  }
  return [...byKey.values()];
}

/**
 * Most important first: by severity, then root causes before the symptoms they explain (the
 * order of `FINDING_CODES`), then by group, then the finding about the group's leader before
 * the same finding about its followers (`leaders` maps a group to its leader), then by node.
 * When every node shows the same fault, the leader's copy is the one that explains a stuck
 * commit: nothing commits until the leader itself acknowledges.
 */
export function sortFindings(
  findings: Finding[],
  leaders: ReadonlyMap<number, number> = new Map(),
): Finding[] {
  const aboutLeader = (f: Finding) =>
    f.group !== undefined && f.nodes[0] !== undefined && leaders.get(f.group) === f.nodes[0]
      ? 0
      : 1;
  return findings.sort(
    (a, b) =>
      compareSeverity(a.severity, b.severity) ||
      CODE_RANK[a.code] - CODE_RANK[b.code] ||
      (a.group ?? 0) - (b.group ?? 0) ||
      aboutLeader(a) - aboutLeader(b) ||
      (a.nodes[0] ?? 0) - (b.nodes[0] ?? 0),
  );
}
