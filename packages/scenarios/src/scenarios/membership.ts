/**
 * Changing who is in the cluster and who leads it: a joint membership change, a follower too
 * far behind for the log that is caught up by a snapshot, and a leadership transfer.
 */

import { all, caughtUp, delivered, settled, stableLeader } from '../conditions.ts';
import { ScenarioContext } from '../context.ts';
import type { Scenario } from '../model.ts';
import { electLeader } from '../steps.ts';
import type { StepView } from '../view.ts';

/** The leader's configuration, as "voters 1,2,4 / outgoing 1,2,3 / learners 5". */
function confOf(v: StepView): string {
  const leader = v.leader();
  const c = leader === null ? undefined : v.group(leader)?.confState;
  if (c === undefined) return 'no leader';
  const parts = [`voters ${c.voters.join(',')}`];
  if (c.votersOutgoing.length > 0) parts.push(`outgoing ${c.votersOutgoing.join(',')}`);
  if (c.learners.length > 0) parts.push(`learners ${c.learners.join(',')}`);
  return parts.join(' / ');
}

function ids(v: StepView, ...refs: string[]): number[] {
  return refs.map((r) => v.node(r)).sort((a, b) => a - b);
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && [...a].sort((x, y) => x - y).every((x, i) => x === b[i]);
}

/** A check that the leader's voters (and outgoing voters) are these named nodes. */
function confIs(description: string, voters: string[], outgoing: string[]) {
  return {
    description,
    check: (v: StepView) => {
      const leader = v.leader();
      const c = leader === null ? undefined : v.group(leader)?.confState;
      if (c === undefined) return 'no leader';
      const ok =
        sameSet(c.voters, ids(v, ...voters)) && sameSet(c.votersOutgoing, ids(v, ...outgoing));
      return ok ? null : confOf(v);
    },
  };
}

export const jointConsensus: Scenario = {
  id: 'joint-consensus',
  title: 'A joint membership change',
  summary:
    'One server of three is replaced by a new one in a single change, through a joint ' +
    'configuration: while it lasts, every decision needs a majority of the old voters and a ' +
    'majority of the new ones, so no moment exists where two majorities could disagree.',
  audience: ['student', 'engineer'],
  category: 'membership',
  cluster: { size: 3, seed: 11 },
  cast: {
    newcomer: 'the new server',
    retiring: 'the retiring follower',
    stays: 'the remaining follower',
  },
  steps: [
    electLeader(),
    {
      title: 'A new node joins as a learner',
      narration:
        'A fourth server (node {newcomer}) starts and is added as a learner. It receives the ' +
        'log like a follower, but it does not vote and does not count towards any majority.',
      act: (ctx) => ctx.addNode('add', { learner: true }),
      until: {
        description: 'the learner is added and has the whole log',
        test: all(settled('add'), caughtUp),
        withinMs: 3_000,
      },
      after: (ctx, view) => {
        const id = view.op('add')?.result;
        if (typeof id === 'number') ctx.name('newcomer', id);
      },
      expect: {
        ops: { add: 'ok' },
        caughtUp: true,
        healthy: true,
        checks: [
          {
            description: 'Node {newcomer} is a learner in the leader’s configuration',
            check: (v) => {
              const leader = v.leader();
              const c = leader === null ? undefined : v.group(leader)?.confState;
              return c?.learners.includes(v.node('newcomer')) ? null : confOf(v);
            },
          },
        ],
      },
    },
    {
      title: 'Into the joint configuration',
      narration:
        'The leader proposes one change: make node {newcomer} a voter and remove node ' +
        '{retiring}. Once it applies, the old voters and the new voters must each agree, by ' +
        'their own majority, on everything.',
      act: (ctx) => {
        const retiring = ctx.followers().find((n) => n !== ctx.node('newcomer'));
        if (retiring === undefined) throw new Error('need a follower to retire');
        ctx.name('retiring', retiring);
        const stays = ctx.followers().find((n) => n !== retiring && n !== ctx.node('newcomer'));
        if (stays === undefined) throw new Error('need a follower that stays');
        ctx.name('stays', stays);
        ctx.changeConf(
          'enter',
          [
            ScenarioContext.addVoter(ctx.node('newcomer')),
            ScenarioContext.removeNode(ctx.node('retiring')),
          ],
          'ConfChangeTransitionJointExplicit',
        );
      },
      until: {
        description: 'the leader is in the joint configuration',
        test: settled('enter'),
        withinMs: 2_000,
      },
      expect: {
        ops: { enter: 'ok' },
        leader: 'leader',
        checks: [
          confIs(
            'New voters {leader}, {stays}, {newcomer}; old voters {leader}, {stays}, {retiring}',
            ['leader', 'stays', 'newcomer'],
            ['leader', 'stays', 'retiring'],
          ),
        ],
      },
    },
    {
      title: 'The old majority alone is not enough',
      narration:
        'Appends to nodes {stays} and {newcomer} are held. The leader and node {retiring} are a ' +
        'majority of the old voters, but only one of the new ones, so the next write waits.',
      act: (ctx) => {
        ctx.hold('leader', 'stays', ['MsgApp']);
        ctx.hold('leader', 'newcomer', ['MsgApp']);
        ctx.write('during', 'k', 'joint');
      },
      until: { description: 'two seconds pass', withinMs: 2_000 },
      expect: {
        ops: { during: 'pending' },
        findings: ['QuorumShort', 'LinkHeld', 'PendingConfChange'],
      },
    },
    {
      title: 'Both majorities agree',
      narration:
        'The held appends are delivered. Now both the old and the new voters have a majority ' +
        'holding the entry, and it commits.',
      act: (ctx) => {
        ctx.clearLinks();
        ctx.releaseHeld();
      },
      until: {
        description: 'the write is answered and on every node',
        test: all(settled('during'), caughtUp),
        withinMs: 2_000,
      },
      expect: { ops: { during: 'ok' }, caughtUp: true },
    },
    {
      title: 'Leaving the joint configuration',
      narration:
        'The leader proposes an empty change, which means: leave the joint configuration. Once ' +
        'it applies, only the new voters count, and node {retiring} is no longer a member.',
      act: (ctx) => ctx.changeConf('leave', [], 'ConfChangeTransitionAuto'),
      until: {
        description: 'the leader has left the joint configuration',
        test: settled('leave'),
        withinMs: 2_000,
      },
      expect: {
        ops: { leave: 'ok' },
        checks: [
          confIs(
            'Voters {leader}, {stays}, {newcomer}, no outgoing voters',
            ['leader', 'stays', 'newcomer'],
            [],
          ),
        ],
      },
    },
    {
      title: 'The retired node shuts down',
      narration:
        'Node {retiring} can be switched off now. The cluster of three carries on without it.',
      act: async (ctx) => {
        await ctx.crash('retiring');
        ctx.write('after', 'k', 'new');
      },
      until: {
        description: 'the write is answered and on every member',
        test: all(settled('after'), caughtUp),
        withinMs: 2_000,
      },
      expect: { ops: { after: 'ok' }, leader: 'leader', caughtUp: true, healthy: true },
    },
  ],
};

