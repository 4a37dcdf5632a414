import type { FindingEvent } from '@raftlens/trace';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  evidenceHighlight,
  highlightCounts,
  progressMarks,
} from '../src/components/diagnosis/evidence.ts';
import { uiNodeWords } from '../src/components/diagnosis/nodeWords.ts';
import { withStreamFindings } from '../src/components/diagnosis/streamFindings.ts';
import { TraceRing } from '../src/model/ring.ts';
import { createAppStore } from '../src/store/index.ts';
import { ingestBatch } from '../src/store/ingest.ts';
import {
  alarmsFrom,
  foldFindingEvents,
  scenarioHref,
  scenarioLink,
} from '../src/store/scenarioSlice.ts';
import { FrameBatcher, type Scheduler } from '../src/stream/frameBatcher.ts';
import { msg, net, node, resetSeq, snapshot, state } from './fixtures.ts';

let seq = 500;
function finding(
  name: FindingEvent['name'],
  code: string,
  severity: FindingEvent['severity'],
  nodes: number[],
  summary = `${code} on node ${nodes[0]}`,
): FindingEvent {
  return {
    kind: 'finding',
    name,
    code,
    severity,
    summary,
    nodes,
    seq: ++seq,
    wallMs: 1000,
    node: 0,
    group: 0,
    tick: 0,
  };
}

const empty = { streamFindings: [], alarms: [], findingsVersion: 0 };

describe('findings in the trace', () => {
  it('raises an alarm for a critical finding, once, and keeps it after the finding clears', () => {
    const raised = finding('FindingRaised', 'AckedWriteLost', 'critical', [3, 1]);
    const once = foldFindingEvents(empty, [raised]);
    expect(once?.alarms.map((a) => [a.code, a.nodes])).toEqual([['AckedWriteLost', [3, 1]]]);
    expect(once?.streamFindings).toHaveLength(1);

    // Raised again (same code and nodes, any order): still one alarm.
    const again = foldFindingEvents(once ?? empty, [
      finding('FindingRaised', 'AckedWriteLost', 'critical', [1, 3]),
    ]);
    expect(again?.alarms).toHaveLength(1);

    const cleared = foldFindingEvents(again ?? empty, [
      finding('FindingCleared', 'AckedWriteLost', 'critical', [3, 1]),
    ]);
    expect(cleared?.streamFindings).toEqual([]);
    expect(cleared?.alarms).toHaveLength(1);
    expect(cleared?.findingsVersion).toBe(3);
  });

  it('does not alarm for warnings, and answers null for a batch without findings', () => {
    const warned = foldFindingEvents(empty, [finding('FindingRaised', 'NodeDown', 'warning', [2])]);
    expect(warned?.alarms).toEqual([]);
    expect(warned?.streamFindings.map((f) => f.code)).toEqual(['NodeDown']);
    expect(foldFindingEvents(empty, [state('BecomeLeader', 1)])).toBeNull();
  });

  it('keeps an alarm in the store until it is acknowledged', () => {
    const store = createAppStore('default');
    const now = Date.now();
    ingestBatch(store, {
      hello: {
        snapshot: snapshot([node(1), node(2)], { seq: 500, wallMs: now }),
        reconnect: false,
      },
      events: [
        finding('FindingRaised', 'TwoLeadersInTerm', 'critical', [1, 2]),
        finding('FindingRaised', 'CommitRegressed', 'critical', [2]),
      ],
      missed: 0,
      receivedAtMs: now,
    });
    expect(store.getState().alarms.map((a) => a.code)).toEqual([
      'TwoLeadersInTerm',
      'CommitRegressed',
    ]);
    store.getState().acknowledgeAlarm();
    expect(store.getState().alarms.map((a) => a.code)).toEqual(['CommitRegressed']);
    store.getState().acknowledgeAlarm('TwoLeadersInTerm|1,2');
    expect(store.getState().alarms).toHaveLength(1);
    store.getState().acknowledgeAlarm('CommitRegressed|2');
    expect(store.getState().alarms).toEqual([]);
  });

  it('raises alarms a late viewer learns of, but never one already acknowledged', () => {
    const store = createAppStore('default');
    const lost = {
      key: 'AckedWriteLost|1',
      code: 'AckedWriteLost',
      severity: 'critical' as const,
      summary: 'node 1 acknowledged a write that is lost',
      nodes: [1],
      seq: 7,
      wallMs: 0,
    };
    store.getState().raiseAlarms([lost]);
    store.getState().raiseAlarms([lost]);
    expect(store.getState().alarms).toHaveLength(1);
    store.getState().acknowledgeAlarm();
    store.getState().raiseAlarms([lost]);
    expect(store.getState().alarms).toEqual([]);
    // Another cluster starts afresh.
    store.getState().clearFindings();
    store.getState().raiseAlarms([lost]);
    expect(store.getState().alarms).toHaveLength(1);
  });

  it('turns a diagnosis into alarms for its critical findings only', () => {
    const alarms = alarmsFrom([
      {
        code: 'AckedWriteLost',
        severity: 'critical',
        nodes: [2, 1],
        evidence: [
          { kind: 'field', node: 1, path: 'groups.1.commit', value: 1 },
          { kind: 'event', seq: 42 },
        ],
        summary: 'lost',
      },
      { code: 'NodeDown', severity: 'warning', nodes: [1], evidence: [], summary: 'down' },
    ]);
    expect(alarms.map((a) => [a.key, a.seq])).toEqual([['AckedWriteLost|1,2', 42]]);
  });

  it('adds the server findings the local diagnosis lacks, critical first', () => {
    const { streamFindings } = foldFindingEvents(empty, [
      finding('FindingRaised', 'AckedWriteLost', 'critical', [1]),
      finding('FindingRaised', 'NodeDown', 'warning', [4]),
    ]) ?? { streamFindings: [] };
    const local = [
      { code: 'NodeDown', severity: 'warning', nodes: [4], evidence: [], summary: 'n4 down' },
    ] as const;
    const merged = withStreamFindings(
      local.map((f) => ({ ...f, nodes: [...f.nodes], evidence: [] })),
      streamFindings,
    );
    expect(merged.map((f) => f.code)).toEqual(['AckedWriteLost', 'NodeDown']);
    expect(merged[0]?.evidence).toEqual([{ kind: 'event', seq: streamFindings[0]?.seq }]);
  });
});

