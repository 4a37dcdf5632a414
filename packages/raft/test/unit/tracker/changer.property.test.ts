import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Changer, type ConfChangeResult } from '../../../src/confchange/changer.ts';
import { confStatesEqual } from '../../../src/confchange/confstate.ts';
import { restore } from '../../../src/confchange/restore.ts';
import { progressMapToString } from '../../../src/tracker/progress.ts';
import { ProgressTracker, trackerConfigToString } from '../../../src/tracker/tracker.ts';
import type {
  ConfChangeSingle,
  ConfChangeType,
  ConfState,
  LogIndex,
  NodeId,
} from '../../../src/types.ts';

const TYPES: ConfChangeType[] = [
  'ConfChangeAddNode',
  'ConfChangeRemoveNode',
  'ConfChangeUpdateNode',
  'ConfChangeAddLearnerNode',
];

const single = (type: ConfChangeType, id: number): ConfChangeSingle => ({
  type,
  nodeId: id as NodeId,
});

/** Changes that never touch node 1, so a config seeded with voter 1 never loses all voters. */
const changes = fc.array(
  fc.record({ type: fc.constantFrom(...TYPES), id: fc.integer({ min: 2, max: 10 }) }),
  { minLength: 1, maxLength: 9 },
);

/** Voter 1 and then a few more voters, each added by a simple change. */
const initial = fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 5 });

function install(t: ProgressTracker, r: ConfChangeResult): void {
  if (!r.ok) throw new Error(r.error);
  t.config = r.config;
  t.progress = r.progress;
}

function seeded(voters: number[]): ProgressTracker {
  const t = new ProgressTracker(10, 0);
  for (const id of [1, ...voters]) {
    install(t, new Changer(t, 10 as LogIndex).simple([single('ConfChangeAddNode', id)]));
  }
  return t;
}

const render = (t: ProgressTracker) =>
  `${trackerConfigToString(t.config)}\n${progressMapToString(t.progress)}`;

/** The configuration invariants a reader of the tracker relies on. */
function expectConsistent(t: ProgressTracker): void {
  const [incoming, outgoing] = t.config.voters;
  const members = new Set([...incoming, ...outgoing, ...t.config.learners]);
  expect(new Set(t.progress.keys())).toEqual(members);
  for (const id of t.config.learners) {
    expect(incoming.has(id) || outgoing.has(id)).toBe(false);
    expect(t.progress.get(id)?.isLearner).toBe(true);
  }
  for (const id of t.config.learnersNext) {
    expect(outgoing.has(id)).toBe(true);
    expect(t.progress.get(id)?.isLearner).toBe(false);
  }
  if (outgoing.size === 0) {
    expect(t.config.learnersNext.size).toBe(0);
    expect(t.config.autoLeave).toBe(false);
  }
}

