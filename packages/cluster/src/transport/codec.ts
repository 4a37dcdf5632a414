/**
 * The wire encoding of an envelope: one JSON text per WebSocket frame.
 *
 * JSON keeps frames readable in a packet capture and in the dashboard, which matters more here
 * than the bytes a binary encoding would save. Byte payloads (entry data, snapshot data,
 * message context) travel as base64 strings. Fields at their zero value are left out, except
 * `type`, `to`, `from` and `term`, so that a heartbeat is a few dozen bytes.
 *
 * Decoding trusts nothing: every field is checked for its type and range, unknown keys and
 * unknown message or entry types are refused, and nesting is bounded, so that a hostile or
 * broken peer can only get its frame dropped.
 */

import {
  type ConfState,
  type Entry,
  type EntryType,
  LOCAL_APPEND_THREAD,
  LOCAL_APPLY_THREAD,
  type LogIndex,
  MESSAGE_TYPES,
  type Message,
  type MessageType,
  type NodeId,
  type Snapshot,
  type Term,
} from '@raftlens/raft';
import type { Envelope } from './types.ts';

/** Why a frame was refused. Stable codes; `detail` is for logs only. */
export type DecodeErrorCode =
  | 'MalformedFrame'
  | 'InvalidEnvelope'
  | 'InvalidMessage'
  | 'UnknownMessageType';

export type DecodeResult =
  | { ok: true; env: Envelope }
  | { ok: false; code: DecodeErrorCode; detail: string };

/** Longest `msgId` accepted; runtime ids are short, and a long one only costs memory. */
export const MSG_ID_LENGTH_MAX = 128;
/** How deep `responses` may nest. etcd uses one level (storage messages carry responses). */
export const RESPONSES_DEPTH_MAX = 4;

const MESSAGE_TYPE_SET: ReadonlySet<string> = new Set(MESSAGE_TYPES);

// A record over the union makes the compiler insist on every entry type.
const ENTRY_TYPES: Record<EntryType, true> = {
  EntryNormal: true,
  EntryConfChange: true,
  EntryConfChangeV2: true,
};

const ENVELOPE_KEYS = new Set(['group', 'msgId', 'msg']);
const MESSAGE_KEYS = new Set([
  'type',
  'to',
  'from',
  'term',
  'logTerm',
  'index',
  'entries',
  'commit',
  'vote',
  'snapshot',
  'reject',
  'rejectHint',
  'context',
  'responses',
]);
const ENTRY_KEYS = new Set(['term', 'index', 'type', 'data']);
const SNAPSHOT_KEYS = new Set(['data', 'metadata']);
const METADATA_KEYS = new Set(['confState', 'index', 'term']);
const CONF_STATE_KEYS = new Set([
  'voters',
  'learners',
  'votersOutgoing',
  'learnersNext',
  'autoLeave',
]);

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Encodes an envelope as one JSON text. The envelope is trusted: it comes from this node. */
export function encodeEnvelope(env: Envelope): string {
  return JSON.stringify({ group: env.group, msgId: env.msgId, msg: messageToWire(env.msg) });
}

