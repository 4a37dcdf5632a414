/**
 * Checks of one node's integration with the core, read from its state and its trace: does it
 * have a configuration that includes it, does its Ready loop keep advancing, do the messages it
 * must send after persisting actually leave it. These are the mistakes an engineer makes around
 * `RawNode`, and each one has a symptom visible from outside the node.
 */

import type { GroupView, NetEvent, StateEvent, TraceEvent } from '@raftlens/trace';
import { type Context, controlTarget, type Member } from './context.ts';
import { type Evidence, ev, type Finding, groupField, nodeField, recentEvents } from './finding.ts';

/** Every id a configuration mentions, incoming, outgoing and learners. */
export function confMembers(v: GroupView): Set<number> {
  const c = v.confState;
  return new Set([...c.voters, ...c.votersOutgoing, ...c.learners, ...c.learnersNext]);
}

export function isVoterIn(v: GroupView, id: number): boolean {
  return v.confState.voters.includes(id) || v.confState.votersOutgoing.includes(id);
}

/** Whether the trace shows node `id` being removed from group `g` (so lacking itself is right). */
export function wasRemoved(ctx: Context, id: number, g: number): boolean {
  const token = new RegExp(`(^|\\s)r${id}(\\s|$)`);
  if (ctx.controls().some((e) => e.name === 'NodeRemoved' && controlTarget(e) === id)) return true;
  return ctx
    .memoize(`confChanges/${g}`, () =>
      ctx.events.filter((e) => e.kind === 'state' && e.group === g && e.name === 'ApplyConfChange'),
    )
    .some((e) => e.kind === 'state' && token.test(e.confChange ?? ''));
}

function wasAdded(ctx: Context, id: number): boolean {
  return ctx.controls().some((e) => e.name === 'NodeAdded' && controlTarget(e) === id);
}

/**
 * A node that cannot campaign because its configuration is empty or leaves it out. In raft-rs
 * a node bootstrapped without a `ConfState` (or, in etcd raft, started with `RestartNode` and an
 * empty storage instead of `StartNode` with peers) has no voters at all and never times out.
 */
export function configurationProblem(ctx: Context, m: Member, g: number): Finding | undefined {
  const v = m.view;
  const members = confMembers(v);
  const leader = ctx.leader(g);
  const leaderCounts =
    leader !== undefined && leader.id !== m.id && confMembers(leader.view).has(m.id);
  const evidence: Evidence[] = [
    groupField(m.id, g, 'confState.voters', v.confState.voters),
    groupField(m.id, g, 'promotable', v.promotable),
  ];
  if (members.size === 0) {
    const joining = wasAdded(ctx, m.id) && !leaderCounts;
    return {
      code: 'NoConfiguration',
      severity: joining ? 'info' : 'warning',
      group: g,
      nodes: [m.id],
      evidence,
      summary: joining
        ? `Node ${m.id} has no configuration yet; it gets one when the leader adds it.`
        : `Node ${m.id} was started without a configuration (no voters at all), so it can never ` +
          'start an election.',
      detail:
        'A node learns who the voters are from the ConfState it is bootstrapped with, from a ' +
        'snapshot, or from configuration entries it applies. With none it is not promotable: ' +
        'its election timer never fires a campaign.' +
        (leaderCounts ? ` The leader (node ${leader?.id}) counts it as a member.` : ''),
    };
  }
  if (members.has(m.id) || wasRemoved(ctx, m.id, g)) return undefined;
  if (leader && leader.id !== m.id && !leaderCounts) return undefined;
  return {
    code: 'SelfNotInConfiguration',
    severity: 'warning',
    group: g,
    nodes: [m.id],
    evidence,
    summary:
      `Node ${m.id}'s configuration lists voters ${v.confState.voters.join(', ')} but not ` +
      'itself, so it can never start an election.',
    detail:
      'The peer list the node was bootstrapped with must include the node itself; a node that ' +
      'is not a voter in its own configuration is not promotable.' +
      (leaderCounts ? ` The leader (node ${leader?.id}) does count it as a voter.` : ''),
  };
}

/**
 * A Ready loop that stopped: entries appended but never persisted, committed but never applied,
 * or (on a leader) never acknowledged by the leader itself. The leader's own acknowledgement of
 * its entries, like every follower's, arrives only after the Ready holding them is persisted and
 * `advance` is called; a loop that never calls `advance` never produces the next Ready either.
 */
