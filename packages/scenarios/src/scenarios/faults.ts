/**
 * The mistakes real integrations make around the Raft core, one scenario each. Every one ends
 * on the diagnosis naming the mistake from what the nodes do (the diagnosis never reads the
 * fault list), as an engineer would see it for their own service.
 */

import type { IntegrationFault } from '@raftlens/cluster';
import type { FindingCode } from '@raftlens/diagnose';
import { all, caughtUp, leaderElected, settled } from '../conditions.ts';
import type { Scenario, ScenarioStep } from '../model.ts';
import { electLeader } from '../steps.ts';
import type { StepView } from '../view.ts';

const SIZE = 5;

/** The same fault on every founding node: every node runs the same, faulty, code. */
function everywhere(fault: IntegrationFault): Record<number, IntegrationFault[]> {
  return Object.fromEntries(Array.from({ length: SIZE }, (_, i) => [i + 1, [fault]]));
}

/** A check that the diagnosis names `code` for node `ref` in particular. */
function findingAbout(code: FindingCode, ref: string) {
  return {
    description: `The diagnosis names ${code} for node {${ref}}`,
    check: (v: StepView) => {
      const id = v.node(ref);
      const f = v.findings.find((x) => x.code === code && x.nodes.includes(id));
      return f === undefined ? `not for node ${id}` : null;
    },
  };
}

/** "Nothing ever happens", then a write that is refused: for faults that prevent any election. */
function noElectionSteps(finding: FindingCode, start: string, explain: string): ScenarioStep[] {
  return [
    {
      title: 'The cluster starts',
      narration: start,
      until: { description: 'three seconds pass', withinMs: 3_000 },
      expect: { leader: null, commitEquals: 0, firstFinding: finding },
    },
    {
      title: 'A client writes',
      narration: explain,
      act: (ctx) => ctx.write('w1', 'k', 'v'),
      until: { description: 'the write is answered', test: settled('w1'), withinMs: 6_000 },
      expect: { leader: null, ops: { w1: 'failed' }, firstFinding: finding },
    },
  ];
}

export const noInitialConf: Scenario = {
  id: 'fault-no-initial-conf',
  title: 'Integration fault: no initial configuration',
  summary:
    'Every node was started without the initial ConfState (raft-rs) or with RestartNode on an ' +
    'empty store instead of StartNode with its peers (etcd raft). The nodes run, tick and ' +
    'log, but none ever campaigns: nothing is ever elected.',
  audience: ['engineer'],
  category: 'integration-fault',
  cluster: { size: SIZE, seed: 21, faults: everywhere('no-initial-conf') },
  fault: { fault: 'no-initial-conf', finding: 'NoConfiguration' },
  steps: noElectionSteps(
    'NoConfiguration',
    'Five servers start, tick and wait. Several election timeouts pass, but no node becomes ' +
      'even a pre-candidate.',
    'A client write is refused at once: there is no leader to take it. The diagnosis names ' +
      'the cause: no node knows any voters, not even itself, so none may ever campaign.',
  ),
};

export const votersExcludeSelf: Scenario = {
  id: 'fault-voters-exclude-self',
  title: 'Integration fault: a peer list without the node itself',
  summary:
    'Every node was bootstrapped with a list of its peers that leaves itself out. Each knows ' +
    'the other voters, but a node that is not a voter in its own configuration may not ' +
    'campaign, so nothing is ever elected.',
  audience: ['engineer'],
  category: 'integration-fault',
  cluster: { size: SIZE, seed: 22, faults: everywhere('voters-exclude-self') },
  fault: { fault: 'voters-exclude-self', finding: 'SelfNotInConfiguration' },
  steps: noElectionSteps(
    'SelfNotInConfiguration',
    'Five servers start; each lists the four others as voters, but not itself. Several ' +
      'election timeouts pass and nobody campaigns.',
    'A client write is refused: there is no leader. The diagnosis names the cause: every ' +
      'node’s configuration leaves the node itself out, so none is promotable.',
  ),
};

