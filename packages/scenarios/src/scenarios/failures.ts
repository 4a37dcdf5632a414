/**
 * Failures: a leader that crashes, partitions on either side of the leader, a cluster split
 * three ways, and a log that diverged and must be repaired.
 */

import { all, caughtUp, hasRole, newLeaderOtherThan, settled, termAt } from '../conditions.ts';
import type { Scenario } from '../model.ts';
import { ELECTION_WITHIN_MS, electLeader, maxTerm, retryWrite } from '../steps.ts';
import type { StepView } from '../view.ts';

/** The leader, if it is running and not one of `refs`. */
function leaderOutside(v: StepView, ...refs: string[]): number | null {
  const leader = v.leader();
  if (leader === null) return null;
  return refs.some((r) => v.node(r) === leader) ? null : leader;
}

export const leaderCrash: Scenario = {
  id: 'leader-crash',
  title: 'Leader crash and recovery',
  summary:
    'The leader crashes. The followers notice the silence, elect a new leader in a higher ' +
    'term and carry on; when the old leader restarts it rejoins as a follower and catches up.',
  audience: ['teacher', 'student'],
  category: 'failures',
  cluster: { size: 5, seed: 3 },
  cast: { old: 'the old leader', new: 'the new leader' },
  steps: [
    electLeader({ name: 'old' }),
    {
      title: 'A write commits',
      narration: 'A client stores x=1 through the leader (node {old}); it commits on every node.',
      act: (ctx) => ctx.write('x1', 'x', '1'),
      until: {
        description: 'the write is answered and on every node',
        test: all(settled('x1'), caughtUp),
        withinMs: 2_000,
      },
      expect: { ops: { x1: 'ok' }, caughtUp: true, healthy: true },
    },
    {
      title: 'The leader crashes',
      narration:
        'The leader (node {old}) crashes. The followers stop hearing heartbeats; the first whose ' +
        'election timeout runs out campaigns in a new term and wins (node {new}).',
      act: (ctx) => ctx.crash('old'),
      until: {
        description: 'another node leads',
        test: newLeaderOtherThan('old'),
        withinMs: ELECTION_WITHIN_MS,
      },
      after: (ctx, view) => {
        const leader = view.stableLeader();
        if (leader !== null) ctx.name('new', leader);
      },
      expect: {
        leader: 'new',
        roles: { old: 'crashed' },
        checks: [
          {
            description: 'The new leader is in a higher term',
            check: (v) =>
              (v.group('new')?.term ?? 0) >= 2 ? null : `term ${v.group('new')?.term}`,
          },
        ],
      },
    },
    {
      title: 'Four of five is still a majority',
      narration:
        'A client stores x=2 through the new leader: four nodes are up, and three are enough to ' +
        'commit. The diagnosis notes that node {old} is down and missing the entry.',
      act: (ctx) => ctx.write('x2', 'x', '2'),
      until: { description: 'the write is answered', test: settled('x2'), withinMs: 2_000 },
      expect: { ops: { x2: 'ok' }, leader: 'new', findings: ['NodeDown'] },
    },
    {
      title: 'The old leader comes back',
      narration:
        'Node {old} restarts from what it had on disk. It hears from the new leader in a higher ' +
        'term, becomes a follower, and receives the entries it missed.',
      act: (ctx) => ctx.restart('old'),
      until: { description: 'node {old} has caught up', test: caughtUp, withinMs: 3_000 },
      expect: { leader: 'new', roles: { old: 'StateFollower' }, caughtUp: true, healthy: true },
    },
  ],
};

