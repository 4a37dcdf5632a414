import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeConfChange,
  decodeConfChangeV2,
  encodeConfChange,
  encodeConfChangeV2,
} from '../../../src/confchange/codec.ts';
import { confStatesEqual } from '../../../src/confchange/confstate.ts';
import {
  asV2,
  ConfChangeStringError,
  confChangesFromString,
  confChangesToString,
  enterJoint,
  leaveJoint,
  parseConfChanges,
} from '../../../src/confchange/conv.ts';
import {
  type ConfChange,
  type ConfChangeTransition,
  type ConfChangeType,
  type ConfChangeV2,
  emptyConfState,
  type NodeId,
} from '../../../src/types.ts';

const none = new Uint8Array(0);
const TYPES: ConfChangeType[] = [
  'ConfChangeAddNode',
  'ConfChangeRemoveNode',
  'ConfChangeUpdateNode',
  'ConfChangeAddLearnerNode',
];
const TRANSITIONS: ConfChangeTransition[] = [
  'ConfChangeTransitionAuto',
  'ConfChangeTransitionJointImplicit',
  'ConfChangeTransitionJointExplicit',
];

const nodeIdArb = fc.oneof(
  fc.integer({ min: 0, max: 300 }),
  fc.maxSafeNat(),
) as fc.Arbitrary<NodeId>;
const contextArb = fc.uint8Array({ maxLength: 20 });
const singleArb = fc.record({ type: fc.constantFrom(...TYPES), nodeId: nodeIdArb });
const v1Arb: fc.Arbitrary<ConfChange> = fc.record({
  type: fc.constantFrom(...TYPES),
  nodeId: nodeIdArb,
  context: contextArb,
});
const v2Arb: fc.Arbitrary<ConfChangeV2> = fc.record({
  transition: fc.constantFrom(...TRANSITIONS),
  changes: fc.array(singleArb, { maxLength: 6 }),
  context: contextArb,
});

describe('conf change payload codec', () => {
  it("writes a V1 change byte for byte as etcd's protobuf does", () => {
    const data = encodeConfChange({
      type: 'ConfChangeAddNode',
      nodeId: 2 as NodeId,
      context: none,
    });

    expect([...data]).toEqual([0x08, 0x00, 0x10, 0x00, 0x18, 0x02]);
  });

  it('writes a V2 change with its transition always and its context only when present', () => {
    const cc: ConfChangeV2 = {
      transition: 'ConfChangeTransitionJointExplicit',
      changes: [{ type: 'ConfChangeAddLearnerNode', nodeId: 300 as NodeId }],
      context: Uint8Array.of(7),
    };

    const data = encodeConfChangeV2(cc);

    expect([...data]).toEqual([
      0x08, 0x02, 0x12, 0x05, 0x08, 0x03, 0x10, 0xac, 0x02, 0x1a, 0x01, 0x07,
    ]);
  });

  it('encodes the empty V2 change (leave joint) in two bytes', () => {
    const data = encodeConfChangeV2({
      transition: 'ConfChangeTransitionAuto',
      changes: [],
      context: none,
    });

    expect([...data]).toEqual([0x08, 0x00]);
  });

  it('decodes empty data to the empty change', () => {
    expect(decodeConfChange(none)).toEqual({ type: 'ConfChangeAddNode', nodeId: 0, context: none });
    expect(decodeConfChangeV2(none)).toEqual({
      transition: 'ConfChangeTransitionAuto',
      changes: [],
      context: none,
    });
  });

  it('round-trips any V1 change', () => {
    fc.assert(
      fc.property(v1Arb, (cc) => {
        expect(decodeConfChange(encodeConfChange(cc))).toEqual(cc);
      }),
    );
  });

  it('round-trips any V2 change', () => {
    fc.assert(
      fc.property(v2Arb, (cc) => {
        expect(decodeConfChangeV2(encodeConfChangeV2(cc))).toEqual(cc);
      }),
    );
  });

  it('skips fields it does not know, as protobuf readers must', () => {
    // Field 9 varint 5, then node_id 4.
    const data = Uint8Array.of(0x48, 0x05, 0x18, 0x04);

    expect(decodeConfChange(data).nodeId).toBe(4);
  });

  it('throws on truncated or malformed data', () => {
    expect(() => decodeConfChange(Uint8Array.of(0x18))).toThrow(/truncated/);
    expect(() => decodeConfChangeV2(Uint8Array.of(0x12, 0x05, 0x08))).toThrow(/truncated/);
    expect(() => decodeConfChange(Uint8Array.of(0x10, 0x09))).toThrow(/unknown conf change type/);
  });
});

