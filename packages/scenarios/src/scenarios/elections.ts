/**
 * Elections beyond the first: a split vote, and the refinements of etcd raft: PreVote, which
 * keeps a node that was cut off from disrupting the cluster when it returns, and CheckQuorum,
 * which makes a leader that cannot reach a majority step down.
 */

import { all, caughtUp, hasRole, settled, stableLeader } from '../conditions.ts';
import type { Scenario, ScenarioStep } from '../model.ts';
import { ELECTION_WITHIN_MS, electLeader, maxTerm, retryWrite } from '../steps.ts';
import type { StepView } from '../view.ts';

/** The highest term node `ref` reached before this step. */
function termBeforeStep(v: StepView, ref: string): number {
  const id = v.node(ref);
  let t = 0;
  for (const e of v.events) {
    if (e.seq >= v.stepFromSeq) break;
    if (e.kind === 'state' && e.node === id && e.term > t) t = e.term;
  }
  return t;
}

/** Vote responses of term 1 node `to` has received in the run, granted or refused. */
function grants(v: StepView, to: number, reject: boolean): number {
  return v.events.filter(
    (e) =>
      e.kind === 'state' &&
      e.name === 'ReceiveRequestVoteResponse' &&
      e.node === to &&
      e.msg?.reject === reject &&
      e.msg.term === 1,
  ).length;
}

/** Whether `ref` stopped leading during this step. */
function steppedDown(v: StepView, ref: string): boolean {
  const id = v.node(ref);
  return v.stepEvents.some(
    (e) => e.kind === 'state' && e.name === 'BecomeFollower' && e.node === id,
  );
}

function cutOffFollower(): ScenarioStep {
  return {
    title: 'A follower is cut off',
    narration:
      'A partition cuts node {loner} off from everyone. The other four still form a majority, ' +
      'so the next write commits without it.',
    act: (ctx) => {
      const followers = ctx.followers();
      const loner = followers[followers.length - 1];
      if (loner === undefined) throw new Error('need a follower');
      ctx.name('loner', loner);
      ctx.isolate('loner');
      ctx.write('w1', 'k', '1');
    },
    until: { description: 'the write is answered', test: settled('w1'), withinMs: 2_000 },
    expect: { ops: { w1: 'ok' }, leader: 'leader', findings: ['Partitioned'] },
  };
}

export const rejoinWithoutPreVote: Scenario = {
  id: 'rejoin-without-prevote',
  title: 'A disruptive rejoin, without PreVote',
  summary:
    'Without PreVote, a follower cut off from the cluster keeps starting elections, raising ' +
    'its term each time. When it returns, its high term forces the healthy leader to step ' +
    'down, and the cluster has to hold an election it did not need.',
  audience: ['teacher', 'student', 'engineer'],
  category: 'elections',
  cluster: { size: 5, seed: 9, core: { preVote: false } },
  cast: { loner: 'the lone follower', next: 'another node' },
  steps: [
    electLeader(),
    cutOffFollower(),
    {
      title: 'Its term climbs',
      narration:
        'Node {loner} hears no heartbeats, so it times out and campaigns in a new term. Nobody ' +
        'answers; it times out again, and again, and its term rises every time.',
      until: { description: 'four seconds pass', withinMs: 4_000 },
      expect: {
        leader: 'leader',
        checks: [
          {
            description: 'Node {loner} is two or more terms ahead of the leader',
            check: (v) => {
              const lt = v.group('loner')?.term ?? 0;
              const t = v.group('leader')?.term ?? 0;
              return lt >= t + 2 ? null : `its term is ${lt}, the leader's ${t}`;
            },
          },
        ],
      },
    },
    {
      title: 'It comes back and disrupts',
      narration:
        'The partition heals, and node {loner} answers the leader with its higher term: a leader ' +
        'that sees a higher term must step down. Node {loner} cannot win, its log is behind, ' +
        'but the cluster needs a new election all the same (node {next} wins it).',
      act: (ctx) => ctx.heal(),
      until: {
        description: 'a leader is elected again and every node has caught up',
        test: all(stableLeader, caughtUp),
        withinMs: ELECTION_WITHIN_MS,
      },
      after: (ctx, view) => {
        const leader = view.stableLeader();
        if (leader !== null) ctx.name('next', leader);
      },
      expect: {
        notLeader: 'loner',
        caughtUp: true,
        healthy: true,
        checks: [
          {
            description: 'Node {leader} stepped down',
            check: (v) => (steppedDown(v, 'leader') ? null : 'it kept leading'),
          },
          {
            description: 'The term rose past the one node {loner} had reached',
            check: (v) => {
              const before = termBeforeStep(v, 'loner');
              return maxTerm(v) > before ? null : `term ${maxTerm(v)}, node had ${before}`;
            },
          },
        ],
      },
    },
  ],
};