export const snapshotCatchUp: Scenario = {
  id: 'snapshot-catch-up',
  title: 'Catching up by snapshot',
  summary:
    'A follower is down while the leader writes on and then compacts its log. The entries the ' +
    'follower needs no longer exist, so the leader sends a snapshot of its state instead.',
  audience: ['student', 'engineer'],
  category: 'membership',
  cluster: { size: 3, seed: 12 },
  cast: { laggard: 'the lagging follower' },
  steps: [
    electLeader(),
    {
      title: 'A follower goes down',
      narration:
        'Node {laggard} crashes. The other two are still a majority of three, and five writes ' +
        'commit without it.',
      act: async (ctx) => {
        const laggard = ctx.followers()[0];
        if (laggard === undefined) throw new Error('need a follower');
        ctx.name('laggard', laggard);
        await ctx.crash('laggard');
        for (let i = 1; i <= 5; i++) ctx.write(`w${i}`, `k${i}`, `v${i}`);
      },
      until: {
        description: 'the writes are answered',
        test: settled('w1', 'w2', 'w3', 'w4', 'w5'),
        withinMs: 2_000,
      },
      expect: {
        ops: { w1: 'ok', w2: 'ok', w3: 'ok', w4: 'ok', w5: 'ok' },
        findings: ['NodeDown'],
      },
    },
    {
      title: 'The leader compacts its log',
      narration:
        'To save space, the leader snapshots its key-value store and discards the log up to ' +
        'that point. The entries node {laggard} is missing are gone from the leader’s log.',
      act: async (ctx) => {
        await ctx.compact('leader');
      },
      until: { description: 'a moment passes', withinMs: 100 },
      expect: {
        checks: [
          {
            description: 'The leader’s log starts after the last entry node {laggard} has',
            check: (v) => {
              const first = v.group('leader')?.log.firstIndex ?? 0;
              const has = v.group('laggard')?.log.lastIndex ?? 0;
              return first > has + 1 ? null : `it starts at ${first}, the node has ${has}`;
            },
          },
        ],
      },
    },
    {
      title: 'A snapshot instead of entries',
      narration:
        'Node {laggard} restarts, far behind. The leader cannot send entries it no longer has, ' +
        'so it sends a snapshot of its whole state in a MsgSnap.',
      act: (ctx) => ctx.restart('laggard'),
      until: {
        description: 'the snapshot reaches node {laggard}',
        test: delivered('MsgSnap', { to: 'laggard' }),
        withinMs: 3_000,
        everyMs: 5,
      },
      expect: { leader: 'leader' },
    },
    {
      title: 'Back in step',
      narration:
        'Node {laggard} installs the snapshot, reports where it is now, and from there on ' +
        'receives ordinary appends like any follower.',
      until: { description: 'node {laggard} has caught up', test: caughtUp, withinMs: 2_000 },
      expect: {
        caughtUp: true,
        healthy: true,
        checks: [
          {
            description: 'Node {laggard} holds the snapshot and the keys written while it was down',
            check: (v) => {
              const log = v.group('laggard')?.log;
              if (log === undefined || log.snapshotIndex === 0) return 'it has no snapshot';
              return (v.nodeView('laggard')?.kvSize ?? 0) >= 5 ? null : 'keys are missing';
            },
          },
        ],
      },
    },
  ],
};

