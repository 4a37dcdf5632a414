import { describe, expect, it } from 'vitest';
import { Inflights } from '../../../src/tracker/inflights.ts';
import { Progress, type ProgressInit } from '../../../src/tracker/progress.ts';
import type { LogIndex } from '../../../src/types.ts';

const idx = (n: number) => n as LogIndex;

type Fields = Omit<ProgressInit, 'inflights' | 'next'> & { next?: LogIndex; inflight?: number[] };

/** A progress with a 3-message window holding `inflight` (one byte each). */
function make(f: Fields = {}): Progress {
  const { inflight = [], ...rest } = f;
  const pr = new Progress({
    next: idx(1),
    recentActive: true,
    ...rest,
    inflights: new Inflights(3, 0),
  });
  for (const i of inflight) pr.inflights.add(idx(i), 1);
  return pr;
}

interface Observed {
  state: Progress['state'];
  match: number;
  next: number;
  sentCommit: number;
  pendingSnapshot: number;
  paused: boolean;
  inflight: number;
}

function observe(pr: Progress): Observed {
  return {
    state: pr.state,
    match: pr.match,
    next: pr.next,
    sentCommit: pr.sentCommit,
    pendingSnapshot: pr.pendingSnapshot,
    paused: pr.isPaused(),
    inflight: pr.inflights.count(),
  };
}

interface Transition {
  name: string;
  from: Fields;
  act: (pr: Progress) => boolean | undefined;
  returns?: boolean;
  to: Partial<Observed>;
}

const replicating: Fields = {
  state: 'StateReplicate',
  match: idx(5),
  next: idx(9),
  sentCommit: idx(8),
  inflight: [6, 7, 8],
  msgAppFlowPaused: true,
};