export const rejoinWithPreVote: Scenario = {
  id: 'rejoin-with-prevote',
  title: 'A quiet rejoin, with PreVote',
  summary:
    'The same cut-off follower, with PreVote on: before raising its term it asks whether it ' +
    'could win, and nobody says yes. Its term never moves, and when it returns it simply ' +
    'follows the leader again.',
  audience: ['teacher', 'student', 'engineer'],
  category: 'elections',
  cluster: { size: 5, seed: 9, core: { preVote: true } },
  cast: { loner: 'the lone follower' },
  steps: [
    electLeader(),
    cutOffFollower(),
    {
      title: 'It asks first',
      narration:
        'Node {loner} times out and becomes a pre-candidate: it asks for pre-votes without ' +
        'raising its term. Nobody can answer, so it never becomes a candidate and its term ' +
        'stays where it was.',
      until: { description: 'four seconds pass', withinMs: 4_000 },
      expect: {
        leader: 'leader',
        checks: [
          {
            description: 'Node {loner} is still in the leader’s term',
            check: (v) => {
              const lt = v.group('loner')?.term;
              const t = v.group('leader')?.term;
              return lt === t ? null : `its term is ${lt}, the leader's ${t}`;
            },
          },
          {
            description: 'Node {loner} campaigned as a pre-candidate only',
            check: (v) => {
              const id = v.node('loner');
              const pre = v.stepEvents.some(
                (e) => e.kind === 'state' && e.node === id && e.name === 'BecomePreCandidate',
              );
              const real = v.stepEvents.some(
                (e) => e.kind === 'state' && e.node === id && e.name === 'BecomeCandidate',
              );
              return pre && !real ? null : `pre-candidate: ${pre}, candidate: ${real}`;
            },
          },
        ],
      },
    },
    {
      title: 'It comes back quietly',
      narration:
        'The partition heals, and the next heartbeat brings node {loner} back as a follower that ' +
        'catches up. Same leader, same term: nobody noticed.',
      act: (ctx) => ctx.heal(),
      until: { description: 'every node has caught up', test: caughtUp, withinMs: 3_000 },
      expect: {
        leader: 'leader',
        caughtUp: true,
        healthy: true,
        checks: [
          {
            description: 'Node {leader} never stepped down and the term did not change',
            check: (v) => {
              if (steppedDown(v, 'leader')) return 'it stepped down';
              const before = termBeforeStep(v, 'leader');
              return maxTerm(v) === before ? null : `term ${maxTerm(v)}, was ${before}`;
            },
          },
        ],
      },
    },
  ],
};

/** The leader, if one leads and it is not `ref`. */
function otherLeader(v: StepView, ref: string): number | null {
  const leader = v.leader();
  return leader !== null && leader !== v.node(ref) ? leader : null;
}