/** Decodes and validates one frame. Never throws. */
export function decodeEnvelope(text: string): DecodeResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, code: 'MalformedFrame', detail: `not JSON: ${errorText(e)}` };
  }
  try {
    return { ok: true, env: envelopeFromWire(raw) };
  } catch (e) {
    if (e instanceof FrameError) return { ok: false, code: e.code, detail: e.message };
    // Only a bug in this file gets here (or a stack overflow, which depth bounds prevent).
    return { ok: false, code: 'MalformedFrame', detail: `decoder failed: ${errorText(e)}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding

function messageToWire(m: Message): Record<string, unknown> {
  const w: Record<string, unknown> = { type: m.type, to: m.to, from: m.from, term: m.term };
  if (m.logTerm !== 0) w.logTerm = m.logTerm;
  if (m.index !== 0) w.index = m.index;
  if (m.entries.length > 0) w.entries = m.entries.map(entryToWire);
  if (m.commit !== 0) w.commit = m.commit;
  if (m.vote !== 0) w.vote = m.vote;
  if (m.snapshot !== null) w.snapshot = snapshotToWire(m.snapshot);
  if (m.reject) w.reject = true;
  if (m.rejectHint !== 0) w.rejectHint = m.rejectHint;
  if (m.context.length > 0) w.context = toBase64(m.context);
  if (m.responses.length > 0) w.responses = m.responses.map(messageToWire);
  return w;
}

function entryToWire(e: Entry): Record<string, unknown> {
  const w: Record<string, unknown> = { term: e.term, index: e.index };
  if (e.type !== 'EntryNormal') w.type = e.type;
  if (e.data.length > 0) w.data = toBase64(e.data);
  return w;
}

function snapshotToWire(s: Snapshot): Record<string, unknown> {
  const cs = s.metadata.confState;
  return {
    data: toBase64(s.data),
    metadata: {
      index: s.metadata.index,
      term: s.metadata.term,
      confState: {
        voters: cs.voters,
        learners: cs.learners,
        votersOutgoing: cs.votersOutgoing,
        learnersNext: cs.learnersNext,
        autoLeave: cs.autoLeave,
      },
    },
  };
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

// ---------------------------------------------------------------------------------------------
// Decoding

class FrameError extends Error {
  constructor(
    readonly code: DecodeErrorCode,
    detail: string,
  ) {
    super(detail);
  }
}

function envelopeFromWire(raw: unknown): Envelope {
  const o = asRecord(raw, 'envelope', 'InvalidEnvelope');
  checkKeys(o, ENVELOPE_KEYS, 'envelope', 'InvalidEnvelope');
  const group = o.group;
  if (!isUint(group)) throw new FrameError('InvalidEnvelope', 'group: not a non-negative integer');
  const msgId = o.msgId;
  if (typeof msgId !== 'string' || msgId.length === 0 || msgId.length > MSG_ID_LENGTH_MAX) {
    throw new FrameError('InvalidEnvelope', `msgId: not a string of 1..${MSG_ID_LENGTH_MAX}`);
  }
  if (o.msg === undefined) throw new FrameError('InvalidEnvelope', 'msg: missing');
  return { group, msgId, msg: messageFromWire(o.msg, 'msg', 0) };
}

function messageFromWire(raw: unknown, path: string, depth: number): Message {
  const o = asRecord(raw, path, 'InvalidMessage');
  const type = o.type;
  if (typeof type !== 'string') throw new FrameError('InvalidMessage', `${path}.type: missing`);
  if (!MESSAGE_TYPE_SET.has(type)) {
    throw new FrameError('UnknownMessageType', `${path}.type: ${JSON.stringify(type)}`);
  }
  checkKeys(o, MESSAGE_KEYS, path, 'InvalidMessage');
  return {
    type: type as MessageType,
    to: nodeIdField(o, 'to', path),
    from: nodeIdField(o, 'from', path),
    term: uintField(o, 'term', path, true) as Term,
    logTerm: uintField(o, 'logTerm', path, false) as Term,
    index: uintField(o, 'index', path, false) as LogIndex,
    entries: entriesFromWire(o, path),
    commit: uintField(o, 'commit', path, false) as LogIndex,
    vote: uintField(o, 'vote', path, false) as NodeId,
    snapshot: o.snapshot === undefined ? null : snapshotFromWire(o.snapshot, `${path}.snapshot`),
    reject: boolField(o, 'reject', path),
    rejectHint: uintField(o, 'rejectHint', path, false) as LogIndex,
    context: bytesField(o, 'context', path),
    responses: responsesFromWire(o, path, depth),
  };
}

function responsesFromWire(o: Record<string, unknown>, path: string, depth: number): Message[] {
  const list = arrayField(o, 'responses', path);
  if (list.length > 0 && depth >= RESPONSES_DEPTH_MAX) {
    throw new FrameError('InvalidMessage', `${path}.responses: nested deeper than allowed`);
  }
  return list.map((r, i) => messageFromWire(r, `${path}.responses[${i}]`, depth + 1));
}

function entriesFromWire(o: Record<string, unknown>, path: string): Entry[] {
  const list = arrayField(o, 'entries', path);
  const out: Entry[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) out[i] = entryFromWire(list[i], path, i);
  return out;
}

/** Entry `i` of a message's entries; its path is spelt out only for an error. */
function entryFromWire(raw: unknown, msgPath: string, i: number): Entry {
  const o = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : null;
  const term = (o as Record<string, unknown> | null)?.term;
  const index = (o as Record<string, unknown> | null)?.index;
  const data = (o as Record<string, unknown> | null)?.data;
  const type = (o as Record<string, unknown> | null)?.type ?? 'EntryNormal';
  // The common entry, checked without building a path; anything else takes the slow path.
  if (
    o !== null &&
    isUint(term) &&
    isUint(index) &&
    (data === undefined || (typeof data === 'string' && BASE64.test(data))) &&
    typeof type === 'string' &&
    Object.hasOwn(ENTRY_TYPES, type) &&
    hasOnlyKeys(o as Record<string, unknown>, ENTRY_KEYS)
  ) {
    return {
      term: term as Term,
      index: index as LogIndex,
      type: type as EntryType,
      data: data === undefined ? new Uint8Array(0) : new Uint8Array(Buffer.from(data, 'base64')),
    };
  }
  return entryFromWireChecked(raw, `${msgPath}.entries[${i}]`);
}

function entryFromWireChecked(raw: unknown, path: string): Entry {
  const o = asRecord(raw, path, 'InvalidMessage');
  checkKeys(o, ENTRY_KEYS, path, 'InvalidMessage');
  const type = o.type ?? 'EntryNormal';
  if (typeof type !== 'string' || !Object.hasOwn(ENTRY_TYPES, type)) {
    throw new FrameError('InvalidMessage', `${path}.type: not an entry type`);
  }
  return {
    term: uintField(o, 'term', path, true) as Term,
    index: uintField(o, 'index', path, true) as LogIndex,
    type: type as EntryType,
    data: bytesField(o, 'data', path),
  };
}

function hasOnlyKeys(o: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key in o) if (!allowed.has(key)) return false;
  return true;
}

function snapshotFromWire(raw: unknown, path: string): Snapshot {
  const o = asRecord(raw, path, 'InvalidMessage');
  checkKeys(o, SNAPSHOT_KEYS, path, 'InvalidMessage');
  const mpath = `${path}.metadata`;
  const meta = asRecord(o.metadata, mpath, 'InvalidMessage');
  checkKeys(meta, METADATA_KEYS, mpath, 'InvalidMessage');
  return {
    data: bytesField(o, 'data', path),
    metadata: {
      index: uintField(meta, 'index', mpath, true) as LogIndex,
      term: uintField(meta, 'term', mpath, true) as Term,
      confState: confStateFromWire(meta.confState, `${mpath}.confState`),
    },
  };
}

function confStateFromWire(raw: unknown, path: string): ConfState {
  const o = asRecord(raw, path, 'InvalidMessage');
  checkKeys(o, CONF_STATE_KEYS, path, 'InvalidMessage');
  const ids = (key: string): NodeId[] =>
    arrayField(o, key, path).map((v, i) => {
      if (!isUint(v)) throw new FrameError('InvalidMessage', `${path}.${key}[${i}]: not an id`);
      return v as NodeId;
    });
  return {
    voters: ids('voters'),
    learners: ids('learners'),
    votersOutgoing: ids('votersOutgoing'),
    learnersNext: ids('learnersNext'),
    autoLeave: boolField(o, 'autoLeave', path),
  };
}

function asRecord(raw: unknown, path: string, code: DecodeErrorCode): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new FrameError(code, `${path}: not an object`);
  }
  return raw as Record<string, unknown>;
}

function checkKeys(
  o: Record<string, unknown>,
  allowed: ReadonlySet<string>,
  path: string,
  code: DecodeErrorCode,
): void {
  for (const key of Object.keys(o)) {
    if (!allowed.has(key)) throw new FrameError(code, `${path}: unknown field ${key}`);
  }
}

function isUint(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function uintField(
  o: Record<string, unknown>,
  key: string,
  path: string,
  required: boolean,
): number {
  const v = o[key];
  if (v === undefined && !required) return 0;
  if (!isUint(v)) throw new FrameError('InvalidMessage', `${path}.${key}: not a uint`);
  return v;
}

/**
 * A message's `to` or `from`: a node id, or one of the core's local storage threads (negative
 * ids), which appear in the `responses` of storage messages should a runtime encode those.
 */
function nodeIdField(o: Record<string, unknown>, key: string, path: string): NodeId {
  const v = o[key];
  if (v === LOCAL_APPEND_THREAD || v === LOCAL_APPLY_THREAD) return v as NodeId;
  if (!isUint(v)) throw new FrameError('InvalidMessage', `${path}.${key}: not a node id`);
  return v as NodeId;
}

function boolField(o: Record<string, unknown>, key: string, path: string): boolean {
  const v = o[key];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new FrameError('InvalidMessage', `${path}.${key}: not bool`);
  return v;
}

function arrayField(o: Record<string, unknown>, key: string, path: string): unknown[] {
  const v = o[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new FrameError('InvalidMessage', `${path}.${key}: not an array`);
  return v;
}

function bytesField(o: Record<string, unknown>, key: string, path: string): Uint8Array {
  const v = o[key];
  if (v === undefined) return new Uint8Array(0);
  if (typeof v !== 'string' || !BASE64.test(v)) {
    throw new FrameError('InvalidMessage', `${path}.${key}: not base64`);
  }
  // Copy out of Buffer's shared pool so a payload never pins unrelated memory.
  return new Uint8Array(Buffer.from(v, 'base64'));
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
