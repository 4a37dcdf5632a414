/**
 * The browser diagnoses a window of the trace; the server's safety monitor has watched the whole
 * run. Findings the server raised in the trace that the browser's own diagnosis does not cover
 * are added to its list, so that the panel shows everything that is wrong.
 */

import { compareSeverity, type Finding, type FindingCode } from '@raftlens/diagnose';
import { findingKey, type StreamFinding } from '../../store/scenarioSlice.ts';

/** The local findings, with the server's open findings the local ones do not cover, first. */
export function withStreamFindings(local: Finding[], stream: readonly StreamFinding[]): Finding[] {
  if (stream.length === 0) return local;
  const have = new Set(local.map((f) => findingKey(f.code, f.nodes)));
  const codes = new Set(local.map((f) => f.code as string));
  const extra: Finding[] = stream
    // A warning the browser sees with other nodes is the same finding, not another one.
    .filter((f) => !have.has(f.key) && (f.severity === 'critical' || !codes.has(f.code)))
    .map((f) => ({
      code: f.code as FindingCode,
      severity: f.severity,
      nodes: [...f.nodes],
      evidence: [{ kind: 'event', seq: f.seq }],
      summary: f.summary,
    }));
  if (extra.length === 0) return local;
  return [...extra, ...local].sort((a, b) => compareSeverity(a.severity, b.severity));
}