describe('a reset from the stream', () => {
  beforeEach(() => resetSeq(100));

  it('drops the old run: trace, feed, marks, flights, findings and highlight', () => {
    const store = createAppStore('scenario-x');
    const now = Date.now();
    ingestBatch(store, {
      hello: {
        snapshot: snapshot([node(1), node(2)], { seq: 100, wallMs: now }),
        reconnect: false,
      },
      events: [
        state('BecomeLeader', 1, { term: 2, role: 'StateLeader', wallMs: now }),
        net('Send', 'a', msg('MsgApp', 1, 2), now),
        finding('FindingRaised', 'AckedWriteLost', 'critical', [1]),
      ],
      missed: 0,
      receivedAtMs: now,
    });
    store.getState().setHighlight({
      label: 'x',
      msgIds: ['a'],
      seqs: [],
      nodes: [1],
      fields: [],
      entries: [],
      latestWallMs: now,
    });
    const before = store.getState();
    expect(before.ring.size).toBe(3);
    expect(before.feed.length).toBeGreaterThan(0);
    expect(before.marks.length).toBe(1);
    expect(before.alarms).toHaveLength(1);
    expect(before.flights.flights.size).toBe(1);

    resetSeq(0);
    const fresh = snapshot([node(1), node(2), node(3)], { seq: 0, wallMs: now });
    ingestBatch(store, {
      reset: { reason: 'scenario-back', snapshot: fresh },
      events: [net('Send', 'b', msg('MsgVote', 3, 1), now)],
      missed: 0,
      receivedAtMs: now,
    });

    const s = store.getState();
    expect(s.snapshot?.nodes.map((n) => n.id)).toEqual([1, 2, 3]);
    expect(s.ring.size).toBe(1);
    expect(s.ring.at(0)?.seq).toBe(1);
    expect(s.feed).toEqual([]);
    expect(s.marks).toEqual([]);
    expect([...s.flights.flights.keys()]).toEqual(['b']);
    expect(s.alarms).toEqual([]);
    expect(s.streamFindings).toEqual([]);
    expect(s.highlight).toBeNull();
    expect(s.resetCount).toBe(1);
    expect(s.notices).toEqual([]);
  });

  it('is batched so that events before it are dropped and events after it kept', () => {
    let run: (() => void) | null = null;
    const scheduler: Scheduler = {
      request: (cb) => {
        run = cb;
        return 1;
      },
      cancel: () => {
        run = null;
      },
    };
    const got: Array<Parameters<ConstructorParameters<typeof FrameBatcher>[0]>[0]> = [];
    const b = new FrameBatcher((x) => got.push(x), 100, scheduler);
    const now = Date.now();
    const snap = snapshot([node(1)], { seq: 0, wallMs: now });
    b.push({ type: 'events', events: [net('Send', 'old', msg('MsgApp', 1, 2), now)] });
    b.push({ type: 'state', snapshot: snapshot([node(9)], { seq: 50, wallMs: now }) });
    b.push({ type: 'reset', reason: 'scenario-restart', snapshot: snap });
    resetSeq(0);
    b.push({ type: 'events', events: [net('Send', 'new', msg('MsgApp', 1, 2), now)] });
    (run as (() => void) | null)?.();

    expect(got).toHaveLength(1);
    const batch = got[0];
    expect(batch?.reset?.snapshot).toBe(snap);
    expect(batch?.snapshot).toBeUndefined();
    expect(batch?.events.map((e) => (e.kind === 'net' ? e.msgId : ''))).toEqual(['new']);
  });
});

