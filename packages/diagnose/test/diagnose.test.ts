import { describe, expect, it } from 'vitest';
import { diagnose, type Finding, type FindingCode, type Severity } from '../src/index.ts';
import { healthySnapshot, message, Scenario } from './support/builders.ts';
import { init, write } from './support/histories.ts';

const serious = (fs: Finding[]) => fs.filter((f) => f.severity !== 'info');
const codes = (fs: Finding[]) => fs.map((f) => f.code);

/** A leader elected at tick 0 that then ran quietly for `ticks` ticks. */
function elected(size = 3, lastIndex = 5, term = 2): Scenario {
  const s = new Scenario(healthySnapshot({ size, lastIndex, term }));
  init(s);
  s.state(1, 'BecomeLeader');
  return s;
}

/** A leaderless cluster whose nodes have empty logs and no configuration. */
function unconfigured(size = 3): Scenario {
  const s = new Scenario(healthySnapshot({ size, lastIndex: 0, term: 0 }));
  for (const n of s.snapshot.nodes) {
    s.set(n.id, {
      role: 'StateFollower',
      lead: 0,
      vote: 0,
      promotable: false,
      progress: undefined,
      confState: {
        voters: [],
        learners: [],
        votersOutgoing: [],
        learnersNext: [],
        autoLeave: false,
      },
    });
  }
  return init(s);
}

/** A leaderless cluster with configurations, all followers at `term`. */
function leaderless(size = 3, term = 3): Scenario {
  const s = new Scenario(healthySnapshot({ size, term }));
  for (const n of s.snapshot.nodes) {
    s.set(n.id, { role: 'StateFollower', lead: 0, vote: 0, progress: undefined });
  }
  return init(s);
}

/** Leader 1 appended entry 6 at tick 2 and nothing acknowledged it since. */
function stuckEntry(size = 3): Scenario {
  const s = elected(size);
  s.elapse(2);
  s.append(1, 6, 6, 2).set(1, { persisted: 6 }).progress(1, 1, { match: 6, next: 7 });
  s.ready(1, { entries: [6, 6], messages: size - 1 });
  for (let p = 2; p <= size; p++) s.progress(1, p, { next: 7 });
  return s;
}

interface Case {
  name: string;
  build: () => Scenario;
  lead: FindingCode;
  severity?: Severity;
  nodes?: number[];
  includes?: FindingCode[];
}

