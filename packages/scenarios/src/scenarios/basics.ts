/**
 * The basics: how a leader is elected, and how an entry is replicated and committed.
 */

import { all, caughtUp, settled, stableLeader, stateEvent } from '../conditions.ts';
import type { Scenario } from '../model.ts';
import { electLeader, firstNode, maxTerm } from '../steps.ts';

const FIVE_FOLLOWERS = {
  1: 'StateFollower',
  2: 'StateFollower',
  3: 'StateFollower',
  4: 'StateFollower',
  5: 'StateFollower',
} as const;

export const leaderElection: Scenario = {
  id: 'leader-election',
  title: 'Leader election',
  summary:
    'Five servers start without a leader. Watch one election timeout fire, the pre-vote, the ' +
    'vote, and the heartbeats that keep everyone else from campaigning.',
  audience: ['teacher', 'student'],
  category: 'basics',
  cluster: { size: 5, seed: 1 },
  steps: [
    {
      title: 'Everyone starts as a follower',
      narration:
        'Five servers start up as followers in term 0. None has heard from a leader, so each ' +
        'counts down its own randomized election timeout.',
      until: { description: 'half a second passes', withinMs: 500 },
      expect: { leader: null, roles: { ...FIVE_FOLLOWERS }, commitEquals: 0 },
    },
    {
      title: 'A timeout fires',
      narration:
        'The node whose timer runs out first (node {first}) becomes a pre-candidate: it asks ' +
        'the others whether they would vote for it, without raising its term yet.',
      until: {
        description: 'a node becomes a pre-candidate',
        test: stateEvent('BecomePreCandidate'),
        withinMs: 3_000,
        everyMs: 1,
      },
      after: (ctx, view) => {
        const node = firstNode(view, (e) => e.kind === 'state' && e.name === 'BecomePreCandidate');
        if (node !== null) ctx.name('first', node);
      },
      expect: { leader: null, roles: { first: 'StatePreCandidate' } },
    },
    {
      title: 'The pre-vote succeeds',
      narration:
        "The others say yes: none of them has a leader, and the candidate's log is as up to " +
        'date as theirs. Now it becomes a real candidate, raises its term to 1 and votes for ' +
        'itself.',
      until: {
        description: 'the pre-candidate becomes a candidate',
        test: stateEvent('BecomeCandidate', 'first'),
        withinMs: 1_000,
        everyMs: 1,
      },
      expect: {
        leader: null,
        roles: { first: 'StateCandidate' },
        checks: [
          {
            description: 'The candidate is in term 1',
            check: (v) => (v.group('first')?.term === 1 ? null : `term ${v.group('first')?.term}`),
          },
        ],
      },
    },
    {
      title: 'The votes come in',
      narration:
        'Each node grants one vote per term, to the first candidate that asks and whose log is ' +
        'at least as up to date. With 3 votes of 5, a majority, the candidate becomes leader.',
      until: {
        description: 'the candidate becomes leader',
        test: stateEvent('BecomeLeader', 'first'),
        withinMs: 1_000,
        everyMs: 1,
      },
      expect: { leader: 'first' },
    },
    {
      title: 'The leader takes charge',
      narration:
        'The new leader appends an empty entry of its own term and sends it to everyone. The ' +
        'followers accept it, reset their timers, and the entry commits at index 1.',
      until: {
        description: 'every node follows the leader and has committed index 1',
        test: all(stableLeader, caughtUp),
        withinMs: 2_000,
      },
      expect: { leader: 'first', caughtUp: true, commitEquals: 1, healthy: true },
    },
    {
      title: 'Heartbeats keep the peace',
      narration:
        'Every tick the leader sends a heartbeat. A follower that hears one resets its timer, so ' +
        'no new election starts as long as the leader is alive and reachable.',
      until: { description: 'three seconds pass', withinMs: 3_000 },
      expect: {
        leader: 'first',
        healthy: true,
        checks: [
          {
            description: 'Nobody campaigned, and the term is still 1',
            check: (v) => {
              const campaign = v.stepEvents.find(
                (e) =>
                  e.kind === 'state' &&
                  (e.name === 'BecomePreCandidate' || e.name === 'BecomeCandidate'),
              );
              if (campaign !== undefined) return `node ${campaign.node} campaigned`;
              return maxTerm(v) === 1 ? null : `the term is ${maxTerm(v)}`;
            },
          },
        ],
      },
    },
  ],
};