export const minorityPartition: Scenario = {
  id: 'partition-minority',
  title: 'A minority partition',
  summary:
    'Two followers are cut off from the other three. The majority side, with the leader, ' +
    'keeps committing; the minority can neither commit nor elect a leader, and with PreVote ' +
    'it does not even disturb the terms. When the network heals, it simply catches up.',
  audience: ['teacher', 'student'],
  category: 'failures',
  cluster: { size: 5, seed: 4 },
  cast: { cut1: 'one follower', cut2: 'another follower' },
  steps: [
    electLeader(),
    {
      title: 'Two followers are cut off',
      narration:
        'A network partition separates nodes {cut1} and {cut2} from the rest. The leader ' +
        '(node {leader}) still has 3 of 5, so a write still commits.',
      act: (ctx) => {
        const followers = ctx.followers();
        const cut1 = followers[followers.length - 2];
        const cut2 = followers[followers.length - 1];
        if (cut1 === undefined || cut2 === undefined) throw new Error('need two followers');
        ctx.name('cut1', cut1);
        ctx.name('cut2', cut2);
        const rest = ctx.running().filter((n) => n !== cut1 && n !== cut2);
        ctx.partition([[cut1, cut2], rest]);
        ctx.write('w1', 'y', '1');
      },
      until: { description: 'the write is answered', test: settled('w1'), withinMs: 2_000 },
      expect: { ops: { w1: 'ok' }, leader: 'leader', findings: ['Partitioned'] },
    },
    {
      title: 'The minority cannot elect',
      narration:
        'Cut off from the leader, nodes {cut1} and {cut2} time out. With PreVote they first ask ' +
        'whether they could win; two votes of five are not enough, so their term never rises.',
      until: { description: 'four seconds pass', withinMs: 4_000 },
      expect: {
        leader: 'leader',
        checks: [
          {
            description: 'The cut-off nodes are still in the leader’s term',
            check: (v) => {
              const t = v.group('leader')?.term;
              const off = ['cut1', 'cut2'].filter((n) => v.group(n)?.term !== t);
              return off.length === 0 ? null : `${off.join(', ')} moved to another term`;
            },
          },
          {
            description: 'The cut-off nodes campaigned (as pre-candidates)',
            check: (v) =>
              v.stepEvents.some(
                (e) =>
                  e.kind === 'state' &&
                  e.name === 'BecomePreCandidate' &&
                  (e.node === v.node('cut1') || e.node === v.node('cut2')),
              )
                ? null
                : 'neither campaigned',
          },
        ],
      },
    },
    {
      title: 'The network heals',
      narration:
        'The partition ends, and the next heartbeats reach nodes {cut1} and {cut2} again. They ' +
        'receive the entry they missed, and nobody had to change leader.',
      act: (ctx) => ctx.heal(),
      until: { description: 'every node has caught up', test: caughtUp, withinMs: 3_000 },
      expect: { leader: 'leader', caughtUp: true, healthy: true },
    },
  ],
};

export const majorityPartition: Scenario = {
  id: 'partition-majority',
  title: 'The leader in a minority partition',
  summary:
    'The leader and one follower are cut off from the other three. The majority elects a new ' +
    'leader and carries on; a write sent to the old leader never commits and is overwritten ' +
    'when the network heals.',
  audience: ['teacher', 'student', 'engineer'],
  category: 'failures',
  cluster: { size: 5, seed: 5 },
  cast: { old: 'the old leader', buddy: 'one follower', new: 'the new leader' },
  steps: [
    electLeader({ name: 'old' }),
    {
      title: 'The leader is in the minority',
      narration:
        'A partition leaves the leader (node {old}) with only node {buddy}, and a client writes ' +
        'through it; the entry reaches only 2 of 5 nodes. The other three elect a new leader ' +
        '(node {new}).',
      act: (ctx) => {
        const buddy = ctx.followers()[0];
        if (buddy === undefined) throw new Error('need a follower');
        ctx.name('buddy', buddy);
        const old = ctx.node('old');
        ctx.partition([[old, buddy], ctx.running().filter((n) => n !== old && n !== buddy)]);
        ctx.write('stranded', 'z', 'old', { via: 'old' });
      },
      until: {
        description: 'a node of the majority leads',
        test: (v) => leaderOutside(v, 'old', 'buddy') !== null,
        withinMs: ELECTION_WITHIN_MS,
      },
      after: (ctx, view) => {
        const leader = leaderOutside(view, 'old', 'buddy');
        if (leader !== null) ctx.name('new', leader);
      },
      expect: {
        leader: 'new',
        ops: { stranded: 'pending' },
        findings: ['Partitioned'],
        checks: [
          {
            description: 'Node {old} still believes it leads, in the older term',
            check: (v) => {
              const g = v.group('old');
              const newTerm = v.group('new')?.term ?? 0;
              return g?.role === 'StateLeader' && g.term < newTerm ? null : `it is ${g?.role}`;
            },
          },
        ],
      },
    },
    {
      title: 'The majority carries on',
      narration:
        'The new leader commits a write with its majority of three. Node {old} steps down on its ' +
        'own: with CheckQuorum, a leader that has not heard from a majority for a whole ' +
        'election timeout gives up.',
      act: (ctx) => ctx.write('fresh', 'z', 'new', { via: 'new' }),
      until: {
        description: 'the write is answered and node {old} has stepped down',
        test: all(settled('fresh'), hasRole('old', 'StateFollower')),
        withinMs: 3_000,
      },
      expect: {
        ops: { fresh: 'ok', stranded: 'pending' },
        leader: 'new',
        roles: { old: 'StateFollower' },
      },
    },
    {
      title: 'The network heals',
      narration:
        'The partition ends, and nodes {old} and {buddy} follow the new leader of the higher ' +
        'term. The stranded entry conflicts with the new log, so it is overwritten and its ' +
        'client is told the write failed.',
      act: (ctx) => ctx.heal(),
      until: {
        description: 'every node has caught up and the stranded write has an answer',
        test: all(caughtUp, settled('stranded')),
        withinMs: 4_000,
      },
      expect: {
        leader: 'new',
        caughtUp: true,
        ops: { stranded: 'failed' },
        findings: ['EntryOverwritten'],
      },
    },
    retryWrite('retry', 'z', 'old'),
  ],
};