export const cases: Case[] = [
  {
    name: 'no node has a configuration',
    build: () => unconfigured().elapse(60),
    lead: 'NoConfiguration',
    severity: 'critical',
    includes: ['NoLeader'],
  },
  {
    name: 'every node lists its peers but not itself',
    build: () => {
      const s = leaderless();
      for (const n of s.snapshot.nodes) {
        const others = [1, 2, 3].filter((x) => x !== n.id);
        s.set(n.id, {
          promotable: false,
          confState: { ...s.view(n.id).confState, voters: others },
        });
      }
      return s.elapse(60);
    },
    lead: 'SelfNotInConfiguration',
    severity: 'critical',
    includes: ['NoLeader'],
  },
  {
    name: 'one node started without a configuration next to a healthy leader',
    build: () => {
      const s = elected();
      s.set(3, {
        promotable: false,
        confState: {
          voters: [],
          learners: [],
          votersOutgoing: [],
          learnersNext: [],
          autoLeave: false,
        },
      });
      return s.quiet(1, 10);
    },
    lead: 'NoConfiguration',
    severity: 'warning',
    nodes: [3],
  },
  {
    name: 'votes split term after term',
    build: () => {
      const s = leaderless();
      for (let term = 4; term <= 7; term++) {
        s.elapse(12);
        s.state(1, 'BecomeCandidate', { term, role: 'StateCandidate' });
        s.state(2, 'BecomeCandidate', { term, role: 'StateCandidate' });
        s.exchange('MsgVote', 1, 3, { term });
        s.exchange('MsgVote', 2, 3, { term });
      }
      return s;
    },
    lead: 'SplitVote',
    severity: 'error',
    includes: ['NoLeader'],
  },
  {
    name: 'pre-votes of a node whose log is behind are refused',
    build: () => {
      const s = leaderless();
      s.node(1).status = 'crashed';
      s.append(3, 1, 3, 3);
      for (let i = 0; i < 4; i++) {
        s.elapse(12);
        s.state(3, 'BecomePreCandidate', { role: 'StatePreCandidate' });
        s.exchange('MsgPreVote', 3, 2, { term: 4 });
        s.exchange('MsgPreVoteResp', 2, 3, { term: 3, reject: true });
      }
      return s;
    },
    lead: 'PreVoteRejected',
    severity: 'error',
    includes: ['NoLeader'],
  },
  {
    name: 'votes are refused',
    build: () => {
      const s = leaderless();
      s.node(1).status = 'crashed';
      s.append(3, 1, 3, 3);
      for (let i = 0; i < 4; i++) {
        s.elapse(12);
        s.state(3, 'BecomeCandidate', { role: 'StateCandidate', term: 4 + i });
        s.exchange('MsgVote', 3, 2, { term: 4 + i });
        s.exchange('MsgVoteResp', 2, 3, { term: 4 + i, reject: true });
      }
      return s;
    },
    lead: 'VotesRejected',
    severity: 'error',
  },
  {
    name: 'a majority of voters is down and no leader can be elected',
    build: () => {
      const s = leaderless();
      s.node(2).status = 'crashed';
      s.node(3).status = 'crashed';
      return s.elapse(40);
    },
    lead: 'NodeDown',
    severity: 'error',
    includes: ['QuorumUnreachable', 'NoLeader'],
  },
  {
    name: 'every node is partitioned from every other and no leader is elected',
    build: () => {
      const s = leaderless();
      s.snapshot.partitions = [[1], [2], [3]];
      return s.elapse(40);
    },
    lead: 'Partitioned',
    severity: 'error',
    includes: ['QuorumUnreachable'],
  },
  {
    name: 'the followers of a leader are down',
    build: () => {
      const s = stuckEntry();
      s.node(2).status = 'crashed';
      s.node(3).status = 'crashed';
      return s.elapse(30);
    },
    lead: 'NodeDown',
    severity: 'error',
    includes: ['QuorumShort'],
  },
  {
    name: "the leader's messages to its followers are held",
    build: () => {
      const s = stuckEntry();
      s.snapshot.links = [
        { from: 1, to: 2, rule: { hold: true } },
        { from: 1, to: 3, rule: { hold: true } },
      ];
      return s.elapse(30);
    },
    lead: 'LinkHeld',
    severity: 'error',
    nodes: [2, 1],
    includes: ['QuorumShort'],
  },
  {
    name: "the followers' responses are dropped by a link rule",
    build: () => {
      const s = stuckEntry();
      s.snapshot.links = [
        { from: 2, to: 1, rule: { dropRate: 1 } },
        { from: 3, to: 1, rule: { dropRate: 1 } },
      ];
      return s.elapse(30);
    },
    lead: 'LinkDropping',
    severity: 'error',
  },
  {
    name: 'the transport fails to deliver to the followers',
    build: () => {
      const s = stuckEntry();
      for (let i = 0; i < 3; i++) {
        s.elapse(4);
        for (const p of [2, 3]) s.net('Drop', message('MsgApp', 1, p), { reason: 'transport' });
      }
      return s.elapse(20);
    },
    lead: 'TransportFailing',
    severity: 'error',
  },
  {
    name: 'the followers reject appends and the leader probes',
    build: () => {
      const s = stuckEntry();
      s.set(1, { term: 3 });
      for (const p of [2, 3]) {
        s.progress(1, p, { state: 'StateProbe', match: 0, next: 3, paused: true });
        s.exchange('MsgAppResp', p, 1, { term: 3, reject: true, index: 4, rejectHint: 2 });
      }
      return s.elapse(30);
    },
    lead: 'FollowerProbing',
    severity: 'error',
  },
  {
    name: 'a snapshot to a follower was dropped and never reported',
    build: () => {
      const s = elected(3, 100);
      s.view(1).log.snapshotIndex = 90;
      s.progress(1, 3, { state: 'StateSnapshot', match: 10, next: 11, pendingSnapshot: 90 });
      s.set(3, { commit: 10, applied: 10, persisted: 10 });
      s.append(3, 1, 10, 2);
      s.elapse(2);
      const snap = message('MsgSnap', 1, 3, { snapshot: { index: 90, term: 2 } });
      s.net('Send', snap);
      s.net('Drop', snap, { reason: 'probability' });
      return s.quiet(1, 15);
    },
    lead: 'SnapshotNeverReported',
    severity: 'warning',
  },
  {
    name: "the leader's inflight window to a follower stays full",
    build: () => {
      const s = elected(3, 9);
      s.progress(1, 3, { match: 3, next: 10, inflights: 4, inflightsFull: true });
      s.set(3, { commit: 3, applied: 3, persisted: 3 });
      s.append(3, 1, 3, 2);
      return s.quiet(1, 15);
    },
    lead: 'InflightWindowFull',
    severity: 'warning',
    nodes: [3],
  },
  {
    name: 'the leader has not heard from a follower',
    build: () => {
      const s = elected(3, 9);
      s.progress(1, 3, { match: 3, next: 4, recentActive: false });
      s.append(3, 1, 3, 2);
      for (let i = 0; i < 15; i++) {
        s.elapse(2).exchange('MsgHeartbeat', 1, 2).exchange('MsgHeartbeatResp', 2, 1);
        s.exchange('MsgHeartbeat', 1, 3);
      }
      return s;
    },
    lead: 'FollowerInactive',
    severity: 'warning',
  },
  {
    name: 'a follower lags behind with no visible cause',
    build: () => {
      const s = elected(3, 9);
      s.progress(1, 3, { match: 3, next: 10 });
      s.append(3, 1, 3, 2);
      return s.quiet(1, 15);
    },
    lead: 'FollowerNotAcking',
    severity: 'warning',
  },
  {
    name: 'a follower behind a slow link lags',
    build: () => {
      const s = elected(3, 9);
      s.progress(1, 3, { match: 3, next: 10 });
      s.snapshot.links = [{ from: 1, to: 3, rule: { delayMs: 5000 } }];
      return s.quiet(1, 15);
    },
    lead: 'LinkDelayed',
    severity: 'warning',
  },
  {
    name: "the leader's Ready loop stopped advancing",
    build: () => {
      const s = elected(3, 5);
      s.elapse(2);
      s.append(1, 6, 8, 2).progress(1, 1, { match: 5 });
      s.ready(1, { entries: [6, 8], messages: 2 });
      return s.elapse(30);
    },
    lead: 'ReadyNotAdvanced',
    severity: 'error',
    nodes: [1],
  },
  {
    name: 'the followers never send their append responses',
    build: () => {
      const s = stuckEntry();
      for (const p of [2, 3]) s.append(p, 6, 6, 2).set(p, { persisted: 6 });
      for (let i = 0; i < 10; i++) {
        s.elapse(3);
        for (const p of [2, 3]) {
          s.exchange('MsgApp', 1, p, { index: 5, logTerm: 2, entries: [[2, 6, 'EntryNormal', 8]] });
          s.ready(p, { messages: 1 });
          s.exchange('MsgHeartbeat', 1, p);
          s.exchange('MsgHeartbeatResp', p, 1);
        }
      }
      return s;
    },
    lead: 'PersistedMessagesNotSent',
    severity: 'error',
    includes: ['QuorumShort'],
  },
  {
    name: 'a proposal is dropped',
    build: () => {
      const s = elected().quiet(1, 3);
      s.proposal(2, 'Proposed', 'w1');
      s.proposal(2, 'Dropped', 'w1', { reason: 'no leader' });
      return s.quiet(1, 2);
    },
    lead: 'ProposalDropped',
    severity: 'warning',
  },
  {
    name: 'a forwarded proposal never reaches the leader',
    build: () => {
      const s = elected().quiet(1, 2);
      s.proposal(2, 'Proposed', 'w1');
      s.proposal(2, 'Forwarded', 'w1', { reason: 'to 1' });
      return s.quiet(1, 15);
    },
    lead: 'ProposalNotAppended',
    severity: 'warning',
    nodes: [2, 1],
  },
  {
    name: 'a forwarded proposal is lost on a dropping link',
    build: () => {
      const s = elected().quiet(1, 2);
      s.proposal(2, 'Proposed', 'w1');
      s.proposal(2, 'Forwarded', 'w1', { reason: 'to 1' });
      s.snapshot.links = [{ from: 2, to: 1, rule: { dropRate: 1, types: ['MsgProp'] } }];
      return s.quiet(1, 15);
    },
    lead: 'LinkDropping',
    includes: ['ProposalNotAppended'],
  },
  {
    name: 'a joint configuration is never left',
    build: () => {
      const s = elected();
      s.elapse(2);
      s.set(1, {
        confState: {
          voters: [1, 2, 3],
          votersOutgoing: [1, 2],
          learners: [],
          learnersNext: [],
          autoLeave: false,
        },
      });
      s.state(1, 'ApplyConfChange', { confChange: 'v3' });
      return s.quiet(1, 15);
    },
    lead: 'PendingConfChange',
    severity: 'warning',
  },
  {
    name: 'a node is ticked twice as fast as its peers',
    build: () => {
      const s = elected();
      s.tickRate.set(3, 2);
      return s.quiet(1, 20);
    },
    lead: 'DoubleTick',
    severity: 'warning',
    nodes: [3],
  },
  {
    name: 'a node is never ticked',
    build: () => {
      const s = elected();
      s.tickRate.set(3, 0);
      return s.quiet(1, 20);
    },
    lead: 'NotTicking',
    severity: 'warning',
    nodes: [3],
  },
  {
    name: 'a write is acknowledged on append',
    build: () => {
      const s = elected().quiet(1, 2);
      s.proposal(1, 'Proposed', 'w1');
      s.append(1, 6, 6, 2);
      s.proposal(1, 'Appended', 'w1', { index: 6, term: 2 });
      s.proposal(1, 'Answered', 'w1', { index: 6, term: 2, ok: true });
      return write(s, 1, 7);
    },
    lead: 'AckedBeforeApplied',
    severity: 'error',
  },
  {
    name: "the leader's configuration leaves out its followers",
    build: () => {
      const s = elected();
      s.set(1, {
        confState: {
          voters: [1],
          learners: [],
          votersOutgoing: [],
          learnersNext: [],
          autoLeave: false,
        },
      });
      delete s.view(1).progress?.['2'];
      delete s.view(1).progress?.['3'];
      for (const p of [2, 3]) s.set(p, { lead: 0, commit: 0, applied: 0 });
      return s.elapse(20);
    },
    lead: 'LeaderConfigLacksFollowers',
    severity: 'error',
  },
  {
    name: 'an old leader is cut off in a partition',
    build: () => {
      const s = new Scenario(healthySnapshot({ leader: 2, term: 3 }));
      init(s);
      s.state(2, 'BecomeLeader');
      s.set(1, { role: 'StateLeader', term: 2, lead: 1 });
      s.snapshot.partitions = [[1], [2, 3]];
      return s.quiet(2, 15);
    },
    lead: 'StaleLeader',
    severity: 'warning',
    nodes: [1, 2],
  },
  {
    name: 'no node of the group is running',
    build: () => {
      const s = leaderless();
      for (const n of s.snapshot.nodes) n.status = 'crashed';
      return s;
    },
    lead: 'NoLeader',
    severity: 'critical',
  },
];