export const leaderTransfer: Scenario = {
  id: 'leader-transfer',
  title: 'Leadership transfer',
  summary:
    'The leader hands leadership to a chosen follower, as an operator does before restarting ' +
    'a server. If the follower is behind, the leader first catches it up; then it tells it to ' +
    'start an election at once, and the follower wins without waiting for a timeout.',
  audience: ['teacher', 'student', 'engineer'],
  category: 'membership',
  cluster: { size: 5, seed: 13 },
  cast: { target: 'the chosen follower' },
  steps: [
    electLeader(),
    {
      title: 'A follower falls behind',
      narration:
        'Appends to node {target} are held for a moment, and a write commits without it. Node ' +
        '{target} is now one entry behind.',
      act: (ctx) => {
        const target = ctx.followers()[0];
        if (target === undefined) throw new Error('need a follower');
        ctx.name('target', target);
        ctx.hold('leader', 'target', ['MsgApp']);
        ctx.write('before', 'k', '1');
      },
      until: { description: 'the write is answered', test: settled('before'), withinMs: 2_000 },
      expect: {
        ops: { before: 'ok' },
        checks: [
          {
            description: 'Node {target} lacks the new entry',
            check: (v) => {
              const lt = v.group('target')?.log.lastIndex ?? 0;
              const ll = v.group('leader')?.log.lastIndex ?? 0;
              return lt < ll ? null : `it has ${lt} of ${ll}`;
            },
          },
        ],
      },
    },
    {
      title: 'The leader hands over',
      narration:
        'The leader (node {leader}) is asked to hand over to node {target}: it sends the missing ' +
        'entry, then a MsgTimeoutNow, "start an election now". Node {target} campaigns at once, ' +
        'in term 2, and wins.',
      act: (ctx) => {
        ctx.transfer('handover', 'target');
        ctx.clearLinks();
        ctx.releaseHeld();
      },
      until: {
        description: 'node {target} leads and everyone follows it',
        test: all(settled('handover'), stableLeader, caughtUp),
        withinMs: 3_000,
      },
      expect: {
        ops: { handover: 'ok' },
        leader: 'target',
        caughtUp: true,
        checks: [
          {
            description: 'MsgTimeoutNow left only after node {target} acknowledged the entry',
            check: (v) => {
              const index = (v.op('before')?.result as { index?: number } | null)?.index ?? 0;
              const target = v.node('target');
              const acked = v.stepEvents.find(
                (e) =>
                  e.kind === 'net' &&
                  e.name === 'Deliver' &&
                  e.msg.type === 'MsgAppResp' &&
                  e.msg.from === target &&
                  !e.msg.reject &&
                  e.msg.index >= index,
              );
              const timeout = v.stepEvents.find(
                (e) => e.kind === 'net' && e.name === 'Send' && e.msg.type === 'MsgTimeoutNow',
              );
              if (acked === undefined || timeout === undefined) return 'one of them is missing';
              return acked.seq < timeout.seq ? null : 'MsgTimeoutNow went first';
            },
          },
          {
            description: 'Node {target} received MsgTimeoutNow and leads term 2',
            check: (v) => {
              if (!delivered('MsgTimeoutNow', { to: 'target' })(v)) return 'no MsgTimeoutNow';
              return v.group('target')?.term === 2 ? null : `term ${v.group('target')?.term}`;
            },
          },
        ],
      },
    },
    {
      title: 'Writes go on',
      narration:
        'Clients now write through node {target}. The old leader (node {leader}) is an ordinary ' +
        'follower and can be restarted without an election timeout anywhere.',
      act: (ctx) => ctx.write('after', 'k', '2'),
      until: {
        description: 'the write is answered and on every node',
        test: all(settled('after'), caughtUp),
        withinMs: 2_000,
      },
      expect: {
        ops: { after: 'ok' },
        leader: 'target',
        roles: { leader: 'StateFollower' },
        caughtUp: true,
        healthy: true,
      },
    },
  ],
};