describe('evidence', () => {
  beforeEach(() => resetSeq(0));

  it('maps event evidence to messages and nodes, and field evidence to progress cells', () => {
    const ring = new TraceRing(100);
    const send = net('Send', 'm1', msg('MsgApp', 1, 3), 1000);
    const deliver = net('Deliver', 'm1', msg('MsgApp', 1, 3), 1010);
    const other = net('Send', 'm2', msg('MsgHeartbeat', 1, 2), 1020);
    const became = state('BecomeLeader', 1, { wallMs: 1030 });
    for (const e of [send, deliver, other, became]) ring.push(e);

    const h = evidenceHighlight(
      {
        summary: 'node 1 cannot reach nodes 3 and 5',
        nodes: [1],
        evidence: [
          { kind: 'event', seq: send.seq },
          { kind: 'event', seq: deliver.seq },
          { kind: 'event', seq: became.seq },
          { kind: 'event', seq: 9999 },
          { kind: 'field', node: 1, path: 'groups.1.progress.5.match', value: 0 },
          { kind: 'field', node: 5, path: 'groups.1.commit', value: 0 },
          { kind: 'field', node: 0, path: 'held.m2', value: {} },
        ],
      },
      ring,
    );
    expect(h.label).toBe('n1 cannot reach n3 and n5');
    expect(h.msgIds).toEqual(['m1', 'm2']);
    expect(h.seqs).toEqual([became.seq, 9999]);
    expect(h.nodes).toEqual([1, 2, 3, 5]);
    expect(h.latestWallMs).toBe(1030);
    expect(highlightCounts(h)).toBe('2 messages, 2 events, 3 fields, 4 nodes');

    const marks = progressMarks(h, 1, 1);
    expect([...marks.cells]).toEqual(['5.match']);
    // Row 5 for its field; rows 3 and 5 for the nodes the evidence names (not the leader).
    expect([...marks.rows].sort()).toEqual([2, 3, 5]);
    // Another leader's tracker, or another group, is not marked by these fields.
    expect(progressMarks(h, 2, 1).cells.size).toBe(0);
    expect(progressMarks(h, 1, 2).cells.size).toBe(0);
    expect(progressMarks(null, 1, 1).rows.size).toBe(0);
  });
});

describe('words and links', () => {
  it('names nodes as the dashboard does', () => {
    expect(uiNodeWords('Node 3 is down')).toBe('n3 is down');
    expect(uiNodeWords('nodes 1, 2 and 4 voted for node 5.')).toBe('n1, n2 and n4 voted for n5.');
    expect(uiNodeWords('nodes 1 and 2')).toBe('n1 and n2');
    expect(uiNodeWords('Entry 2 is on 2 of 5 voters (1, 5), needing 3.')).toBe(
      'Entry 2 is on 2 of 5 voters (n1, n5), needing 3.',
    );
    expect(uiNodeWords('it has voters 1, 2 and 3')).toBe('it has voters n1, n2 and n3');
    expect(uiNodeWords('3 voters have at least 2')).toBe('3 voters have at least 2');
    expect(uiNodeWords('MsgApp messages from 1 to 3 are held; node 4 follows leader 2')).toBe(
      'MsgApp messages from n1 to n3 are held; n4 follows leader n2',
    );
    expect(uiNodeWords('commit index went back from 5 to 3')).toBe(
      'commit index went back from 5 to 3',
    );
    expect(uiNodeWords('the node that won')).toBe('the node that won');
    expect(uiNodeWords('a quorum of 3 nodes; leader 2')).toBe('a quorum of 3 nodes; leader 2');
  });

  it('reads and writes ?scenario=<id>&step=<n>', () => {
    expect(scenarioLink('?scenario=leader-election&step=2')).toEqual({
      id: 'leader-election',
      step: 2,
    });
    expect(scenarioLink('?scenario=x&step=-1')).toEqual({ id: 'x', step: 0 });
    expect(scenarioLink('?cluster=default')).toBeNull();
    expect(scenarioHref('http://h:1/?cluster=c#t', 'leader-election', 3)).toBe(
      'http://h:1/?scenario=leader-election&step=3',
    );
  });
});