describe('Changer (properties)', () => {
  it('one simple change at a time ends where one joint change ends', () => {
    fc.assert(
      fc.property(initial, changes, (setup, ccs) => {
        const bySimple = seeded(setup);
        const byJoint = seeded(setup);
        const list = ccs.map((c) => single(c.type, c.id));

        for (const cc of list)
          install(bySimple, new Changer(bySimple, 10 as LogIndex).simple([cc]));
        install(byJoint, new Changer(byJoint, 10 as LogIndex).enterJoint(false, list));
        install(byJoint, new Changer(byJoint, 10 as LogIndex).leaveJoint());

        expect(render(byJoint)).toBe(render(bySimple));
      }),
    );
  });

  it('autoLeave changes nothing but the flag', () => {
    fc.assert(
      fc.property(initial, changes, (setup, ccs) => {
        const t = seeded(setup);
        const list = ccs.map((c) => single(c.type, c.id));

        const plain = new Changer(t, 10 as LogIndex).enterJoint(false, list);
        const auto = new Changer(t, 10 as LogIndex).enterJoint(true, list);

        if (!plain.ok || !auto.ok) throw new Error('enterJoint failed');
        expect(auto.config.autoLeave).toBe(true);
        expect(trackerConfigToString({ ...auto.config, autoLeave: false })).toBe(
          trackerConfigToString(plain.config),
        );
        expect(progressMapToString(auto.progress)).toBe(progressMapToString(plain.progress));
      }),
    );
  });

  it('keeps the configuration consistent and never touches the tracker it reads', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('simple' as const), ccs: changes }),
      fc.record({ kind: fc.constant('enter' as const), ccs: changes, auto: fc.boolean() }),
      fc.record({ kind: fc.constant('leave' as const) }),
    );
    // Here any node, 1 included, may be changed, so refusals are common.
    const anyId = fc.array(
      fc.record({ type: fc.constantFrom(...TYPES), id: fc.integer({ min: 0, max: 6 }) }),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(op, fc.record({ kind: fc.constant('simple' as const), ccs: anyId }))),
        (ops) => {
          const t = new ProgressTracker(10, 0);
          ops.forEach((o, i) => {
            const c = new Changer(t, i as LogIndex);
            const before = render(t);
            const votersBefore = new Set(t.config.voters[0]);
            const list = 'ccs' in o ? o.ccs.map((x) => single(x.type, x.id)) : [];

            const r =
              o.kind === 'simple'
                ? c.simple(list)
                : o.kind === 'enter'
                  ? c.enterJoint(o.auto, list)
                  : c.leaveJoint();

            expect(render(t)).toBe(before);
            if (!r.ok) {
              expect(r.code).not.toBe('InvariantViolated');
              return;
            }
            install(t, r);
            expectConsistent(t);
            if (o.kind === 'simple') {
              const after = t.config.voters[0];
              const changed =
                [...after].filter((id) => !votersBefore.has(id)).length +
                [...votersBefore].filter((id) => !after.has(id)).length;
              expect(changed).toBeLessThanOrEqual(1);
            }
          });
        },
      ),
    );
  });
});

/** A valid ConfState: disjoint voters, learners and removed voters; staged learners among the
 * removed voters; autoLeave only when joint. */
const confState: fc.Arbitrary<ConfState> = fc
  .record({
    nVoters: fc.integer({ min: 1, max: 5 }),
    nLearners: fc.integer({ min: 0, max: 4 }),
    nRemoved: fc.integer({ min: 0, max: 2 }),
    retainedFrac: fc.double({ min: 0, max: 1, noNaN: true }),
    stagedFrac: fc.double({ min: 0, max: 1, noNaN: true }),
    autoLeave: fc.boolean(),
  })
  .chain((p) =>
    fc
      .shuffledSubarray(
        Array.from({ length: 2 * (p.nVoters + p.nLearners + p.nRemoved) }, (_, i) => i + 1),
        {
          minLength: p.nVoters + p.nLearners + p.nRemoved,
          maxLength: p.nVoters + p.nLearners + p.nRemoved,
        },
      )
      .map((ids): ConfState => {
        const voters = ids.slice(0, p.nVoters) as NodeId[];
        const learners = ids.slice(p.nVoters, p.nVoters + p.nLearners) as NodeId[];
        const removed = ids.slice(p.nVoters + p.nLearners) as NodeId[];
        const retained = voters.slice(0, Math.floor(p.retainedFrac * (voters.length + 1)));
        const votersOutgoing = [...retained, ...removed];
        const learnersNext = removed.slice(0, Math.floor(p.stagedFrac * (removed.length + 1)));
        return {
          voters,
          learners,
          votersOutgoing,
          learnersNext,
          autoLeave: votersOutgoing.length > 0 && p.autoLeave,
        };
      }),
  );

describe('restore (properties)', () => {
  it('rebuilds exactly the configuration a ConfState describes', () => {
    fc.assert(
      fc.property(confState, (cs) => {
        const t = new ProgressTracker(20, 0);

        install(t, restore(new Changer(t, 10 as LogIndex), cs));

        expect(confStatesEqual(t.confState(), cs)).toBe(true);
        expectConsistent(t);
      }),
    );
  });

  it('leaves the changer tracker untouched', () => {
    fc.assert(
      fc.property(confState, (cs) => {
        const t = new ProgressTracker(20, 0);

        restore(new Changer(t, 10 as LogIndex), cs);

        expect(t.progress.size).toBe(0);
        expect(t.config.voters[0].size).toBe(0);
      }),
    );
  });
});