export const doubleTick: Scenario = {
  id: 'fault-double-tick',
  title: 'Integration fault: a node ticked by two loops',
  summary:
    'One node calls Tick from two places, say a ticker and a request handler. Its clock runs ' +
    'twice as fast: its election timeout fires early, and as leader it sends heartbeats twice ' +
    'as often. The cluster works, which is why this goes unnoticed.',
  audience: ['engineer'],
  category: 'integration-fault',
  cluster: { size: SIZE, seed: 23, faults: { 3: ['double-tick'] } },
  fault: { fault: 'double-tick', finding: 'DoubleTick' },
  steps: [
    electLeader({
      narration:
        'The cluster starts and elects a leader (node {leader}), as any cluster would. Node 3 ' +
        'is ticked by two loops, so every timer of it runs at double speed.',
      expect: { leader: 'any', caughtUp: true },
    }),
    {
      title: 'Writes, and a clock that runs fast',
      narration:
        'Clients write for three seconds and everything commits. But node 3 has counted ' +
        'twice as many ticks as its peers; the diagnosis compares the rates and names it.',
      act: (ctx) => {
        for (let i = 1; i <= 3; i++) ctx.write(`w${i}`, `k${i}`, 'v');
      },
      until: { description: 'three seconds pass', withinMs: 3_000 },
      expect: {
        ops: { w1: 'ok', w2: 'ok', w3: 'ok' },
        firstFinding: 'DoubleTick',
        checks: [
          {
            description: 'The first finding is about node 3',
            check: (v) => (v.findings[0]?.nodes[0] === 3 ? null : `${v.findings[0]?.nodes}`),
          },
        ],
      },
    },
  ],
};

export const neverAdvance: Scenario = {
  id: 'fault-never-advance',
  title: 'Integration fault: leader elected, commit stuck at 0',
  summary:
    'The symptom an engineer reports: the logs say a leader was elected, yet the commit ' +
    'index stays at 0 and no write ever completes. Here the cause is a Ready loop that ' +
    'handles one Ready and never calls Advance, so the core hands out nothing more.',
  audience: ['engineer'],
  category: 'integration-fault',
  cluster: {
    size: SIZE,
    seed: 24,
    // etcd raft's own defaults: no PreVote, no CheckQuorum.
    core: { preVote: false, checkQuorum: false },
    faults: everywhere('never-advance'),
  },
  fault: { fault: 'never-advance', finding: 'ReadyNotAdvanced' },
  steps: [
    {
      title: 'A leader is elected',
      narration:
        'The cluster starts, and a node wins an election (node {leader}): that is what this ' +
        'service’s logs say too. But its commit index stays at 0.',
      until: { description: 'a node leads', test: leaderElected, withinMs: 5_000 },
      after: (ctx, view) => {
        const leader = view.leader();
        if (leader !== null) ctx.name('leader', leader);
      },
      expect: { leader: 'any', commitEquals: 0 },
    },
    {
      title: 'Writes never commit',
      narration:
        'A client writes through the leader and waits: each node handled one Ready and never ' +
        'called Advance, so the leader never even sent its first append. The diagnosis names ' +
        'the stopped Ready loop, on the leader and on every other node.',
      act: (ctx) => ctx.write('w1', 'k', 'v', { via: 'leader' }),
      until: { description: 'three seconds pass', withinMs: 3_000 },
      expect: {
        leader: 'leader',
        commitEquals: 0,
        ops: { w1: 'pending' },
        firstFinding: 'ReadyNotAdvanced',
        checks: [findingAbout('ReadyNotAdvanced', 'leader')],
      },
    },
  ],
};

export const dropPersistedMessages: Scenario = {
  id: 'fault-drop-persisted-messages',
  title: 'Integration fault: responses that wait for the disk are never sent',
  summary:
    'The Ready loop persists entries and votes but then forgets the messages that may only ' +
    'leave after the write (vote responses, append responses). Requests arrive, answers never ' +
    'leave, and nobody is ever elected.',
  audience: ['engineer'],
  category: 'integration-fault',
  cluster: { size: SIZE, seed: 25, faults: everywhere('drop-persisted-messages') },
  fault: { fault: 'drop-persisted-messages', finding: 'PersistedMessagesNotSent' },
  steps: noElectionSteps(
    'PersistedMessagesNotSent',
    'The cluster starts and nodes time out and ask for pre-votes, again and again. Every node ' +
      'receives the requests, but no answer ever leaves.',
    'A client write is refused: there is no leader. The diagnosis names the cause: every node ' +
      'receives vote requests and sends other messages, but never the answers that must wait ' +
      'for its disk.',
  ),
};