export const threeWaySplit: Scenario = {
  id: 'split-three-ways',
  title: 'Nine nodes split 3-3-3',
  summary:
    'A nine-node cluster is split into three groups of three. No group has the five nodes a ' +
    'majority needs, so nobody can lead and nothing commits, until the network heals.',
  audience: ['teacher', 'student'],
  category: 'failures',
  cluster: { size: 9, seed: 6, requestTimeoutMs: 30_000 },
  steps: [
    electLeader(),
    {
      title: 'Three islands',
      narration:
        'The network splits into three groups of three; the leader (node {leader}) is in one of ' +
        'them. A write sent to it reaches only its own group: 3 of 9, short of the 5 it needs.',
      act: (ctx) => {
        const leader = ctx.node('leader');
        const others = ctx.followers();
        ctx.partition([[leader, ...others.slice(0, 2)], others.slice(2, 5), others.slice(5, 8)]);
        ctx.write('stuck', 'k', 'v');
      },
      until: { description: 'one second passes', withinMs: 1_000 },
      expect: { ops: { stuck: 'pending' }, findings: ['Partitioned'] },
    },
    {
      title: 'Nobody can lead',
      narration:
        'The leader steps down: it cannot hear from a majority. Every node times out and asks ' +
        'for pre-votes, but no island has five nodes, so no election even starts.',
      until: { description: 'four seconds pass', withinMs: 4_000 },
      expect: {
        leader: null,
        ops: { stuck: 'pending' },
        findings: ['NoLeader', 'QuorumUnreachable', 'Partitioned'],
        checks: [
          {
            description: 'No term rose while the cluster was split',
            check: (v) => (maxTerm(v) === 1 ? null : `the highest term is ${maxTerm(v)}`),
          },
        ],
      },
    },
    {
      title: 'The network heals',
      narration:
        'The islands can talk again and a new leader is elected. The write the old leader took ' +
        'in never reached a majority; the new log replaces it, and its client is told it failed.',
      act: (ctx) => ctx.heal(),
      until: {
        description: 'a leader is elected and every node has caught up',
        test: all(caughtUp, settled('stuck')),
        withinMs: ELECTION_WITHIN_MS,
      },
      expect: { leader: 'any', caughtUp: true, ops: { stuck: 'failed' } },
    },
    retryWrite('retry', 'k', 'v'),
  ],
};

