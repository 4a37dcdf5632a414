import type { StateEvent, TraceEvent } from '@raftlens/trace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnose, type Finding, SafetyMonitor } from '../src/index.ts';
import { healthySnapshot, Scenario } from './support/builders.ts';
import { init, write } from './support/histories.ts';
import { type Observation, type Op, RaftModel } from './support/model.ts';

function opArb(size: number): fc.Arbitrary<Op> {
  const node = fc.integer({ min: 1, max: size });
  // Mostly the current leader (0), so that histories get far: commits, answers, overwrites.
  const actor = fc.oneof(fc.constant(0), node);
  return fc.oneof(
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('elect' as const), node }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('propose' as const), node: actor }) },
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('replicate' as const),
        from: actor,
        to: node,
        upTo: fc.nat(),
      }),
    },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('commit' as const), node: actor }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('apply' as const), node }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('snapshot' as const) }) },
  );
}

const historyArb = fc
  .integer({ min: 3, max: 5 })
  .chain((size) =>
    fc.tuple(
      fc.constant(size),
      fc.array(opArb(size), { minLength: 20, maxLength: 200, size: 'large' }),
    ),
  );

function play(size: number, ops: Op[]): { model: RaftModel; history: Observation[] } {
  const model = new RaftModel(size);
  for (const op of ops) model.run(op);
  return { model, history: model.finish() };
}

function monitor(history: Observation[]): readonly Finding[] {
  const m = new SafetyMonitor();
  for (const o of history) m.observe(o);
  return m.findings;
}

function leaderEvents(history: Observation[]): StateEvent[] {
  return history
    .filter((o): o is TraceEvent[] => Array.isArray(o))
    .flat()
    .filter((e): e is StateEvent => e.kind === 'state' && e.name === 'BecomeLeader');
}

describe('SafetyMonitor properties', () => {
  it('raises nothing over random histories that Raft allows', () => {
    fc.assert(
      fc.property(historyArb, ([size, ops]) => {
        const { history } = play(size, ops);

        expect(monitor(history)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('catches what an election without the up-to-date check breaks', () => {
    const model = new RaftModel(3, true);
    for (const op of [
      { kind: 'elect', node: 1 },
      { kind: 'propose', node: 1 },
      { kind: 'replicate', from: 1, to: 2, upTo: 1 },
      { kind: 'commit', node: 1 },
      { kind: 'apply', node: 1 },
      { kind: 'snapshot' },
      { kind: 'elect', node: 3 },
      { kind: 'propose', node: 3 },
      { kind: 'replicate', from: 3, to: 2, upTo: 2 },
      { kind: 'commit', node: 3 },
    ] as Op[]) {
      model.run(op);
    }

    const found = monitor(model.finish()).map((f) => f.code);

    expect(found).toEqual(['LeaderMissingCommittedEntry', 'CommittedEntryChanged']);
  });

  it('catches a second leader added to a term of a random history', () => {
    fc.assert(
      fc.property(
        historyArb,
        fc.nat(),
        fc.integer({ min: 1, max: 4 }),
        ([size, ops], pick, shift) => {
          const { model, history } = play(size, ops);
          const leaders = leaderEvents(history);
          fc.pre(leaders.length > 0);
          const victim = leaders[pick % leaders.length] as StateEvent;
          const other = ((victim.node - 1 + shift) % size) + 1;
          fc.pre(other !== victim.node);
          const forged: StateEvent = { ...victim, seq: model.nextSeq(), node: other };

          const found = monitor([...history, [forged]]);

          expect(found.map((f) => f.code)).toContain('TwoLeadersInTerm');
          const two = found.find((f) => f.code === 'TwoLeadersInTerm');
          expect(two?.nodes).toEqual([victim.node, other]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('catches a second leader shown in a snapshot of a random history', () => {
    fc.assert(
      fc.property(historyArb, fc.integer({ min: 1, max: 4 }), ([size, ops], shift) => {
        const { model, history } = play(size, ops);
        const snap = model.snapshot();
        const leader = snap.nodes.find((n) => n.groups[0]?.role === 'StateLeader');
        fc.pre(leader !== undefined);
        const lv = leader?.groups[0];
        const other = snap.nodes[((leader?.id ?? 1) - 1 + shift) % size];
        const ov = other?.groups[0];
        fc.pre(other !== undefined && other.id !== leader?.id && ov !== undefined && !!lv);
        if (!ov || !lv) return;
        ov.role = 'StateLeader';
        ov.term = lv.term;

        const found = monitor([...history, snap]);

        expect(found.map((f) => f.code)).toContain('TwoLeadersInTerm');
      }),
      { numRuns: 200 },
    );
  });
});

describe('diagnose properties', () => {
  it('finds nothing worth a warning in healthy clusters under random writes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 25 }),
        (size, gaps) => {
          const s = new Scenario(healthySnapshot({ size }));
          init(s).state(1, 'BecomeLeader');
          let index = 6;
          for (const gap of gaps) {
            s.quiet(1, 1, gap);
            write(s, 1, index++);
          }

          const serious = diagnose(s.input()).filter((f) => f.severity !== 'info');

          expect(serious).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
