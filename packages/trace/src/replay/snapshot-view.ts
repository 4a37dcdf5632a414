/**
 * A replayed moment as a `ClusterSnapshot`, so that the dashboard draws the past with the same
 * views as the present.
 *
 * `ClusterSnapshot` has no room for "unknown", so a replayed snapshot marks it twice:
 * - in the value: a number the trace does not tell is `UNKNOWN` (-1, which no index, term,
 *   tick or count can be), a string is `''`; a role, state or flag keeps a plain default;
 * - in `unknown`: the path of every such field, ids rather than array positions:
 *   `speed`, `nodes.2.tick`, `nodes.2.groups.1.applied`, `nodes.2.groups.1.progress.3.state`,
 *   `nodes.2.groups.1.log.entries.17.term`. `isUnknownField` looks one up.
 * Draw a listed field as unknown (a dash, a hatched cell), never as its placeholder value.
 */

import type { ProgressView } from '../events.ts';
import type {
  ClusterSnapshot,
  GroupView,
  HeldMessageView,
  LogWindowView,
  NodeView,
} from '../snapshot.ts';
import type { EntryInfo } from './entry-book.ts';
import { termAt } from './log-runs.ts';
import type { ReplayGroupState, ReplayNodeState, ReplayProgress, ReplayState } from './state.ts';

/** The value of a number the trace does not tell. */
export const UNKNOWN = -1;

/** Entries shown in each log window, as the live snapshot shows. */
export const REPLAY_LOG_WINDOW_ENTRIES = 64;

/** A `ClusterSnapshot` of a replayed moment, with the paths of the fields the trace lacks. */
export type ReplaySnapshot = ClusterSnapshot & {
  /** Paths of the fields that the trace does not tell (see the module comment). */
  unknown: string[];
  /** Where the trace came from when it was imported (e.g. 'etcd-raft'). */
  importedFrom?: string;
};

/** Looks up what the trace said about an entry (see `EntryBook`). */
export type EntryLookup = (group: number, index: number, term: number) => EntryInfo | undefined;

/** True when the snapshot marks this field as not told by the trace. */
export function isUnknownField(
  snap: ReplaySnapshot,
  path: { node?: number; group?: number; field: string },
): boolean {
  let p = path.field;
  if (path.group !== undefined) p = `groups.${path.group}.${p}`;
  if (path.node !== undefined) p = `nodes.${path.node}.${p}`;
  return snap.unknown.includes(p);
}

const PROGRESS_DEFAULTS: Omit<ProgressView, 'match' | 'next'> = {
  state: 'StateProbe',
  paused: false,
  inflights: UNKNOWN,
  inflightsFull: false,
  recentActive: false,
  pendingSnapshot: UNKNOWN,
  isLearner: false,
  msgAppFlowPaused: false,
};

class Marker {
  readonly unknown: string[] = [];

  num(path: string, v: number | null): number {
    if (v !== null) return v;
    this.unknown.push(path);
    return UNKNOWN;
  }

  mark(path: string): void {
    this.unknown.push(path);
  }
}

/** The `ClusterSnapshot` view of a replayed state. */
export function toSnapshot(
  state: ReplayState,
  entries: EntryLookup = () => undefined,
  logWindowEntries = REPLAY_LOG_WINDOW_ENTRIES,
): ReplaySnapshot {
  const m = new Marker();
  const groups = new Set<number>();
  const nodes = state.nodes.map((n) => {
    for (const g of n.groups) groups.add(g.group);
    return nodeView(n, m, entries, logWindowEntries);
  });
  const held: HeldMessageView[] = state.inFlight
    .filter((f) => f.held)
    .map((f) => ({
      msgId: f.msgId,
      from: f.from,
      to: f.to,
      group: f.group,
      type: f.msg.type,
      term: f.msg.term,
      index: f.msg.index,
      entries: f.msg.entryCount,
      heldAtMs: f.heldAtMs ?? f.sentAtMs,
    }));
  const snap: ReplaySnapshot = {
    cluster: state.header.cluster,
    mode: state.header.mode,
    paused: state.paused,
    speed: m.num('speed', state.speed),
    tickMs: m.num('tickMs', state.tickMs),
    groups: [...groups].sort((a, b) => a - b),
    nodes,
    links: state.links.map((l) => ({ from: l.from, to: l.to, rule: l.rule })),
    partitions: state.partitions.map((p) => [...p]),
    held,
    seq: state.seq,
    wallMs: state.wallMs,
    unknown: m.unknown,
  };
  // Which in-flight messages had reached an inbox while paused is not recorded (a message is
  // traced when it is sent and when it is stepped), so `pending` stays absent.
  if (state.paused) m.mark('pending');
  if (state.header.seed !== undefined) snap.seed = state.header.seed;
  if (state.header.importedFrom !== undefined) snap.importedFrom = state.header.importedFrom;
  return snap;
}

