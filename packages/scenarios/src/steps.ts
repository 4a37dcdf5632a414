/**
 * Steps and helpers that many scenarios share: electing a first leader, settling after a
 * change, naming the node that did something.
 */

import type { TraceEvent } from '@raftlens/trace';
import { all, caughtUp, settled, stableLeader } from './conditions.ts';
import type { ScenarioContext } from './context.ts';
import type { ScenarioStep, StepExpect } from './model.ts';
import type { StepView } from './view.ts';

/** Enough virtual time for any election with electionTick 10 at 100 ms a tick, split votes too. */
export const ELECTION_WITHIN_MS = 8_000;

/** Names the stable leader `name`; for a step's `after`. */
export function nameLeader(name: string): (ctx: ScenarioContext, view: StepView) => void {
  return (ctx, view) => {
    const leader = view.stableLeader();
    if (leader !== null) ctx.name(name, leader);
  };
}

/** The node of the first event of this step that satisfies `pred`, or null. */
export function firstNode(view: StepView, pred: (e: TraceEvent) => boolean): number | null {
  return view.stepEvents.find(pred)?.node ?? null;
}

/**
 * The first step of most scenarios: the cluster elects a leader, which commits its empty
 * entry on every node. The leader is named `leader`.
 */
export function electLeader(
  opts: { narration?: string; expect?: StepExpect; name?: string } = {},
): ScenarioStep {
  const name = opts.name ?? 'leader';
  return {
    title: 'A leader is elected',
    narration:
      opts.narration ??
      `The servers start as followers; the first whose election timeout runs out campaigns ` +
        `and wins (node {${name}}). It commits an empty entry of its term on every node.`,
    until: {
      description: 'every node follows one leader and has its log',
      test: all(stableLeader, caughtUp),
      withinMs: ELECTION_WITHIN_MS,
    },
    after: nameLeader(name),
    expect: opts.expect ?? { leader: name, caughtUp: true, healthy: true },
  };
}

/** Followers of the current leader, ascending, as the view shows them. */
export function followersOf(view: StepView): number[] {
  const leader = view.leader();
  return view
    .runningVoters()
    .map((m) => m.id)
    .filter((id) => id !== leader);
}

/** Running nodes' group-1 terms, the highest. */
export function maxTerm(view: StepView): number {
  let t = 0;
  for (const n of view.snapshot.nodes) {
    for (const g of n.groups) if (g.group === 1 && g.term > t) t = g.term;
  }
  return t;
}

/**
 * A client retries a write that failed because its entry was overwritten. The retry commits,
 * and with it the diagnosis files the earlier drop under history.
 */
export function retryWrite(label: string, key: string, value: string): ScenarioStep {
  return {
    title: 'The client retries',
    narration:
      'A failed write was never applied anywhere, so the client can safely send it again. ' +
      'This time it reaches the real leader and commits.',
    act: (ctx) => ctx.write(label, key, value),
    until: {
      description: 'the write is answered and on every node',
      test: all(settled(label), caughtUp),
      withinMs: 2_000,
    },
    expect: { ops: { [label]: 'ok' }, caughtUp: true, healthy: true },
  };
}