const TRANSITIONS: Transition[] = [
  {
    name: 'becomeProbe from replicate restarts after match and drops the window',
    from: replicating,
    act: (pr) => void pr.becomeProbe(),
    to: { state: 'StateProbe', next: 6, sentCommit: 5, paused: false, inflight: 0 },
  },
  {
    name: 'becomeProbe from snapshot probes after the snapshot when it is ahead of match',
    from: { state: 'StateSnapshot', match: idx(3), next: idx(11), pendingSnapshot: idx(10) },
    act: (pr) => void pr.becomeProbe(),
    to: { state: 'StateProbe', next: 11, pendingSnapshot: 0, paused: false },
  },
  {
    name: 'becomeProbe from snapshot probes after match when match passed the snapshot',
    from: { state: 'StateSnapshot', match: idx(12), next: idx(13), pendingSnapshot: idx(10) },
    act: (pr) => void pr.becomeProbe(),
    to: { state: 'StateProbe', next: 13, pendingSnapshot: 0 },
  },
  {
    name: 'becomeProbe keeps a sentCommit that is already below the new next',
    from: { ...replicating, sentCommit: idx(2) },
    act: (pr) => void pr.becomeProbe(),
    to: { next: 6, sentCommit: 2 },
  },
  {
    name: 'becomeReplicate streams from match + 1 with an empty window',
    from: { state: 'StateProbe', match: idx(4), next: idx(5), msgAppFlowPaused: true },
    act: (pr) => void pr.becomeReplicate(),
    to: { state: 'StateReplicate', match: 4, next: 5, paused: false, inflight: 0 },
  },
  {
    name: 'becomeSnapshot moves next and sentCommit to the snapshot and pauses',
    from: replicating,
    act: (pr) => void pr.becomeSnapshot(idx(20)),
    to: { state: 'StateSnapshot', next: 21, sentCommit: 20, pendingSnapshot: 20, paused: true },
  },
  {
    name: 'sentEntries in replicate moves next past the entries and records the message',
    from: { state: 'StateReplicate', match: idx(5), next: idx(6) },
    act: (pr) => void pr.sentEntries(3, 30),
    to: { next: 9, inflight: 1, paused: false },
  },
  {
    name: 'sentEntries in replicate pauses when the message fills the window',
    from: { state: 'StateReplicate', match: idx(5), next: idx(8), inflight: [6, 7] },
    act: (pr) => void pr.sentEntries(1, 10),
    to: { next: 9, inflight: 3, paused: true },
  },
  {
    name: 'an empty append in replicate leaves next alone',
    from: { state: 'StateReplicate', match: idx(5), next: idx(7), inflight: [6] },
    act: (pr) => void pr.sentEntries(0, 0),
    to: { next: 7, inflight: 1, paused: false },
  },
  {
    name: 'a non-empty probe pauses the flow without moving next',
    from: { state: 'StateProbe', match: idx(5), next: idx(6) },
    act: (pr) => void pr.sentEntries(2, 20),
    to: { next: 6, inflight: 0, paused: true },
  },
  {
    name: 'an empty probe does not pause the flow',
    from: { state: 'StateProbe', match: idx(5), next: idx(6) },
    act: (pr) => void pr.sentEntries(0, 0),
    to: { paused: false },
  },
  {
    name: 'maybeUpdate ignores a stale acknowledgement',
    from: replicating,
    act: (pr) => pr.maybeUpdate(idx(5)),
    returns: false,
    to: { match: 5, next: 9, paused: true },
  },
  {
    name: 'maybeUpdate advances match, keeps a further next and unpauses',
    from: replicating,
    act: (pr) => pr.maybeUpdate(idx(7)),
    returns: true,
    to: { match: 7, next: 9, paused: false },
  },
  {
    name: 'maybeUpdate pushes next past an acknowledgement beyond it',
    from: { state: 'StateProbe', match: idx(1), next: idx(2) },
    act: (pr) => pr.maybeUpdate(idx(10)),
    returns: true,
    to: { match: 10, next: 11 },
  },
  {
    name: 'maybeDecrTo in replicate ignores a rejection at or below match',
    from: replicating,
    act: (pr) => pr.maybeDecrTo(idx(5), idx(5)),
    returns: false,
    to: { next: 9, sentCommit: 8 },
  },
  {
    name: 'maybeDecrTo in replicate falls back to match + 1 whatever the hint',
    from: replicating,
    act: (pr) => pr.maybeDecrTo(idx(8), idx(7)),
    returns: true,
    to: { state: 'StateReplicate', next: 6, sentCommit: 5 },
  },
  {
    name: 'maybeDecrTo in probe ignores a rejection of anything but next - 1',
    from: { state: 'StateProbe', match: idx(0), next: idx(10), msgAppFlowPaused: true },
    act: (pr) => pr.maybeDecrTo(idx(8), idx(3)),
    returns: false,
    to: { next: 10, paused: true },
  },
  {
    name: 'maybeDecrTo in probe follows the hint and unpauses',
    from: { state: 'StateProbe', match: idx(0), next: idx(10), msgAppFlowPaused: true },
    act: (pr) => pr.maybeDecrTo(idx(9), idx(3)),
    returns: true,
    to: { next: 4, paused: false },
  },
  {
    name: 'maybeDecrTo in probe never goes to or below match',
    from: { state: 'StateProbe', match: idx(5), next: idx(10) },
    act: (pr) => pr.maybeDecrTo(idx(9), idx(2)),
    returns: true,
    to: { next: 6 },
  },
  {
    name: 'maybeDecrTo in probe never raises next above the rejected index',
    from: { state: 'StateProbe', match: idx(0), next: idx(10), sentCommit: idx(9) },
    act: (pr) => pr.maybeDecrTo(idx(9), idx(50)),
    returns: true,
    to: { next: 9, sentCommit: 8 },
  },
];

