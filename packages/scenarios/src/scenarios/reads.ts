/**
 * Linearizable reads through ReadIndex: why a leader confirms it still leads before it
 * answers, and what that saves a client from when the leader has been cut off.
 */

import { all, caughtUp, delivered, settled } from '../conditions.ts';
import type { Scenario } from '../model.ts';
import { ELECTION_WITHIN_MS, electLeader } from '../steps.ts';
import type { StepView } from '../view.ts';

/** The value a read op returned, or a phrase saying why there is none. */
function readValue(v: StepView, label: string): string {
  const op = v.op(label);
  if (op === undefined) return 'no such read';
  if (op.status !== 'ok') return `the read is ${op.status}`;
  const value = (op.result as { value?: unknown } | null)?.value;
  return `value ${JSON.stringify(value)}`;
}

function readReturns(label: string, value: string) {
  return {
    description: `The read '${label}' returned ${value}`,
    check: (v: StepView) => {
      const seen = readValue(v, label);
      return seen === `value ${JSON.stringify(value)}` ? null : seen;
    },
  };
}

function otherLeader(v: StepView, ref: string): number | null {
  const leader = v.leader();
  return leader !== null && leader !== v.node(ref) ? leader : null;
}

export const readIndex: Scenario = {
  id: 'read-index',
  title: 'Linearizable reads with ReadIndex',
  summary:
    'A read must never return a value older than a write that already succeeded. Before it ' +
    'answers, the leader notes its commit index and confirms with a round of heartbeats that ' +
    'it is still the leader; a leader that has been cut off cannot confirm, so it never ' +
    'answers with stale data.',
  audience: ['student', 'engineer'],
  category: 'basics',
  cluster: { size: 5, seed: 14, requestTimeoutMs: 3_000 },
  cast: { old: 'the old leader', reader: 'a follower', new: 'the new leader' },
  steps: [
    electLeader({ name: 'old' }),
    {
      title: 'A write commits',
      narration: 'A client stores x=1 through the leader (node {old}).',
      act: (ctx) => ctx.write('w1', 'x', '1'),
      until: {
        description: 'the write is answered and on every node',
        test: all(settled('w1'), caughtUp),
        withinMs: 2_000,
      },
      expect: { ops: { w1: 'ok' }, caughtUp: true },
    },
    {
      title: 'A read through the leader',
      narration:
        'A client reads x from the leader. The leader notes its commit index, sends a round of ' +
        'heartbeats, and once a majority answers, it knows it still leads: it answers x=1.',
      act: (ctx) => ctx.read('r1', 'x'),
      until: {
        description: 'the read is answered',
        test: settled('r1'),
        withinMs: 1_000,
        everyMs: 1,
      },
      expect: {
        ops: { r1: 'ok' },
        checks: [
          readReturns('r1', '1'),
          {
            description: 'Heartbeat answers reached the leader before the read was answered',
            check: (v) => (delivered('MsgHeartbeatResp', { to: 'old' })(v) ? null : 'none did'),
          },
        ],
      },
    },
    {
      title: 'A read through a follower',
      narration:
        'This time the client asks a follower (node {reader}). It gets a read index from the ' +
        'leader (MsgReadIndex), waits until it has applied that far, and answers from its copy.',
      act: (ctx) => {
        const reader = ctx.followers()[0];
        if (reader === undefined) throw new Error('need a follower');
        ctx.name('reader', reader);
        ctx.read('r2', 'x', { via: 'reader' });
      },
      until: {
        description: 'the read is answered',
        test: settled('r2'),
        withinMs: 1_000,
        everyMs: 1,
      },
      expect: {
        ops: { r2: 'ok' },
        checks: [
          readReturns('r2', '1'),
          {
            description: 'Node {reader} asked the leader with MsgReadIndex and got an answer',
            check: (v) =>
              delivered('MsgReadIndex', { from: 'reader', to: 'old' })(v) &&
              delivered('MsgReadIndexResp', { from: 'old', to: 'reader' })(v)
                ? null
                : 'no round trip',
          },
        ],
      },
    },
    {
      title: 'The leader is cut off',
      narration:
        'A partition isolates the leader (node {old}) as a client asks it for x, and the others ' +
        'elect a new leader (node {new}). Node {old} still thinks it leads, yet it does not ' +
        'answer: its heartbeats reach nobody, so it cannot confirm.',
      act: (ctx) => {
        ctx.isolate('old');
        ctx.read('stale', 'x', { via: 'old' });
      },
      until: {
        description: 'another node leads',
        test: (v) => otherLeader(v, 'old') !== null,
        withinMs: ELECTION_WITHIN_MS,
      },
      after: (ctx, view) => {
        const leader = otherLeader(view, 'old');
        if (leader !== null) ctx.name('new', leader);
      },
      expect: { leader: 'new', roles: { old: 'StateLeader' }, ops: { stale: 'pending' } },
    },
    {
      title: 'The majority writes x=2',
      narration:
        'The new leader commits x=2. Had node {old} answered the read from its own state, the ' +
        'client would now hold x=1, a value already overwritten: a stale read.',
      act: (ctx) => ctx.write('w2', 'x', '2'),
      until: { description: 'the write is answered', test: settled('w2'), withinMs: 2_000 },
      expect: {
        ops: { w2: 'ok' },
        checks: [
          {
            description: 'The read through node {old} has not returned x=1',
            check: (v) => (v.op('stale')?.status === 'ok' ? readValue(v, 'stale') : null),
          },
        ],
      },
    },
    {
      title: 'The read fails rather than lie',
      narration:
        'The network heals and node {old} follows the new leader; its read, never confirmed, ' +
        'ends in an error. A read through the new leader returns x=2.',
      act: (ctx) => {
        ctx.heal();
        ctx.read('fresh', 'x', { via: 'new' });
      },
      until: {
        description: 'both reads are answered and every node has caught up',
        test: all(settled('stale', 'fresh'), caughtUp),
        withinMs: 4_000,
      },
      expect: {
        ops: { stale: 'failed', fresh: 'ok' },
        caughtUp: true,
        checks: [readReturns('fresh', '2')],
      },
    },
  ],
};
