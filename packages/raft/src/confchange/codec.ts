/**
 * The entry payloads of configuration changes.
 *
 * The encoding is etcd raft's own: the protobuf wire format of raftpb's ConfChange and
 * ConfChangeV2, field for field as gogoproto writes them (non-nullable scalars always written,
 * the context only when non-empty). Being byte-identical matters beyond interoperability:
 * entry sizes feed flow control (MaxSizePerMsg, MaxInflightBytes, the uncommitted-size limit),
 * so a different encoding would batch and throttle differently from etcd.
 *
 * Decoding accepts any valid encoding of these messages (fields in any order, unknown fields
 * skipped), and empty data decodes to the empty change, exactly as protobuf does. Malformed
 * data throws: a corrupt conf change entry is a broken invariant, not an expected failure.
 */

import type {
  ConfChange,
  ConfChangeSingle,
  ConfChangeTransition,
  ConfChangeType,
  ConfChangeV2,
  NodeId,
} from '../types.ts';

const CHANGE_TYPES: readonly ConfChangeType[] = [
  'ConfChangeAddNode',
  'ConfChangeRemoveNode',
  'ConfChangeUpdateNode',
  'ConfChangeAddLearnerNode',
];

const TRANSITIONS: readonly ConfChangeTransition[] = [
  'ConfChangeTransitionAuto',
  'ConfChangeTransitionJointImplicit',
  'ConfChangeTransitionJointExplicit',
];

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

/** Appends protobuf wire data to a growing byte list. */
class Writer {
  private readonly bytes: number[] = [];

  varint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`cannot encode ${n} as a varint`);
    let v = n;
    // Arithmetic instead of bit operations: ids and indexes may exceed 32 bits.
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) + 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  varintField(field: number, n: number): void {
    this.tag(field, WIRE_VARINT);
    this.varint(n);
  }

  bytesField(field: number, data: Uint8Array): void {
    this.tag(field, WIRE_BYTES);
    this.varint(data.length);
    for (const b of data) this.bytes.push(b);
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** Reads protobuf wire data, throwing on anything malformed. */
class Reader {
  private pos = 0;

  constructor(private readonly data: Uint8Array) {}

  done(): boolean {
    return this.pos >= this.data.length;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.data[this.pos++];
      if (b === undefined) throw new Error('conf change payload: truncated varint');
      result += (b & 0x7f) * scale;
      if (b < 0x80) break;
      scale *= 0x80;
      if (scale > 2 ** 63) throw new Error('conf change payload: varint too long');
    }
    if (!Number.isSafeInteger(result)) {
      throw new Error(`conf change payload: ${result} is beyond the safe integer range`);
    }
    return result;
  }

  tag(): { field: number; wire: number } {
    const t = this.varint();
    return { field: Math.floor(t / 8), wire: t % 8 };
  }

  bytes(): Uint8Array {
    const n = this.varint();
    if (this.pos + n > this.data.length) throw new Error('conf change payload: truncated bytes');
    const out = this.data.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.advance(8);
        return;
      case WIRE_BYTES:
        this.bytes();
        return;
      case WIRE_FIXED32:
        this.advance(4);
        return;
      default:
        throw new Error(`conf change payload: unsupported wire type ${wire}`);
    }
  }

  private advance(n: number): void {
    if (this.pos + n > this.data.length) throw new Error('conf change payload: truncated field');
    this.pos += n;
  }
}

function enumValue<T>(values: readonly T[], n: number, what: string): T {
  const v = values[n];
  if (v === undefined) throw new Error(`conf change payload: unknown ${what} ${n}`);
  return v;
}

function expectWire(actual: number, expected: number, field: string): void {
  if (actual !== expected) {
    throw new Error(`conf change payload: field ${field} has wire type ${actual}`);
  }
}

/** The payload of an EntryConfChange. */
export function encodeConfChange(cc: ConfChange): Uint8Array {
  const w = new Writer();
  // Field 1 is etcd's ID, an identifier of its own outside raft; it is always 0 here.
  w.varintField(1, 0);
  w.varintField(2, CHANGE_TYPES.indexOf(cc.type));
  w.varintField(3, cc.nodeId);
  if (cc.context.length > 0) w.bytesField(4, cc.context);
  return w.finish();
}

/** Reads the payload of an EntryConfChange; empty data is the empty change. */
export function decodeConfChange(data: Uint8Array): ConfChange {
  const cc: ConfChange = {
    type: 'ConfChangeAddNode',
    nodeId: 0 as NodeId,
    context: new Uint8Array(0),
  };
  const r = new Reader(data);
  while (!r.done()) {
    const { field, wire } = r.tag();
    switch (field) {
      case 2:
        expectWire(wire, WIRE_VARINT, 'type');
        cc.type = enumValue(CHANGE_TYPES, r.varint(), 'conf change type');
        break;
      case 3:
        expectWire(wire, WIRE_VARINT, 'node_id');
        cc.nodeId = r.varint() as NodeId;
        break;
      case 4:
        expectWire(wire, WIRE_BYTES, 'context');
        cc.context = r.bytes();
        break;
      default:
        // Field 1 (etcd's ID) and anything unknown.
        r.skip(wire);
    }
  }
  return cc;
}

function encodeSingle(cc: ConfChangeSingle): Uint8Array {
  const w = new Writer();
  w.varintField(1, CHANGE_TYPES.indexOf(cc.type));
  w.varintField(2, cc.nodeId);
  return w.finish();
}

function decodeSingle(data: Uint8Array): ConfChangeSingle {
  const cc: ConfChangeSingle = { type: 'ConfChangeAddNode', nodeId: 0 as NodeId };
  const r = new Reader(data);
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1) {
      expectWire(wire, WIRE_VARINT, 'type');
      cc.type = enumValue(CHANGE_TYPES, r.varint(), 'conf change type');
    } else if (field === 2) {
      expectWire(wire, WIRE_VARINT, 'node_id');
      cc.nodeId = r.varint() as NodeId;
    } else {
      r.skip(wire);
    }
  }
  return cc;
}

/** The payload of an EntryConfChangeV2. The empty change (leave joint) encodes to 2 bytes. */
export function encodeConfChangeV2(cc: ConfChangeV2): Uint8Array {
  const w = new Writer();
  w.varintField(1, TRANSITIONS.indexOf(cc.transition));
  for (const single of cc.changes) w.bytesField(2, encodeSingle(single));
  if (cc.context.length > 0) w.bytesField(3, cc.context);
  return w.finish();
}

/** Reads the payload of an EntryConfChangeV2; empty data is the empty change. */
export function decodeConfChangeV2(data: Uint8Array): ConfChangeV2 {
  const cc: ConfChangeV2 = {
    transition: 'ConfChangeTransitionAuto',
    changes: [],
    context: new Uint8Array(0),
  };
  const r = new Reader(data);
  while (!r.done()) {
    const { field, wire } = r.tag();
    switch (field) {
      case 1:
        expectWire(wire, WIRE_VARINT, 'transition');
        cc.transition = enumValue(TRANSITIONS, r.varint(), 'transition');
        break;
      case 2:
        expectWire(wire, WIRE_BYTES, 'changes');
        cc.changes.push(decodeSingle(r.bytes()));
        break;
      case 3:
        expectWire(wire, WIRE_BYTES, 'context');
        cc.context = r.bytes();
        break;
      default:
        r.skip(wire);
    }
  }
  return cc;
}