export function readyStall(ctx: Context, m: Member, g: number): Finding | undefined {
  const v = m.view;
  const id = m.id;
  const reasons: string[] = [];
  const evidence: Evidence[] = [];
  let worstAge = 0;
  const check = (age: number | undefined, reason: string, fields: Evidence[]) => {
    if (!ctx.isStalled(age, g)) return;
    reasons.push(reason);
    evidence.push(...fields);
    worstAge = Math.max(worstAge, age ?? 0);
  };
  if (v.log.lastIndex > v.persisted) {
    const p = v.persisted;
    const age = ctx.ageOf(id, g, (e) => appendedBeyond(e, p));
    check(age, `its log reaches ${v.log.lastIndex} but only ${p} is persisted`, [
      groupField(id, g, 'log.lastIndex', v.log.lastIndex),
      groupField(id, g, 'persisted', p),
    ]);
  }
  if (v.commit > v.applied) {
    const a = v.applied;
    const age = ctx.ageOf(id, g, (e) => committedBeyond(e, a));
    check(age, `entries up to ${v.commit} are committed but only ${a} applied`, [
      groupField(id, g, 'commit', v.commit),
      groupField(id, g, 'applied', a),
    ]);
  }
  const self = v.role === 'StateLeader' ? v.progress?.[String(id)] : undefined;
  if (self && self.match < v.log.lastIndex && reasons.length === 0) {
    const match = self.match;
    const age = ctx.ageOf(id, g, (e) => appendedBeyond(e, match));
    check(
      age,
      `as leader it never acknowledged its own entries after ${match} ` +
        `(log reaches ${v.log.lastIndex})`,
      [
        groupField(id, g, `progress.${id}.match`, match),
        groupField(id, g, 'log.lastIndex', v.log.lastIndex),
      ],
    );
  }
  const lastReady = lastReadySeq(ctx, id, g);
  const unhanded = reasons.length === 0 ? workSinceReady(ctx, id, g, lastReady) : undefined;
  if (unhanded) {
    check(
      ctx.ticksSince(id, unhanded.seq),
      `its core has had new work since it ${workPhrase(unhanded.name)} that no Ready handed out`,
      [ev(unhanded.seq)],
    );
  }
  if (reasons.length === 0) return undefined;
  if (lastReady !== undefined) evidence.push(ev(lastReady));
  evidence.push(nodeField(id, 'tick', m.node.tick));
  const since =
    lastReady === undefined
      ? 'no Ready of it appears in the trace'
      : `its last Ready was ${ctx.ticksSince(id, lastReady) ?? '?'} ticks ago`;
  return {
    code: 'ReadyNotAdvanced',
    severity: v.role === 'StateLeader' ? 'error' : 'warning',
    group: g,
    nodes: [id],
    evidence,
    summary:
      `Node ${id}'s Ready loop has stopped: ${reasons.join('; ')}, for at least ${worstAge} ` +
      'ticks.',
    detail:
      `Node ${id} keeps ticking and receiving messages, but ${since}. Each Ready must be ` +
      'persisted, its messages sent, its committed entries applied, and then advance() called; ' +
      'until then the core hands out nothing new, and a leader cannot count its own ' +
      'acknowledgement toward a quorum.',
  };
}

/**
 * What a core records while it is constructed, right after `InitState`: its configuration, its
 * commit index and its first `BecomeFollower`. The Ready machinery starts from that state, so
 * none of it is handed out by a Ready.
 */
const START_EVENTS = new Set(['ApplyConfChange', 'BecomeFollower', 'Commit']);

/**
 * The first core event after the node's last Ready that must produce a Ready (messages to send,
 * a role change, entries to commit). Only a trace that records Readys at all can show this.
 */
function workSinceReady(
  ctx: Context,
  id: number,
  g: number,
  lastReady: number | undefined,
): StateEvent | undefined {
  if (!ctx.hasReadyEvents()) return undefined;
  let startTick: number | undefined;
  for (const e of ctx.eventsOf(id)) {
    if (e.group !== g) continue;
    if (e.kind === 'state' && e.name === 'InitState') {
      startTick = e.tick;
      continue;
    }
    const starting = e.kind === 'state' && e.tick === startTick && START_EVENTS.has(e.name);
    if (!starting) startTick = undefined;
    if (starting || e.kind !== 'state' || (lastReady !== undefined && e.seq <= lastReady)) {
      continue;
    }
    if (e.name.startsWith('Send') || e.name.startsWith('Become') || e.name === 'Commit') return e;
  }
  return undefined;
}

function workPhrase(name: string): string {
  if (name.startsWith('Become')) return `became ${name.slice('Become'.length).toLowerCase()}`;
  if (name === 'Commit') return 'advanced its commit index';
  return `had a ${name} to send`;
}

export function appendedBeyond(e: TraceEvent, index: number): boolean {
  if (e.kind === 'state') return e.lastIndex > index;
  if (e.kind === 'ready') return e.entries !== null && e.entries[1] > index;
  if (e.kind === 'proposal') return e.name === 'Appended' && (e.index ?? 0) > index;
  return false;
}

