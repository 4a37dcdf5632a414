/**
 * A short account of a trace: who was in it, who led each term, how far each node committed,
 * and what the trace could not tell. `trace inspect` prints it as JSON.
 */

import type { TraceEvent } from './events.ts';
import type { Trace } from './ndjson.ts';

export interface TraceSummary {
  format: string;
  importedFrom?: string;
  cluster: string;
  nodes: number[];
  events: number;
  eventsByKind: Record<string, number>;
  firstWallMs: number | null;
  lastWallMs: number | null;
  /** The leader of each term that had one, keyed by term. */
  leaders: Record<string, number>;
  /** Terms in which more than one node became leader: a safety violation. */
  termsWithTwoLeaders: number[];
  /** The highest commit index each node reached, keyed by node id. */
  highestCommit: Record<string, number>;
  unknowns: string[];
}

export function summarizeTrace(trace: Trace): TraceSummary {
  const nodes = new Set<number>();
  const eventsByKind: Record<string, number> = {};
  const leaders: Record<string, number> = {};
  const twoLeaders = new Set<number>();
  const highestCommit: Record<string, number> = {};
  for (const e of trace.events) {
    if (e.node !== 0) nodes.add(e.node);
    eventsByKind[e.kind] = (eventsByKind[e.kind] ?? 0) + 1;
    const commit = commitOf(e);
    if (commit !== null && commit > (highestCommit[e.node] ?? -1)) highestCommit[e.node] = commit;
    if (e.kind === 'state' && e.name === 'BecomeLeader') {
      const prior = leaders[e.term];
      if (prior !== undefined && prior !== e.node) twoLeaders.add(e.term);
      leaders[e.term] = e.node;
    }
  }
  const first = trace.events[0];
  const last = trace.events[trace.events.length - 1];
  const summary: TraceSummary = {
    format: trace.header.format,
    cluster: trace.header.cluster,
    nodes: [...nodes].sort((a, b) => a - b),
    events: trace.events.length,
    eventsByKind,
    firstWallMs: first?.wallMs ?? null,
    lastWallMs: last?.wallMs ?? null,
    leaders,
    termsWithTwoLeaders: [...twoLeaders].sort((a, b) => a - b),
    highestCommit,
    unknowns: trace.unknowns,
  };
  if (trace.header.importedFrom) summary.importedFrom = trace.header.importedFrom;
  return summary;
}

function commitOf(e: TraceEvent): number | null {
  if (e.kind === 'state') return e.commit;
  if (e.kind === 'ready' && e.hardState) return e.hardState.commit;
  return null;
}