describe('conf change conversions', () => {
  it('turns a V1 change into one automatic V2 change', () => {
    const ctx = Uint8Array.of(1, 2);

    const v2 = asV2({ type: 'ConfChangeRemoveNode', nodeId: 3 as NodeId, context: ctx });

    expect(v2).toEqual({
      transition: 'ConfChangeTransitionAuto',
      changes: [{ type: 'ConfChangeRemoveNode', nodeId: 3 }],
      context: ctx,
    });
  });

  const JOINT: { transition: ConfChangeTransition; n: number; want: [boolean, boolean] }[] = [
    { transition: 'ConfChangeTransitionAuto', n: 0, want: [false, false] },
    { transition: 'ConfChangeTransitionAuto', n: 1, want: [false, false] },
    { transition: 'ConfChangeTransitionAuto', n: 2, want: [true, true] },
    { transition: 'ConfChangeTransitionJointImplicit', n: 1, want: [true, true] },
    { transition: 'ConfChangeTransitionJointImplicit', n: 0, want: [true, true] },
    { transition: 'ConfChangeTransitionJointExplicit', n: 1, want: [false, true] },
    { transition: 'ConfChangeTransitionJointExplicit', n: 3, want: [false, true] },
  ];
  for (const c of JOINT) {
    const [autoLeave, ok] = c.want;
    it(`enterJoint of ${c.transition} with ${c.n} changes: autoLeave=${autoLeave} ok=${ok}`, () => {
      const changes = Array.from({ length: c.n }, (_, i) => ({
        type: 'ConfChangeAddNode' as const,
        nodeId: (i + 1) as NodeId,
      }));

      const got = enterJoint({ transition: c.transition, changes, context: none });

      expect(got).toEqual({ autoLeave, ok });
    });
  }

  it('leaves joint only with the empty automatic change, whatever its context', () => {
    const empty: ConfChangeV2 = {
      transition: 'ConfChangeTransitionAuto',
      changes: [],
      context: none,
    };

    expect(leaveJoint(empty)).toBe(true);
    expect(leaveJoint({ ...empty, context: Uint8Array.of(9) })).toBe(true);
    expect(leaveJoint({ ...empty, transition: 'ConfChangeTransitionJointExplicit' })).toBe(false);
    expect(
      leaveJoint({ ...empty, changes: [{ type: 'ConfChangeAddNode', nodeId: 1 as NodeId }] }),
    ).toBe(false);
  });

  it('prints and parses the v/l/r/u notation', () => {
    const ccs = confChangesFromString(' v1 l2  r3\nu4 ');

    expect(ccs).toEqual([
      { type: 'ConfChangeAddNode', nodeId: 1 },
      { type: 'ConfChangeAddLearnerNode', nodeId: 2 },
      { type: 'ConfChangeRemoveNode', nodeId: 3 },
      { type: 'ConfChangeUpdateNode', nodeId: 4 },
    ]);
    expect(confChangesToString(ccs)).toBe('v1 l2 r3 u4');
    expect(confChangesFromString('')).toEqual([]);
  });

  it('reports malformed notation with a stable code', () => {
    expect(parseConfChanges('v1 x2')).toEqual({
      ok: false,
      code: 'InvalidConfChangeString',
      error: 'unknown input: x2',
    });
    expect(parseConfChanges('v')).toMatchObject({ ok: false, error: 'unknown token v' });
    expect(parseConfChanges('v1a')).toMatchObject({ ok: false });
    expect(() => confChangesFromString('q1')).toThrow(ConfChangeStringError);
  });

  it('round-trips the notation', () => {
    fc.assert(
      fc.property(fc.array(singleArb, { maxLength: 8 }), (ccs) => {
        expect(confChangesFromString(confChangesToString(ccs))).toEqual(ccs);
      }),
    );
  });
});

describe('confStatesEqual', () => {
  it('ignores the order of ids but not which list they are in', () => {
    const a = { ...emptyConfState(), voters: [1, 2, 3] as NodeId[], learners: [4] as NodeId[] };

    expect(confStatesEqual(a, { ...a, voters: [3, 1, 2] as NodeId[] })).toBe(true);
    expect(confStatesEqual(a, { ...a, voters: [1, 2] as NodeId[] })).toBe(false);
    expect(confStatesEqual(a, { ...a, learners: [], votersOutgoing: [4] as NodeId[] })).toBe(false);
    expect(confStatesEqual(a, { ...a, autoLeave: true })).toBe(false);
  });
});