export const divergentLog: Scenario = {
  id: 'divergent-log',
  title: 'Repairing a divergent log',
  summary:
    'A leader cut off mid-write keeps two entries nobody else has, while the majority writes ' +
    'other entries at the same indexes in later terms. When it returns, a rejected append ' +
    'shows the leader where their logs part, and the leader overwrites the rest.',
  audience: ['student', 'engineer'],
  category: 'failures',
  cluster: { size: 5, seed: 8 },
  cast: { old: 'the old leader', second: 'the second leader', third: 'another follower' },
  steps: [
    electLeader({ name: 'old' }),
    {
      title: 'The leader is cut off mid-write',
      narration:
        'The leader (node {old}) is isolated just as two writes reach it: it appends them at ' +
        'indexes 2 and 3 in term 1, but cannot replicate them. The others elect node {second}.',
      act: (ctx) => {
        ctx.isolate('old');
        ctx.write('lost1', 'a', 'lost', { via: 'old' });
        ctx.write('lost2', 'b', 'lost', { via: 'old' });
      },
      until: {
        description: 'another node leads',
        test: (v) => leaderOutside(v, 'old') !== null,
        withinMs: ELECTION_WITHIN_MS,
      },
      after: (ctx, view) => {
        const leader = leaderOutside(view, 'old');
        if (leader !== null) ctx.name('second', leader);
      },
      expect: {
        leader: 'second',
        checks: [
          {
            description: 'Node {old} holds entries 2 and 3 of term 1',
            check: (v) =>
              termAt(v, 'old', 2) === 1 && termAt(v, 'old', 3) === 1 ? null : 'it does not',
          },
        ],
      },
    },
    {
      title: 'The majority writes over the same indexes',
      narration:
        'Node {second} starts term 2 with an empty entry at index 2, and two writes land at ' +
        'indexes 3 and 4. From index 2 on, the logs of nodes {old} and {second} disagree.',
      act: (ctx) => {
        ctx.write('kept1', 'a', 'kept');
        ctx.write('kept2', 'b', 'kept');
      },
      until: {
        description: 'both writes are answered',
        test: settled('kept1', 'kept2'),
        withinMs: 2_000,
      },
      expect: {
        ops: { kept1: 'ok', kept2: 'ok', lost1: 'pending', lost2: 'pending' },
        findings: ['Partitioned'],
        // Logs that differ in entries never committed break no rule of Raft.
        violations: [],
        checks: [
          {
            description: 'Index 2 holds entries of different terms on nodes {old} and {second}',
            check: (v) => {
              const a = termAt(v, 'old', 2);
              const b = termAt(v, 'second', 2);
              return a !== undefined && b !== undefined && a !== b ? null : `${a} and ${b}`;
            },
          },
        ],
      },
    },
    {
      title: 'Leadership moves on',
      narration:
        'Node {second} hands leadership to node {third}, which starts term 3. A new leader ' +
        'assumes every follower has its whole log, so it will first offer node {old} the ' +
        'entries after its own last one.',
      act: (ctx) => {
        const third = ctx.followers().find((n) => n !== ctx.node('old'));
        if (third === undefined) throw new Error('need a follower in the majority');
        ctx.name('third', third);
        ctx.transfer('handover', 'third');
      },
      until: {
        description: 'node {third} leads and every node it reaches has its log',
        test: (v) => settled('handover')(v) && leaderOutside(v, 'old') === v.node('third'),
        withinMs: 3_000,
      },
      expect: { leader: 'third', ops: { handover: 'ok' } },
    },
    {
      title: 'The log is repaired',
      narration:
        'The network heals, and node {old} rejects the first append, which builds on an entry 4 ' +
        'it does not have. Its answer shows where the logs part, so the leader backs up to entry ' +
        '1, and node {old} replaces its stray entries with the leader’s.',
      act: (ctx) => ctx.heal(),
      until: {
        description: 'node {old} has the leader’s log',
        test: all(caughtUp, settled('lost1', 'lost2')),
        withinMs: 3_000,
      },
      expect: {
        leader: 'third',
        caughtUp: true,
        ops: { lost1: 'failed', lost2: 'failed' },
        absent: ['Partitioned'],
        violations: [],
        checks: [
          {
            description: 'Node {old} rejected an append',
            check: (v) => {
              const n = v.stepEvents.filter(
                (e) =>
                  e.kind === 'net' &&
                  e.name === 'Send' &&
                  e.msg.type === 'MsgAppResp' &&
                  e.msg.reject &&
                  e.msg.from === v.node('old'),
              ).length;
              return n >= 1 ? null : 'it accepted every append';
            },
          },
        ],
      },
    },
    retryWrite('retry', 'a', 'lost'),
  ],
};