function nodeView(
  n: ReplayNodeState,
  m: Marker,
  entries: EntryLookup,
  windowMax: number,
): NodeView {
  const at = `nodes.${n.id}`;
  // The trace never records the key-value store; addresses and faults only at a start.
  m.mark(`${at}.kvSize`);
  if (n.address === null) m.mark(`${at}.address`);
  if (n.faults === null) m.mark(`${at}.faults`);
  return {
    id: n.id,
    status: n.status,
    address: n.address ?? '',
    faults: [...(n.faults ?? [])],
    tick: m.num(`${at}.tick`, n.tick),
    groups: n.groups.map((g) => groupView(n.id, g, m, entries, windowMax)),
    kvSize: UNKNOWN,
  };
}

function groupView(
  id: number,
  g: ReplayGroupState,
  m: Marker,
  entries: EntryLookup,
  windowMax: number,
): GroupView {
  const at = `nodes.${id}.groups.${g.group}`;
  if (g.role === null) m.mark(`${at}.role`);
  for (const f of ['leadTransferee', 'electionElapsedTicks', 'randomizedElectionTimeoutTicks']) {
    m.mark(`${at}.${f}`);
  }
  m.mark(`${at}.confState.learnersNext`);
  m.mark(`${at}.confState.autoLeave`);
  if (g.voters === null) m.mark(`${at}.confState.voters`);
  if (g.votersOutgoing === null) m.mark(`${at}.confState.votersOutgoing`);
  if (g.learners === null) m.mark(`${at}.confState.learners`);
  const voters = g.voters ?? [];
  const outgoing = g.votersOutgoing ?? [];
  // A node may campaign exactly when some configuration of its own counts it as a voter.
  const promotable = voters.includes(id) || outgoing.includes(id);
  if (g.voters === null) m.mark(`${at}.promotable`);
  const view: GroupView = {
    group: g.group,
    role: g.role ?? 'StateFollower',
    term: m.num(`${at}.term`, g.term),
    vote: m.num(`${at}.vote`, g.vote),
    lead: m.num(`${at}.lead`, g.lead),
    commit: m.num(`${at}.commit`, g.commit),
    applied: m.num(`${at}.applied`, g.applied),
    persisted: m.num(`${at}.persisted`, g.persisted),
    log: logWindow(at, g, m, entries, windowMax),
    confState: {
      voters: [...voters],
      learners: [...(g.learners ?? [])],
      votersOutgoing: [...outgoing],
      learnersNext: [],
      autoLeave: false,
    },
    leadTransferee: UNKNOWN,
    electionElapsedTicks: UNKNOWN,
    randomizedElectionTimeoutTicks: UNKNOWN,
    promotable,
  };
  if (g.progress !== null) view.progress = progressView(at, g.progress, m);
  return view;
}

function progressView(
  at: string,
  progress: Readonly<Record<string, ReplayProgress>>,
  m: Marker,
): Record<string, ProgressView> {
  const out: Record<string, ProgressView> = {};
  for (const [peer, p] of Object.entries(progress)) {
    const full: ProgressView = { ...PROGRESS_DEFAULTS, ...p };
    for (const f of Object.keys(PROGRESS_DEFAULTS) as Array<keyof typeof PROGRESS_DEFAULTS>) {
      if (p[f] === undefined) m.mark(`${at}.progress.${peer}.${f}`);
    }
    out[peer] = full;
  }
  return out;
}

function logWindow(
  at: string,
  g: ReplayGroupState,
  m: Marker,
  entries: EntryLookup,
  windowMax: number,
): LogWindowView {
  const log = g.log;
  const view: LogWindowView = {
    firstIndex: log.firstIndex,
    lastIndex: m.num(`${at}.log.lastIndex`, log.lastIndex),
    snapshotIndex: log.snapshotIndex,
    snapshotTerm: m.num(`${at}.log.snapshotTerm`, log.snapshotTerm),
    entries: [],
  };
  if (log.lastIndex === null) return view;
  const lo = Math.max(log.firstIndex, log.lastIndex - windowMax + 1);
  for (let index = lo; index <= log.lastIndex; index++) {
    const term = termAt(log.runs, index) ?? null;
    const info = term === null ? undefined : entries(g.group, index, term);
    const p = `${at}.log.entries.${index}`;
    const type = info?.type ?? null;
    const bytes = info?.bytes ?? null;
    // An empty normal entry is the leader's no-op of a new term; that much the size tells.
    const summary = info?.summary ?? (type === 'EntryNormal' && bytes === 0 ? '(empty)' : null);
    if (type === null) m.mark(`${p}.type`);
    if (summary === null) m.mark(`${p}.summary`);
    view.entries.push({
      index,
      term: m.num(`${p}.term`, term),
      type: type ?? '',
      bytes: m.num(`${p}.bytes`, bytes),
      summary: summary ?? '',
    });
  }
  return view;
}