describe('Progress transitions', () => {
  for (const t of TRANSITIONS) {
    it(t.name, () => {
      const pr = make(t.from);

      const returned = t.act(pr);

      if (t.returns !== undefined) expect(returned).toBe(t.returns);
      expect(observe(pr)).toMatchObject(t.to);
    });
  }

  it('refuses to record an append while waiting for a snapshot', () => {
    const pr = make({ state: 'StateSnapshot', pendingSnapshot: idx(4), next: idx(5) });

    expect(() => pr.sentEntries(1, 1)).toThrow(/StateSnapshot/);
  });
});

describe('Progress commit tracking', () => {
  const CASES: { sentCommit: number; next: number; index: number; want: boolean }[] = [
    { sentCommit: 3, next: 10, index: 5, want: true },
    { sentCommit: 5, next: 10, index: 5, want: false },
    { sentCommit: 9, next: 10, index: 12, want: false },
    { sentCommit: 0, next: 1, index: 1, want: false },
    { sentCommit: 8, next: 10, index: 9, want: true },
  ];
  for (const c of CASES) {
    const name = `canBumpCommit(${c.index}) with sentCommit=${c.sentCommit} next=${c.next}`;
    it(`${name} is ${c.want}`, () => {
      const pr = make({ sentCommit: idx(c.sentCommit), next: idx(c.next) });

      expect(pr.canBumpCommit(idx(c.index))).toBe(c.want);
    });
  }

  it('recordSentCommit sets what canBumpCommit compares against', () => {
    const pr = make({ next: idx(10) });

    pr.recordSentCommit(idx(7));

    expect(pr.sentCommit).toBe(7);
    expect(pr.canBumpCommit(idx(7))).toBe(false);
    expect(pr.canBumpCommit(idx(8))).toBe(true);
  });
});

describe('Progress printing and copying', () => {
  const CASES: { fields: Fields; want: string }[] = [
    { fields: { match: idx(0), next: idx(1) }, want: 'StateProbe match=0 next=1' },
    {
      fields: { state: 'StateReplicate', match: idx(11), next: idx(15), inflight: [12, 13, 14] },
      want: 'StateReplicate match=11 next=15 inflight=3[full]',
    },
    {
      fields: {
        state: 'StateReplicate',
        match: idx(11),
        next: idx(15),
        inflight: [12, 13, 14],
        msgAppFlowPaused: true,
      },
      want: 'StateReplicate match=11 next=15 paused inflight=3[full]',
    },
    {
      fields: { state: 'StateReplicate', match: idx(11), next: idx(13), inflight: [12] },
      want: 'StateReplicate match=11 next=13 inflight=1',
    },
    {
      fields: {
        state: 'StateSnapshot',
        next: idx(5),
        pendingSnapshot: idx(4),
        isLearner: true,
        recentActive: false,
      },
      want: 'StateSnapshot match=0 next=5 learner paused pendingSnap=4 inactive',
    },
    {
      fields: { next: idx(11), msgAppFlowPaused: true, recentActive: false },
      want: 'StateProbe match=0 next=11 paused inactive',
    },
  ];
  for (const c of CASES) {
    it(`prints ${c.want}`, () => {
      expect(make(c.fields).toString()).toBe(c.want);
    });
  }

  it('clones into an independent progress, window included', () => {
    const pr = make({ state: 'StateReplicate', match: idx(5), next: idx(7), inflight: [6] });

    const copy = pr.clone();
    copy.sentEntries(1, 1);
    copy.isLearner = true;

    expect(pr.next).toBe(7);
    expect(pr.inflights.count()).toBe(1);
    expect(pr.isLearner).toBe(false);
    expect(copy.next).toBe(8);
    expect(copy.inflights.count()).toBe(2);
  });

  it('exposes itself as plain data for status and traces', () => {
    const pr = make({ state: 'StateReplicate', match: idx(5), next: idx(8), inflight: [6, 7] });

    expect(pr.toPlain()).toMatchObject({
      state: 'StateReplicate',
      match: 5,
      next: 8,
      paused: false,
      inflightCount: 2,
      inflightIndexes: [6, 7],
      inflightFull: false,
    });
  });
});
