/**
 * Guided scenarios, the safety alarm and evidence highlighting.
 *
 * - `scenario` is the runner's state of the scenario on this page's cluster (null when the
 *   cluster is not one), refreshed from the server after each action and every few seconds,
 *   since another screen may drive the story.
 * - Findings ride in the trace as `FindingEvent`s. The ones the server has raised and not yet
 *   cleared are kept here, and every critical one raises an alarm that stays until someone
 *   acknowledges it: a broken Raft invariant must not scroll by unseen.
 * - A highlight is a set of messages, events, nodes and state fields to point at in every
 *   view: the evidence a finding rests on.
 */

import type { Finding } from '@raftlens/diagnose';
import type { FindingEvent, TraceEvent } from '@raftlens/trace';
import type { RunnerState, ScenarioInfo } from '../components/scenario/types.ts';
import type { AppState } from './index.ts';
import type { SliceCreator } from './types.ts';

/** A finding the server raised in the trace. */
export interface StreamFinding {
  key: string;
  code: string;
  severity: FindingEvent['severity'];
  summary: string;
  nodes: number[];
  /** The `FindingRaised` event's sequence number and time. */
  seq: number;
  wallMs: number;
}

/** A critical finding waiting to be acknowledged. */
export type Alarm = StreamFinding;

/** What the views point at. Every list may be empty. */
export interface Highlight {
  /** What is highlighted, in words, for the bar that clears it. */
  label: string;
  /** Messages, by message id (space-time diagram). */
  msgIds: string[];
  /** Other trace events, by sequence number. */
  seqs: number[];
  nodes: number[];
  /** Fields of a node's state: `groups.1.progress.3.match` (progress tracker, node cards). */
  fields: Array<{ node: number; path: string }>;
  entries: number[];
  /** Display-clock time of the newest evidence event, to bring it into the diagram's window. */
  latestWallMs: number | null;
}

export type ScenarioAction = 'start' | 'forward' | 'back' | 'restart' | 'handover' | 'goto';

export interface ScenarioSlice {
  scenario: RunnerState | null;
  /** The catalogue, once fetched. */
  catalogue: ScenarioInfo[] | null;
  /** An action this page asked the runner for and is waiting on. */
  scenarioPending: ScenarioAction | null;
  /** A `?scenario=` link is being opened: the page waits before showing any cluster. */
  scenarioOpening: { id: string; step: number } | null;
  pickerOpen: boolean;
  streamFindings: StreamFinding[];
  alarms: Alarm[];
  /** Keys of alarms acknowledged on this cluster, so that a fresh look does not raise them again. */
  acknowledged: string[];
  /** Bumped by every finding event, so the diagnosis reruns at once instead of within a second. */
  findingsVersion: number;
  /** Bumped by every `reset`, so the scenario state is fetched again. */
  resetCount: number;
  highlight: Highlight | null;

  setScenario(scenario: RunnerState | null): void;
  setCatalogue(catalogue: ScenarioInfo[]): void;
  setScenarioPending(action: ScenarioAction | null): void;
  setScenarioOpening(opening: { id: string; step: number } | null): void;
  setPickerOpen(open: boolean): void;
  /** Acknowledges the oldest alarm (or the one with `key`). */
  acknowledgeAlarm(key?: string): void;
  /** Raises alarms for critical findings seen another way (a viewer that joined late). */
  raiseAlarms(found: readonly Alarm[]): void;
  /** Forgets the findings, alarms and highlight of the cluster shown before. */
  clearFindings(): void;
  setHighlight(highlight: Highlight | null): void;
}

/** Findings are identified by code and nodes, as the diagnostics merge them. */
export function findingKey(code: string, nodes: readonly number[]): string {
  return `${code}|${[...nodes].sort((a, b) => a - b).join(',')}`;
}

/**
 * Alarms for the critical findings of a diagnosis or a scenario's safety monitor: the way a
 * simulated cluster's violations reach the page, since its trace does not carry findings (they
 * would shift the numbering of a replay from the seed).
 */
export function alarmsFrom(findings: readonly Finding[]): Alarm[] {
  return findings
    .filter((f) => f.severity === 'critical')
    .map((f) => ({
      key: findingKey(f.code, f.nodes),
      code: f.code,
      severity: f.severity,
      summary: f.summary,
      nodes: [...f.nodes],
      seq: f.evidence.find((e) => e.kind === 'event')?.seq ?? 0,
      wallMs: 0,
    }));
}