export const checkQuorum: Scenario = {
  id: 'check-quorum',
  title: 'CheckQuorum steps a cut-off leader down',
  summary:
    'The leader is cut off from everyone. With CheckQuorum it notices that it has not heard ' +
    'from a majority for an election timeout and steps down by itself, so clients stop ' +
    'sending it writes that could never commit.',
  audience: ['teacher', 'student', 'engineer'],
  category: 'elections',
  cluster: { size: 5, seed: 10, core: { checkQuorum: true } },
  cast: { old: 'the old leader', new: 'the new leader' },
  steps: [
    electLeader({ name: 'old' }),
    {
      title: 'The leader is cut off',
      narration:
        'A partition isolates the leader (node {old}), and a client sends it a write. It ' +
        'appends the entry, but no follower can acknowledge it.',
      act: (ctx) => {
        ctx.isolate('old');
        ctx.write('stranded', 'k', 'old', { via: 'old' });
      },
      until: { description: 'half a second passes', withinMs: 500 },
      expect: { roles: { old: 'StateLeader' }, ops: { stranded: 'pending' } },
    },
    {
      title: 'The majority elects a leader',
      narration:
        'The four others stopped hearing heartbeats too, and one of them wins term 2 (node ' +
        '{new}). For now, node {old} still believes it leads term 1.',
      until: {
        description: 'a node of the majority leads',
        test: (v) => otherLeader(v, 'old') !== null,
        withinMs: ELECTION_WITHIN_MS,
      },
      after: (ctx, view) => {
        const leader = otherLeader(view, 'old');
        if (leader !== null) ctx.name('new', leader);
      },
      expect: {
        leader: 'new',
        roles: { old: 'StateLeader' },
        ops: { stranded: 'pending' },
        findings: ['Partitioned'],
      },
    },
    {
      title: 'The leader checks its quorum',
      narration:
        'Every election timeout, a leader with CheckQuorum asks: have I heard from a majority ' +
        'since the last check? Node {old} has heard from nobody, so it steps down to follower ' +
        'and stops taking writes.',
      until: {
        description: 'node {old} steps down',
        test: hasRole('old', 'StateFollower'),
        withinMs: 3_000,
      },
      expect: {
        roles: { old: 'StateFollower' },
        ops: { stranded: 'pending' },
        findings: ['Partitioned'],
        absent: ['StaleLeader'],
        checks: [
          {
            description: 'Node {old} stepped down in the term it led',
            check: (v) => (v.group('old')?.term === 1 ? null : `term ${v.group('old')?.term}`),
          },
        ],
      },
    },
    {
      title: 'The network heals',
      narration:
        'Node {old} follows the new leader. Its stranded entry was never committed, so the new ' +
        'log replaces it and its client is told the write failed.',
      act: (ctx) => ctx.heal(),
      until: {
        description: 'every node has caught up and the stranded write has an answer',
        test: all(caughtUp, settled('stranded')),
        withinMs: 4_000,
      },
      expect: { leader: 'new', caughtUp: true, ops: { stranded: 'failed' } },
    },
    retryWrite('retry', 'k', 'new'),
  ],
};

export const staleLeader: Scenario = {
  id: 'stale-leader',
  title: 'A stale leader, without CheckQuorum',
  summary:
    'The same cut-off leader with CheckQuorum off: it never finds out that it lost its ' +
    'majority and keeps acting as leader of an old term, taking writes that can never ' +
    'commit, while the rest of the cluster has moved on.',
  audience: ['student', 'engineer'],
  category: 'elections',
  cluster: { size: 5, seed: 10, core: { checkQuorum: false } },
  cast: { old: 'the old leader', new: 'a new leader' },
  steps: [
    electLeader({ name: 'old' }),
    {
      title: 'The leader is cut off',
      narration:
        'A partition isolates the leader (node {old}), and the four others elect node {new}. ' +
        'Without CheckQuorum, node {old} does not notice and still acts as leader.',
      act: (ctx) => ctx.isolate('old'),
      until: {
        description: 'a node of the majority leads',
        test: (v) => otherLeader(v, 'old') !== null,
        withinMs: ELECTION_WITHIN_MS,
      },
      after: (ctx, view) => {
        const leader = otherLeader(view, 'old');
        if (leader !== null) ctx.name('new', leader);
      },
      expect: { leader: 'new', roles: { old: 'StateLeader' } },
    },
    {
      title: 'Writes go to the wrong leader',
      narration:
        'A client that still talks to node {old} sends it a write, which it appends and cannot ' +
        'commit. The diagnosis names the stale leader.',
      act: (ctx) => ctx.write('stranded', 'k', 'old', { via: 'old' }),
      until: { description: 'two seconds pass', withinMs: 2_000 },
      expect: {
        leader: 'new',
        roles: { old: 'StateLeader' },
        ops: { stranded: 'pending' },
        findings: ['StaleLeader'],
      },
    },
    {
      title: 'The network heals',
      narration:
        'The first message of the new term that reaches node {old} makes it step down. Its ' +
        'stranded entry is replaced and its client is told the write failed.',
      act: (ctx) => ctx.heal(),
      until: {
        description: 'every node has caught up and the stranded write has an answer',
        test: all(caughtUp, settled('stranded')),
        withinMs: 4_000,
      },
      expect: {
        leader: 'new',
        roles: { old: 'StateFollower' },
        caughtUp: true,
        ops: { stranded: 'failed' },
      },
    },
    retryWrite('retry', 'k', 'new'),
  ],
};