export const logReplication: Scenario = {
  id: 'log-replication',
  title: 'Log replication',
  summary:
    'A client writes through the leader. Watch the entry travel in MsgApp, the followers ' +
    'acknowledge it, the commit index advance once a majority has it, and what happens when ' +
    'too few followers can be reached.',
  audience: ['teacher', 'student'],
  category: 'basics',
  cluster: { size: 5, seed: 2 },
  steps: [
    electLeader(),
    {
      title: 'A client writes',
      narration:
        'A client asks the leader (node {leader}) to store color=blue. The leader appends the ' +
        'entry to its log at index 2 and sends it to every follower in a MsgApp.',
      act: (ctx) => ctx.write('blue', 'color', 'blue'),
      until: {
        description: 'every follower has appended index 2',
        test: (v) => v.runningVoters().every((m) => m.view.log.lastIndex >= 2),
        withinMs: 1_000,
        everyMs: 1,
      },
      expect: {
        ops: { blue: 'pending' },
        checks: [
          {
            description: 'The entry is not committed yet',
            check: (v) => {
              const c = v.group('leader')?.commit ?? 0;
              return c < 2 ? null : `the leader's commit index is ${c}`;
            },
          },
        ],
      },
    },
    {
      title: 'A majority acknowledges',
      narration:
        'Each follower writes the entry to disk, then answers with a MsgAppResp. Once 3 of 5 ' +
        'nodes have it, the leader commits index 2, applies it, and answers the client.',
      until: {
        description: 'the write is answered',
        test: settled('blue'),
        withinMs: 2_000,
        everyMs: 1,
      },
      expect: { ops: { blue: 'ok' }, commitAtLeast: 2 },
    },
    {
      title: 'Followers learn the commit',
      narration:
        'The followers learn the new commit index from the next message the leader sends, and ' +
        'apply the entry to their own copy of the key-value store.',
      until: { description: 'every node has applied index 2', test: caughtUp, withinMs: 2_000 },
      expect: { caughtUp: true, commitEquals: 2, healthy: true },
    },
    {
      title: 'A majority is enough',
      narration:
        'Appends to two followers (nodes {slow1} and {slow2}) are now held on the wire. The next ' +
        'write still commits: the leader and the other two followers are 3 of 5.',
      act: (ctx) => {
        const [, , slow1, slow2] = ctx.followers();
        if (slow1 === undefined || slow2 === undefined) throw new Error('need four followers');
        ctx.name('slow1', slow1);
        ctx.name('slow2', slow2);
        ctx.hold('leader', 'slow1', ['MsgApp']);
        ctx.hold('leader', 'slow2', ['MsgApp']);
        ctx.write('green', 'color', 'green');
      },
      until: { description: 'the write is answered', test: settled('green'), withinMs: 2_000 },
      expect: {
        ops: { green: 'ok' },
        commitAtLeast: 3,
        findings: ['LinkHeld'],
        checks: [
          {
            description: 'The two cut-off followers do not have index 3',
            check: (v) => {
              const behind = ['slow1', 'slow2'].filter((n) => (v.group(n)?.log.lastIndex ?? 0) < 3);
              return behind.length === 2 ? null : 'a held follower has the entry';
            },
          },
        ],
      },
    },
    {
      title: 'Without a majority, nothing commits',
      narration:
        'Now appends to a third follower (node {slow3}) are held too. The leader has only 2 ' +
        'copies of the next write out of the 3 it needs, so it can neither commit nor answer.',
      act: (ctx) => {
        const slow3 = ctx
          .followers()
          .find((id) => id !== ctx.node('slow1') && id !== ctx.node('slow2'));
        if (slow3 === undefined) throw new Error('need a third follower');
        ctx.name('slow3', slow3);
        ctx.hold('leader', 'slow3', ['MsgApp']);
        ctx.write('red', 'color', 'red');
      },
      until: { description: 'two seconds pass', withinMs: 2_000 },
      expect: {
        ops: { red: 'pending' },
        leader: 'leader',
        findings: ['QuorumShort', 'LinkHeld'],
        checks: [
          {
            description: 'The leader has not committed index 4',
            check: (v) => {
              const c = v.group('leader')?.commit ?? 0;
              return c < 4 ? null : `commit index ${c}`;
            },
          },
        ],
      },
    },
    {
      title: 'The messages are released',
      narration:
        'The held messages are delivered and the links are clear again. The three followers ' +
        'catch up, the write commits, and every node applies color=red.',
      act: (ctx) => {
        ctx.clearLinks();
        ctx.releaseHeld();
      },
      until: {
        description: 'the write is answered and every node has it',
        test: all(settled('red'), caughtUp),
        withinMs: 3_000,
      },
      expect: { ops: { red: 'ok' }, caughtUp: true, healthy: true },
    },
  ],
};
