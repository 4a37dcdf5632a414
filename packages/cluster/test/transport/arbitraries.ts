/** fast-check generators for the wire vocabulary, shared by the codec and transport tests. */

import {
  type ConfState,
  type Entry,
  type EntryType,
  LOCAL_APPEND_THREAD,
  LOCAL_APPLY_THREAD,
  type LogIndex,
  MESSAGE_TYPES,
  type Message,
  type NodeId,
  type Snapshot,
  type Term,
} from '@raftlens/raft';
import fc from 'fast-check';
import type { Envelope } from '../../src/transport/types.ts';

// Mostly small numbers, as in a real cluster, with the occasional extreme.
const uint = fc.oneof(
  { weight: 4, arbitrary: fc.nat(20) },
  { weight: 1, arbitrary: fc.nat({ max: Number.MAX_SAFE_INTEGER }) },
);
const id = uint.map((n) => n as NodeId);
// Messages to and from the local storage threads carry their negative sentinel ids.
const endpoint = fc.oneof(
  { weight: 8, arbitrary: id },
  { weight: 1, arbitrary: fc.constantFrom(LOCAL_APPEND_THREAD, LOCAL_APPLY_THREAD) },
);
const termArb = uint.map((n) => n as Term);
const index = uint.map((n) => n as LogIndex);
const bytes = fc.oneof(
  { weight: 2, arbitrary: fc.constant(new Uint8Array(0)) },
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 64 }) },
);
const entryType = fc.constantFrom<EntryType>('EntryNormal', 'EntryConfChange', 'EntryConfChangeV2');

export const entryArb: fc.Arbitrary<Entry> = fc.record({
  term: termArb,
  index,
  type: entryType,
  data: bytes,
});

const confStateArb: fc.Arbitrary<ConfState> = fc.record({
  voters: fc.array(id, { maxLength: 5 }),
  learners: fc.array(id, { maxLength: 3 }),
  votersOutgoing: fc.array(id, { maxLength: 5 }),
  learnersNext: fc.array(id, { maxLength: 3 }),
  autoLeave: fc.boolean(),
});

const snapshotArb: fc.Arbitrary<Snapshot> = fc.record({
  data: bytes,
  metadata: fc.record({ confState: confStateArb, index, term: termArb }),
});

const messageFields = {
  type: fc.constantFrom(...MESSAGE_TYPES),
  to: endpoint,
  from: endpoint,
  term: termArb,
  logTerm: termArb,
  index,
  entries: fc.array(entryArb, { maxLength: 4 }),
  commit: index,
  vote: id,
  snapshot: fc.option(snapshotArb, { nil: null }),
  reject: fc.boolean(),
  rejectHint: index,
  context: bytes,
};

/** A message without responses, as peers exchange them. */
export const leafMessageArb: fc.Arbitrary<Message> = fc.record({
  ...messageFields,
  responses: fc.constant([]),
});

/** A message whose `responses` may hold messages, as local storage messages do. */
export const messageArb: fc.Arbitrary<Message> = fc.record({
  ...messageFields,
  responses: fc.array(leafMessageArb, { maxLength: 3 }),
});

export const envelopeArb: fc.Arbitrary<Envelope> = fc.record({
  group: uint,
  msgId: fc.string({ minLength: 1, maxLength: 40 }),
  msg: messageArb,
});
