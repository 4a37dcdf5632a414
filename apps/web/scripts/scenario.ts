/**
 * Made-up but plausible cluster states for looking at the dashboard without a cluster: a
 * snapshot and a generator of heartbeat and append traffic. Used by the screenshot script to
 * show states that are slow to reach live (a conflicting log, a joint configuration).
 */

import type {
  ClusterSnapshot,
  GroupView,
  MessageSummary,
  NodeView,
  ProgressView,
  TraceEvent,
} from '@raftlens/trace';

export type ScenarioName = 'steady' | 'trouble';

const terms = [1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3];

function entriesOf(first: number, ts: number[]) {
  return ts.map((term, i) => ({
    index: first + i,
    term,
    type: first + i === 6 ? 'EntryConfChangeV2' : 'EntryNormal',
    bytes: 12,
    summary: first + i === 6 ? 'v1 v2 v3 v4 v5' : `put k${first + i}`,
  }));
}

function prog(match: number, next: number, extra: Partial<ProgressView> = {}): ProgressView {
  return {
    match,
    next,
    state: 'StateReplicate',
    paused: false,
    inflights: next - match - 1,
    inflightsFull: false,
    recentActive: true,
    pendingSnapshot: 0,
    isLearner: false,
    msgAppFlowPaused: false,
    ...extra,
  };
}

function groupView(id: number, name: ScenarioName, last: number, extra: Partial<GroupView>) {
  const conf = { voters: [1, 2, 3, 4, 5], learners: [], votersOutgoing: [], learnersNext: [] };
  const g: GroupView = {
    group: 1,
    role: 'StateFollower',
    term: 3,
    vote: 1,
    lead: 1,
    commit: Math.min(last, 19),
    applied: Math.min(last, 19),
    persisted: last,
    log: {
      firstIndex: 1,
      lastIndex: last,
      snapshotIndex: 0,
      snapshotTerm: 0,
      entries: entriesOf(1, terms.slice(0, last)),
    },
    confState: { ...conf, autoLeave: false },
    leadTransferee: 0,
    electionElapsedTicks: id,
    randomizedElectionTimeoutTicks: 10 + id,
    promotable: true,
    ...extra,
  };
  if (name === 'trouble' && id === 5)
    g.confState = { ...conf, voters: [1, 2, 3, 4], autoLeave: false };
  return g;
}

function nodeView(id: number, g: GroupView, status: NodeView['status'] = 'running'): NodeView {
  return {
    id,
    status,
    address: `ws://127.0.0.1:${7100 + id}`,
    faults: [],
    tick: 500,
    groups: [g],
    kvSize: 12,
  };
}

export function scenarioSnapshot(name: ScenarioName, seq: number): ClusterSnapshot {
  const now = Date.now();
  const leader = groupView(1, name, 22, {
    role: 'StateLeader',
    commit: 19,
    applied: 19,
    progress: {
      '1': prog(22, 23),
      '2': prog(22, 23),
      '3': prog(19, 23, { inflights: 3 }),
      '4':
        name === 'trouble'
          ? prog(9, 10, { state: 'StateProbe', paused: true, recentActive: false, inflights: 0 })
          : prog(22, 23),
      '5': prog(17, 18, { state: 'StateProbe', inflights: 0 }),
    },
  });
  const nodes: NodeView[] = [
    nodeView(1, leader),
    nodeView(2, groupView(2, name, 22, {})),
    nodeView(3, groupView(3, name, 19, { commit: 19, applied: 18 })),
  ];
  if (name === 'trouble') {
    const conflict = [...terms.slice(0, 9), 2, 2];
    nodes.push(
      nodeView(4, groupView(4, name, 9, { commit: 9, applied: 9, term: 3 }), 'crashed'),
      nodeView(
        5,
        groupView(5, name, 11, {
          term: 2,
          vote: 5,
          lead: 0,
          commit: 8,
          applied: 8,
          log: {
            firstIndex: 5,
            lastIndex: 11,
            snapshotIndex: 4,
            snapshotTerm: 2,
            entries: entriesOf(5, conflict.slice(4)),
          },
          role: 'StateCandidate',
          electionElapsedTicks: 7,
        }),
      ),
    );
  } else {
    nodes.push(nodeView(4, groupView(4, name, 22, {})), nodeView(5, groupView(5, name, 21, {})));
  }
  return {
    cluster: 'default',
    mode: 'live',
    paused: false,
    speed: name === 'trouble' ? 0.25 : 1,
    tickMs: 100,
    groups: [1],
    nodes,
    links: name === 'trouble' ? [{ from: 1, to: 3, rule: { hold: true, types: ['MsgApp'] } }] : [],
    partitions: name === 'trouble' ? [[1, 2, 3, 4], [5]] : [],
    held:
      name === 'trouble'
        ? [20, 21].map((index) => ({
            msgId: `held-${index}`,
            from: 1,
            to: 3,
            group: 1,
            type: 'MsgApp',
            term: 3,
            index,
            entries: 1,
            heldAtMs: now - 4000,
          }))
        : [],
    seq,
    wallMs: now,
  };
}