/** Reads `?scenario=<id>&step=<n>`; null when the page was not opened from such a link. */
export function scenarioLink(search: string): { id: string; step: number } | null {
  const params = new URLSearchParams(search);
  const id = params.get('scenario')?.trim();
  if (!id) return null;
  const step = Number(params.get('step') ?? 0);
  return { id, step: Number.isInteger(step) && step > 0 ? step : 0 };
}

/** The link that opens `id` and plays it forward to `step`, on the page's own address. */
export function scenarioHref(base: string, id: string, step: number): string {
  const url = new URL(base);
  url.search = '';
  url.hash = '';
  url.searchParams.set('scenario', id);
  if (step > 0) url.searchParams.set('step', String(step));
  return url.toString();
}

type FindingState = Pick<AppState, 'streamFindings' | 'alarms' | 'findingsVersion'>;

/**
 * Folds a batch's finding events into the open findings and the alarms. Returns null when the
 * batch has none, so the caller's patch stays small.
 */
export function foldFindingEvents(
  s: FindingState,
  events: readonly TraceEvent[],
): FindingState | null {
  let open: StreamFinding[] | null = null;
  let alarms: Alarm[] | null = null;
  let seen = 0;
  for (const e of events) {
    if (e.kind !== 'finding') continue;
    seen++;
    const nodes = findingNodes(e);
    const key = findingKey(e.code, nodes);
    open ??= [...s.streamFindings];
    const rest: StreamFinding[] = open.filter((f) => f.key !== key);
    if (e.name === 'FindingCleared') {
      open = rest;
      continue;
    }
    const f: StreamFinding = {
      key,
      code: e.code,
      severity: e.severity,
      summary: e.summary,
      nodes,
      seq: e.seq,
      wallMs: e.wallMs,
    };
    open = [...rest, f];
    if (e.severity === 'critical') {
      alarms ??= [...s.alarms];
      if (!alarms.some((a) => a.key === key)) alarms.push(f);
    }
  }
  if (seen === 0) return null;
  return {
    streamFindings: open ?? s.streamFindings,
    alarms: alarms ?? s.alarms,
    findingsVersion: s.findingsVersion + 1,
  };
}

/** The nodes a finding event names: its `nodes`, else the node it was recorded at. */
function findingNodes(e: FindingEvent): number[] {
  const listed = (e as FindingEvent & { nodes?: number[] }).nodes;
  if (Array.isArray(listed) && listed.length > 0) return [...listed];
  return e.node > 0 ? [e.node] : [];
}

/**
 * What a `reset` (the cluster behind the stream was replaced) clears in this slice: the old
 * run's findings, alarms and highlight. The scenario state itself is fetched again.
 */
export function resetScenarioPatch(s: Pick<AppState, 'resetCount' | 'findingsVersion'>) {
  return {
    streamFindings: [],
    alarms: [],
    acknowledged: [],
    highlight: null,
    findingsVersion: s.findingsVersion + 1,
    resetCount: s.resetCount + 1,
  } satisfies Partial<AppState>;
}

export const createScenarioSlice: SliceCreator<ScenarioSlice> = (set) => ({
  scenario: null,
  catalogue: null,
  scenarioPending: null,
  scenarioOpening: typeof window === 'undefined' ? null : scenarioLink(window.location.search),
  pickerOpen: false,
  streamFindings: [],
  alarms: [],
  acknowledged: [],
  findingsVersion: 0,
  resetCount: 0,
  highlight: null,

  setScenario: (scenario) => set({ scenario }),
  setCatalogue: (catalogue) => set({ catalogue }),
  setScenarioPending: (scenarioPending) => set({ scenarioPending }),
  setScenarioOpening: (scenarioOpening) => set({ scenarioOpening }),
  setPickerOpen: (pickerOpen) => set({ pickerOpen }),
  acknowledgeAlarm: (key) =>
    set((s) => {
      const gone = key ?? s.alarms[0]?.key;
      if (gone === undefined) return {};
      return {
        alarms: s.alarms.filter((a) => a.key !== gone),
        acknowledged: [...s.acknowledged, gone],
      };
    }),
  raiseAlarms: (found) =>
    set((s) => {
      const fresh = found.filter(
        (f) => !s.acknowledged.includes(f.key) && !s.alarms.some((a) => a.key === f.key),
      );
      return fresh.length === 0 ? {} : { alarms: [...s.alarms, ...fresh] };
    }),
  clearFindings: () =>
    set((s) => ({
      streamFindings: [],
      alarms: [],
      acknowledged: [],
      highlight: null,
      findingsVersion: s.findingsVersion + 1,
    })),
  setHighlight: (highlight) => set({ highlight }),
});