describe('diagnose', () => {
  it.each(cases)('leads with $lead when $name', (c) => {
    const input = c.build().input();

    const findings = diagnose(input);

    expect(findings[0]?.code, JSON.stringify(findings, null, 1)).toBe(c.lead);
    if (c.severity) expect(findings[0]?.severity).toBe(c.severity);
    if (c.nodes) expect(findings[0]?.nodes).toEqual(c.nodes);
    for (const code of c.includes ?? []) expect(codes(findings)).toContain(code);
  });

  it('finds nothing worth a warning in a quiet healthy cluster', () => {
    const input = elected(5).quiet(1, 30).input();

    expect(serious(diagnose(input))).toEqual([]);
  });

  it('finds nothing worth a warning in a healthy cluster under writes', () => {
    const s = elected(5);
    for (let i = 6; i <= 40; i++) write(s.elapse(1), 1, i);
    s.elapse(1).append(1, 41, 41, 2).set(1, { persisted: 41 });
    s.progress(1, 1, { match: 41, next: 42 }).ready(1, { entries: [41, 41], messages: 4 });

    expect(serious(diagnose(s.input()))).toEqual([]);
  });

  it('calls a fresh leaderless cluster an election under way, not a problem', () => {
    const input = leaderless().elapse(5).input();

    const findings = diagnose(input);

    expect(serious(findings)).toEqual([]);
    expect(codes(findings)).toContain('NoLeader');
  });

  it('explains the present state of a snapshot given without any trace', () => {
    const s = stuckEntry();
    s.node(2).status = 'crashed';
    s.node(3).status = 'crashed';

    const findings = diagnose({ snapshot: s.input().snapshot, events: [] });

    expect(codes(findings).slice(0, 3)).toEqual(['NodeDown', 'NodeDown', 'QuorumShort']);
  });

  it('says a paused cluster is paused, as information', () => {
    const s = elected().quiet(1, 3);
    s.snapshot.paused = true;

    const findings = diagnose(s.input());

    expect(findings.map((f) => [f.code, f.severity])).toEqual([['ClusterPaused', 'info']]);
  });

  it('gives every finding a summary and evidence', () => {
    const all = cases.flatMap((c) => diagnose(c.build().input()));

    for (const f of all) {
      expect(f.summary.length).toBeGreaterThan(10);
      expect(f.evidence.length, f.code).toBeGreaterThan(0);
    }
  });

  it('does not mistake a pending read for a write that never reached the log', () => {
    const s = elected().quiet(1, 2);
    s.proposal(2, 'Proposed', 'r1', { op: 'read' });
    s.proposal(2, 'Committed', 'r1', { op: 'read', index: 5 });

    expect(serious(diagnose(s.quiet(1, 15).input()))).toEqual([]);
  });

  it('does not read the faults a node was started with', () => {
    const s = elected().quiet(1, 10);
    s.node(2).faults = ['double-tick', 'never-advance'];

    expect(serious(diagnose(s.input()))).toEqual([]);
  });
});