function summary(type: string, from: number, to: number, extra: Partial<MessageSummary> = {}) {
  const m: MessageSummary = {
    type,
    from,
    to,
    term: 3,
    logTerm: 3,
    index: 22,
    commit: 19,
    vote: 0,
    reject: false,
    rejectHint: 0,
    entries: [],
    entryCount: 0,
    bytes: 48,
    ...extra,
  };
  return m;
}

/** One heartbeat round from n1, with replies, as trace events; `drop` peers lose theirs. */
export function heartbeatRound(
  nextSeq: () => number,
  peers: number[],
  drop: number[],
  round: number,
): TraceEvent[] {
  const now = Date.now();
  const out: TraceEvent[] = [];
  const base = { group: 1, tick: round };
  for (const to of peers) {
    const app = round % 4 === 0;
    const type = app ? 'MsgApp' : 'MsgHeartbeat';
    const extra = app
      ? {
          entries: [[3, 22, 'EntryNormal', 12]] as Array<[number, number, string, number]>,
          entryCount: 1,
        }
      : {};
    const m = summary(type, 1, to, extra);
    const id = `r${round}-${to}`;
    out.push({
      kind: 'net',
      name: 'Send',
      msgId: id,
      msg: m,
      seq: nextSeq(),
      wallMs: now,
      node: 1,
      ...base,
    });
    if (drop.includes(to)) {
      out.push({
        kind: 'net',
        name: 'Drop',
        msgId: id,
        msg: m,
        seq: nextSeq(),
        wallMs: now + 1,
        node: 1,
        reason: 'partition',
        ...base,
      });
      continue;
    }
    out.push({
      kind: 'net',
      name: 'Deliver',
      msgId: id,
      msg: m,
      seq: nextSeq(),
      wallMs: now + 1,
      node: to,
      ...base,
    });
    const r = summary(`${type}Resp`, to, 1);
    out.push({
      kind: 'net',
      name: 'Send',
      msgId: `${id}r`,
      msg: r,
      seq: nextSeq(),
      wallMs: now + 2,
      node: to,
      ...base,
    });
    out.push({
      kind: 'net',
      name: 'Deliver',
      msgId: `${id}r`,
      msg: r,
      seq: nextSeq(),
      wallMs: now + 3,
      node: 1,
      ...base,
    });
  }
  return out;
}

/** A short history for the feed and the space-time diagram: an election, then a write. */
export function history(nextSeq: () => number): TraceEvent[] {
  const t = Date.now() - 3000;
  const st = (
    name: 'BecomeCandidate' | 'BecomeLeader' | 'BecomeFollower',
    node: number,
    role: GroupView['role'],
    dt: number,
  ): TraceEvent => ({
    kind: 'state',
    name,
    seq: nextSeq(),
    wallMs: t + dt,
    node,
    group: 1,
    tick: 0,
    term: 3,
    vote: 1,
    commit: 18,
    role,
    lastIndex: 21,
    conf: [[1, 2, 3, 4, 5], []],
    learners: [],
  });
  const out: TraceEvent[] = [st('BecomeCandidate', 1, 'StateCandidate', 0)];
  for (const to of [2, 3, 4, 5]) {
    const m = summary('MsgVote', 1, to, { logTerm: 2, index: 21 });
    out.push({
      kind: 'net',
      name: 'Send',
      msgId: `v${to}`,
      msg: m,
      seq: nextSeq(),
      wallMs: t + 5,
      node: 1,
      group: 1,
      tick: 0,
    });
  }
  for (const to of [2, 3, 4, 5]) {
    const m = summary('MsgVote', 1, to, { logTerm: 2, index: 21 });
    out.push({
      kind: 'net',
      name: 'Deliver',
      msgId: `v${to}`,
      msg: m,
      seq: nextSeq(),
      wallMs: t + 6,
      node: to,
      group: 1,
      tick: 0,
    });
    out.push(st('BecomeFollower', to, 'StateFollower', 7));
    const r = summary('MsgVoteResp', to, 1);
    out.push({
      kind: 'net',
      name: 'Send',
      msgId: `vr${to}`,
      msg: r,
      seq: nextSeq(),
      wallMs: t + 8,
      node: to,
      group: 1,
      tick: 0,
    });
    out.push({
      kind: 'net',
      name: 'Deliver',
      msgId: `vr${to}`,
      msg: r,
      seq: nextSeq(),
      wallMs: t + 9,
      node: 1,
      group: 1,
      tick: 0,
    });
  }
  out.push(st('BecomeLeader', 1, 'StateLeader', 10));
  return out;
}