export function committedBeyond(e: TraceEvent, index: number): boolean {
  if (e.kind === 'state') return e.commit > index;
  if (e.kind === 'ready') {
    return (e.committed?.[1] ?? 0) > index || (e.hardState?.commit ?? 0) > index;
  }
  return false;
}

function lastReadySeq(ctx: Context, id: number, g: number): number | undefined {
  const list = ctx.eventsOf(id);
  for (let i = list.length - 1; i >= 0; i--) {
    const e = list[i];
    if (e?.kind === 'ready' && e.group === g) return e.seq;
  }
  return undefined;
}

/** Two event lists in trace order, merged without sorting. */
function* mergeBySeq<E extends { seq: number }>(a: readonly E[], b: readonly E[]): Generator<E> {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x.seq <= y.seq)) {
      i++;
      if (x) yield x;
    } else {
      j++;
      yield y;
    }
  }
}

/** The messages a node may send only after persisting, by the request that calls for them. */
const RESPONSE_OF: Record<string, string> = {
  MsgApp: 'MsgAppResp',
  MsgVote: 'MsgVoteResp',
  MsgPreVote: 'MsgPreVoteResp',
};
const PERSISTED_RESPONSES = new Set(Object.values(RESPONSE_OF));

/** Requests delivered without answer before the check counts them as never answered. */
const UNANSWERED_MIN = 2;

/**
 * A node that receives appends and votes, talks otherwise (heartbeat responses leave it), yet
 * never sends the responses that must wait for persistence: raft-rs `persisted_messages()` or
 * etcd raft's messages after the append, read from the Ready and then forgotten.
 */
export function persistedMessagesNotSent(ctx: Context, m: Member, g: number): Finding | undefined {
  const id = m.id;
  const since = ctx.eventsOf(id)[0]?.seq ?? Number.POSITIVE_INFINITY;
  const unanswered: NetEvent[] = [];
  const otherSends: number[] = [];
  const ownDrops: number[] = [];
  const coreResponses: number[] = [];
  for (const e of ctx.stateEventsOf(id, g)) {
    if (e.name.startsWith('Send') && e.name.endsWith('Response')) coreResponses.push(e.seq);
  }
  // A runtime that traces a message it then discards itself (drop reason `fault`) did not
  // send it, whatever its Send event says.
  const discarded = ctx.discarded();
  for (const e of mergeBySeq(ctx.netTo(id), ctx.netFrom(id))) {
    if (e.seq < since || e.group !== g) continue;
    const t = e.msg.type;
    if (e.name === 'Deliver' && e.msg.to === id && t in RESPONSE_OF) unanswered.push(e);
    if (e.name === 'Send' && e.msg.from === id && !discarded.has(e.msgId)) {
      if (PERSISTED_RESPONSES.has(t)) unanswered.length = 0;
      else otherSends.push(e.seq);
    }
    if (
      e.name === 'Drop' &&
      e.reason === 'fault' &&
      e.msg.from === id &&
      PERSISTED_RESPONSES.has(t)
    ) {
      ownDrops.push(e.seq);
    }
  }
  const first = unanswered[0];
  if (!first || unanswered.length < UNANSWERED_MIN) return undefined;
  if (otherSends.length + ownDrops.length + coreResponses.length === 0) return undefined;
  if (!ctx.isStalled(ctx.ticksSince(id, first.seq), g)) return undefined;
  const evidence: Evidence[] = [
    ...recentEvents(
      unanswered.map((e) => e.seq),
      6,
    ),
    ...recentEvents(ownDrops.length > 0 ? ownDrops : otherSends, 3),
    ...recentEvents(coreResponses, 3),
  ];
  const leader = ctx.leader(g);
  const pr = leader?.view.progress?.[String(id)];
  if (leader && pr && pr.match < m.view.persisted) {
    evidence.push(
      groupField(leader.id, g, `progress.${id}.match`, pr.match),
      groupField(id, g, 'persisted', m.view.persisted),
    );
  }
  const kinds = [...new Set(unanswered.map((e) => e.msg.type))].join(', ');
  return {
    code: 'PersistedMessagesNotSent',
    severity: 'warning',
    group: g,
    nodes: [id],
    evidence,
    summary:
      `Node ${id} received ${unanswered.length} ${kinds} messages and answered none of them, ` +
      'although it sends other messages: its responses that wait for the disk are never sent.',
    detail:
      'Append and vote responses may only leave a node after the entries or vote they ' +
      'acknowledge are on disk, so the core hands them out separately (raft-rs ' +
      'persisted_messages(), etcd raft messages to send after the append). A loop that ' +
      'persists the Ready but drops those messages leaves the leader waiting forever for ' +
      'this follower.' +
      (pr ? ` The leader still records match ${pr.match} for it.` : ''),
  };
}