export const neverReportSnapshot: Scenario = {
  id: 'fault-never-report-snapshot',
  title: 'Integration fault: a lost snapshot never reported',
  summary:
    'A follower needs a snapshot, and the snapshot message is lost on the way. The leader ' +
    'waits to hear how the snapshot went before sending that follower anything else, but the ' +
    'application never calls ReportSnapshot, so the leader waits forever.',
  audience: ['engineer'],
  category: 'integration-fault',
  cluster: { size: SIZE, seed: 26, faults: everywhere('never-report-snapshot') },
  fault: { fault: 'never-report-snapshot', finding: 'SnapshotNeverReported' },
  cast: { victim: 'the lagging follower' },
  steps: [
    electLeader(),
    {
      title: 'A follower falls far behind',
      narration: 'Node {victim} crashes, and three writes commit without it.',
      act: async (ctx) => {
        const followers = ctx.followers();
        const victim = followers[followers.length - 1];
        if (victim === undefined) throw new Error('need a follower');
        ctx.name('victim', victim);
        await ctx.crash('victim');
        for (let i = 1; i <= 3; i++) ctx.write(`w${i}`, `k${i}`, 'v');
      },
      until: {
        description: 'the writes are answered',
        test: settled('w1', 'w2', 'w3'),
        withinMs: 2_000,
      },
      expect: { ops: { w1: 'ok', w2: 'ok', w3: 'ok' }, findings: ['NodeDown'] },
    },
    {
      title: 'The snapshot is sent',
      narration:
        'The leader compacts its log, so node {victim} can only catch up from a snapshot. Node ' +
        '{victim} restarts, the leader sends the snapshot, and the message is held on the wire.',
      act: async (ctx) => {
        await ctx.compact('leader');
        ctx.hold('leader', 'victim', ['MsgSnap']);
        await ctx.restart('victim');
      },
      until: {
        description: 'the snapshot is held',
        test: (v) => v.snapshot.held.some((h) => h.type === 'MsgSnap'),
        withinMs: 3_000,
      },
      expect: { findings: ['LinkHeld'] },
    },
    {
      title: 'The snapshot is lost',
      narration:
        'The snapshot is lost, as a broken connection would lose it, and nobody tells the ' +
        'leader, which keeps waiting for node {victim}. The diagnosis names the missing ' +
        'ReportSnapshot.',
      act: (ctx) => {
        ctx.dropHeld('MsgSnap');
        ctx.clearLinks();
      },
      until: { description: 'three seconds pass', withinMs: 3_000 },
      expect: {
        firstFinding: 'SnapshotNeverReported',
        checks: [
          {
            description: 'Node {victim} still has not caught up',
            check: (v) => {
              const has = v.group('victim')?.applied ?? 0;
              const commit = v.group('leader')?.commit ?? 0;
              return has < commit ? null : 'it has caught up';
            },
          },
        ],
      },
    },
  ],
};

export const ackOnAppend: Scenario = {
  id: 'fault-ack-on-append',
  title: 'Integration fault: a write acknowledged on append',
  summary:
    'The service tells a client its write succeeded as soon as the leader has appended it, ' +
    'before it is committed. It usually works. Then the leader fails at the wrong moment, and ' +
    'a write the client was told succeeded is gone.',
  audience: ['engineer'],
  category: 'integration-fault',
  cluster: { size: SIZE, seed: 27, faults: everywhere('ack-on-append') },
  fault: { fault: 'ack-on-append', finding: 'AckedBeforeApplied' },
  cast: { old: 'the leader', new: 'the new leader' },
  steps: [
    electLeader({ name: 'old' }),
    {
      title: 'A write is acknowledged too early',
      narration:
        'Appends from the leader (node {old}) are held on the wire. A client writes through ' +
        'it and is told "done" at once, although no follower has the entry and it is not ' +
        'committed.',
      act: (ctx) => {
        for (const f of ctx.followers()) ctx.hold('old', f, ['MsgApp']);
        ctx.write('doomed', 'balance', '100', { via: 'old' });
      },
      until: { description: 'the write is answered', test: settled('doomed'), withinMs: 1_000 },
      expect: {
        ops: { doomed: 'ok' },
        firstFinding: 'AckedBeforeApplied',
        checks: [
          {
            description: 'The acknowledged entry is not committed',
            check: (v) => {
              const index = (v.op('doomed')?.result as { index?: number } | null)?.index ?? 0;
              const commit = v.group('old')?.commit ?? 0;
              return commit < index ? null : `commit ${commit}, entry ${index}`;
            },
          },
        ],
      },
    },
    {
      title: 'The leader crashes',
      narration:
        'The leader crashes before its append leaves, and the others elect a leader (node {new}) ' +
        'that never had the write: it was acknowledged, and it is lost. The safety monitor ' +
        'catches the loss, and the diagnosis names the early acknowledgement.',
      act: async (ctx) => {
        await ctx.crash('old');
        ctx.clearLinks();
      },
      until: {
        description: 'a new leader is elected and the others have its log',
        test: all(caughtUp, (v) => v.leader() !== null),
        withinMs: 8_000,
      },
      after: (ctx, view) => {
        const leader = view.stableLeader();
        if (leader !== null) ctx.name('new', leader);
      },
      expect: {
        notLeader: 'old',
        violations: ['AckedWriteLost'],
        firstFinding: 'AckedBeforeApplied',
        checks: [
          {
            description: 'No running node holds the acknowledged write',
            check: (v) => {
              const holders = v.snapshot.nodes.filter(
                (n) =>
                  n.status === 'running' &&
                  n.groups.some((g) => g.log.entries.some((e) => e.summary === 'put balance=100')),
              );
              return holders.length === 0 ? null : `node ${holders[0]?.id} has it`;
            },
          },
        ],
      },
    },
  ],
};