export const splitVote: Scenario = {
  id: 'split-vote',
  title: 'A split vote',
  summary:
    'Two of four nodes campaign at the same moment and each collects two votes, short of the ' +
    'three a majority needs. Nobody wins the term; randomized timeouts make the next try ' +
    'succeed.',
  audience: ['teacher', 'student'],
  category: 'elections',
  cluster: { size: 4, seed: 7, core: { preVote: false } },
  steps: [
    {
      title: 'Two candidates at once',
      narration:
        'Nodes 1 and 2 time out together, vote for themselves and ask for votes in term 1. Node ' +
        '3 hears from node 1 first and node 4 from node 2 first; each votes for the first to ask.',
      act: (ctx) => {
        ctx.setLink(1, 4, { delayMs: 40, types: ['MsgVote'] });
        ctx.setLink(2, 3, { delayMs: 40, types: ['MsgVote'] });
        ctx.campaign(1);
        ctx.campaign(2);
      },
      until: {
        description: 'each candidate has two votes',
        test: (v) => grants(v, 1, false) >= 2 && grants(v, 2, false) >= 2,
        withinMs: 500,
        everyMs: 1,
      },
      expect: { leader: null, roles: { 1: 'StateCandidate', 2: 'StateCandidate' } },
    },
    {
      title: 'Nobody wins term 1',
      narration:
        'Each candidate refuses the other, and the late requests find nodes 3 and 4 already ' +
        'voted. With two refusals out of four, neither candidate can reach three votes, so both ' +
        'become followers again.',
      until: {
        description: 'both candidates have given up',
        test: (v) => v.group(1)?.role === 'StateFollower' && v.group(2)?.role === 'StateFollower',
        withinMs: 500,
      },
      expect: {
        leader: null,
        roles: { 1: 'StateFollower', 2: 'StateFollower' },
        findings: ['SplitVote', 'NoLeader'],
        checks: [
          {
            description: 'Each candidate got two votes and two refusals, and the term is 1',
            check: (v) => {
              const counts = [grants(v, 1, false), grants(v, 1, true), grants(v, 2, false)];
              counts.push(grants(v, 2, true));
              if (!counts.every((n) => n === 2)) return `counts ${counts.join(', ')}`;
              return maxTerm(v) === 1 ? null : `the highest term is ${maxTerm(v)}`;
            },
          },
        ],
      },
    },
    {
      title: 'Randomized timeouts break the tie',
      narration:
        'Each node waits out a new random election timeout. The first to run out starts term 2 ' +
        'alone and wins it (node {leader}).',
      act: (ctx) => ctx.clearLinks(),
      until: {
        description: 'a leader is elected and every node has its log',
        test: caughtUp,
        withinMs: ELECTION_WITHIN_MS,
      },
      after: (ctx, view) => {
        const leader = view.stableLeader();
        if (leader !== null) ctx.name('leader', leader);
      },
      expect: {
        leader: 'any',
        caughtUp: true,
        healthy: true,
        checks: [
          {
            description: 'The leader was elected in a later term',
            check: (v) => (maxTerm(v) >= 2 ? null : `term ${maxTerm(v)}`),
          },
        ],
      },
    },
  ],
};
