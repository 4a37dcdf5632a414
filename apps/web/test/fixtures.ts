/** Small builders for trace events and snapshots, so each test states only what matters. */

import type {
  ClusterSnapshot,
  GroupView,
  MessageSummary,
  NetEvent,
  NodeView,
  ProgressView,
  StateEvent,
} from '@raftlens/trace';

let seq = 0;

export function resetSeq(to = 0): void {
  seq = to;
}

export function msg(type: string, from: number, to: number, extra: Partial<MessageSummary> = {}) {
  const m: MessageSummary = {
    type,
    from,
    to,
    term: 1,
    logTerm: 0,
    index: 0,
    commit: 0,
    vote: 0,
    reject: false,
    rejectHint: 0,
    entries: [],
    entryCount: 0,
    bytes: 40,
    ...extra,
  };
  return m;
}

export function net(
  name: NetEvent['name'],
  msgId: string,
  m: MessageSummary,
  wallMs: number,
  extra: Partial<NetEvent> = {},
): NetEvent {
  return {
    kind: 'net',
    name,
    msgId,
    msg: m,
    seq: ++seq,
    wallMs,
    node: m.from,
    group: 1,
    tick: 0,
    ...extra,
  };
}

export function state(
  name: StateEvent['name'],
  node: number,
  fields: Partial<StateEvent> = {},
): StateEvent {
  return {
    kind: 'state',
    name,
    seq: ++seq,
    wallMs: 1000,
    node,
    group: 1,
    tick: 0,
    term: 1,
    vote: 0,
    commit: 0,
    role: 'StateFollower',
    lastIndex: 0,
    conf: [[1, 2, 3], []],
    learners: [],
    ...fields,
  };
}

export function progress(match: number, next = match + 1, extra: Partial<ProgressView> = {}) {
  const p: ProgressView = {
    match,
    next,
    state: 'StateReplicate',
    paused: false,
    inflights: 0,
    inflightsFull: false,
    recentActive: true,
    pendingSnapshot: 0,
    isLearner: false,
    msgAppFlowPaused: false,
    ...extra,
  };
  return p;
}

export function group(extra: Partial<GroupView> = {}): GroupView {
  return {
    group: 1,
    role: 'StateFollower',
    term: 1,
    vote: 0,
    lead: 0,
    commit: 0,
    applied: 0,
    persisted: 0,
    log: { firstIndex: 1, lastIndex: 0, snapshotIndex: 0, snapshotTerm: 0, entries: [] },
    confState: {
      voters: [1, 2, 3],
      learners: [],
      votersOutgoing: [],
      learnersNext: [],
      autoLeave: false,
    },
    leadTransferee: 0,
    electionElapsedTicks: 0,
    randomizedElectionTimeoutTicks: 10,
    promotable: true,
    ...extra,
  };
}

/** Log entries of the given terms, starting at index `first`. */
export function entries(first: number, terms: number[]) {
  return terms.map((term, i) => ({
    index: first + i,
    term,
    type: 'EntryNormal',
    bytes: 8,
    summary: '',
  }));
}

export function node(id: number, g: GroupView = group(), extra: Partial<NodeView> = {}): NodeView {
  return {
    id,
    status: 'running',
    address: 'in-process',
    faults: [],
    tick: 0,
    groups: [g],
    kvSize: 0,
    ...extra,
  };
}

export function snapshot(nodes: NodeView[], extra: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return {
    cluster: 'default',
    mode: 'live',
    paused: false,
    speed: 1,
    tickMs: 100,
    groups: [1],
    nodes,
    links: [],
    partitions: [],
    held: [],
    seq: 0,
    wallMs: 1000,
    ...extra,
  };
}
