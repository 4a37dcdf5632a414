/**
 * Small helpers shared by the core and by runtimes: message classification, entry sizes, and
 * the sentinel ids of the local storage threads.
 */
import type {
  ConfState,
  Entry,
  EntryType,
  HardState,
  LogIndex,
  Message,
  MessageType,
  NodeId,
  Snapshot,
  Term,
} from './types.ts';

/**
 * The target of `MsgStorageAppend` messages with `asyncStorageWrites`: the local thread that
 * makes unstable entries, hard state and snapshots durable. etcd raft uses `math.MaxUint64`;
 * here a negative id, which no real node can have.
 */
export const LOCAL_APPEND_THREAD = -1 as NodeId;

/** The target of `MsgStorageApply` messages: the local thread that applies committed entries. */
export const LOCAL_APPLY_THREAD = -2 as NodeId;

/** True for the ids of the local storage threads. */
export const isLocalMsgTarget = (id: NodeId): boolean =>
  id === LOCAL_APPEND_THREAD || id === LOCAL_APPLY_THREAD;

const LOCAL_MSGS: ReadonlySet<MessageType> = new Set<MessageType>([
  'MsgHup',
  'MsgBeat',
  'MsgUnreachable',
  'MsgSnapStatus',
  'MsgCheckQuorum',
  'MsgStorageAppend',
  'MsgStorageAppendResp',
  'MsgStorageApply',
  'MsgStorageApplyResp',
]);

const RESPONSE_MSGS: ReadonlySet<MessageType> = new Set<MessageType>([
  'MsgAppResp',
  'MsgVoteResp',
  'MsgHeartbeatResp',
  'MsgUnreachable',
  'MsgReadIndexResp',
  'MsgPreVoteResp',
  'MsgStorageAppendResp',
  'MsgStorageApplyResp',
]);

/** True for messages that never cross the network (ticks, local storage, reports). */
export const isLocalMsg = (t: MessageType): boolean => LOCAL_MSGS.has(t);

/** True for messages that answer an earlier request. */
export const isResponseMsg = (t: MessageType): boolean => RESPONSE_MSGS.has(t);

/** The response type of a vote request: MsgVote -> MsgVoteResp, MsgPreVote -> MsgPreVoteResp. */
export function voteRespMsgType(t: MessageType): 'MsgVoteResp' | 'MsgPreVoteResp' {
  switch (t) {
    case 'MsgVote':
      return 'MsgVoteResp';
    case 'MsgPreVote':
      return 'MsgPreVoteResp';
    default:
      throw new Error(`not a vote message: ${t}`);
  }
}

/**
 * Builds a message with every field set. The core builds many messages on its hot path; an
 * object literal with all fields keeps them one shape, which is cheaper than spreading defaults.
 */
export function msg(
  type: MessageType,
  to: NodeId,
  fields?: {
    from?: NodeId;
    term?: Term;
    logTerm?: Term;
    index?: LogIndex;
    entries?: Entry[];
    commit?: LogIndex;
    vote?: NodeId;
    snapshot?: Snapshot | null;
    reject?: boolean;
    rejectHint?: LogIndex;
    context?: Uint8Array;
    responses?: Message[];
  },
): Message {
  return {
    type,
    to,
    from: fields?.from ?? (0 as NodeId),
    term: fields?.term ?? (0 as Term),
    logTerm: fields?.logTerm ?? (0 as Term),
    index: fields?.index ?? (0 as LogIndex),
    entries: fields?.entries ?? EMPTY_ENTRIES,
    commit: fields?.commit ?? (0 as LogIndex),
    vote: fields?.vote ?? (0 as NodeId),
    snapshot: fields?.snapshot ?? null,
    reject: fields?.reject ?? false,
    rejectHint: fields?.rejectHint ?? (0 as LogIndex),
    context: fields?.context ?? EMPTY_BYTES,
    responses: fields?.responses ?? EMPTY_MESSAGES,
  };
}

/**
 * A message of `type` to `to` with every other field at its zero value. The hot paths build
 * their messages with this and then set the few fields they need: `msg` reads its `fields`
 * argument, whose shape differs at every call site, and those reads dominated its cost.
 */
export function blankMsg(type: MessageType, to: NodeId): Message {
  return {
    type,
    to,
    from: 0 as NodeId,
    term: 0 as Term,
    logTerm: 0 as Term,
    index: 0 as LogIndex,
    entries: EMPTY_ENTRIES,
    commit: 0 as LogIndex,
    vote: 0 as NodeId,
    snapshot: null,
    reject: false,
    rejectHint: 0 as LogIndex,
    context: EMPTY_BYTES,
    responses: EMPTY_MESSAGES,
  };
}

/**
 * Shared empty values. They are frozen: a caller that pushes onto a message's `entries` or
 * `responses` must replace the array instead.
 */
export const EMPTY_ENTRIES: Entry[] = Object.freeze([]) as unknown as Entry[];
export const EMPTY_MESSAGES: Message[] = Object.freeze([]) as unknown as Message[];
export const EMPTY_BYTES = new Uint8Array(0);

const ENTRY_TYPE_NUM: Record<EntryType, number> = {
  EntryNormal: 0,
  EntryConfChange: 1,
  EntryConfChangeV2: 2,
};

/** Bytes of a protobuf varint holding `x` (x >= 0). */
function varintSize(x: number): number {
  let n = 1;
  while (x >= 128) {
    x = Math.floor(x / 128);
    n++;
  }
  return n;
}

/**
 * The size of an entry's payload: what `maxUncommittedEntriesSize` counts. An empty entry
 * counts zero, so a new leader's empty entry and an auto-leave proposal are never refused.
 */
export const payloadSize = (e: Entry): number => e.data.length;

/** The sum of `payloadSize` over `ents`. */
export function payloadsSize(ents: readonly Entry[]): number {
  let s = 0;
  for (let i = 0; i < ents.length; i++) s += (ents[i] as Entry).data.length;
  return s;
}

/**
 * The size of an entry as etcd's protobuf encoding would have it: what `maxSizePerMsg`,
 * `maxCommittedSizePerReady` and storage reads count. An empty payload is counted as absent,
 * as etcd counts the nil payload of its empty entries.
 */
export function entrySize(e: Entry): number {
  let n = 3 + varintSize(ENTRY_TYPE_NUM[e.type]) + varintSize(e.term) + varintSize(e.index);
  const l = e.data.length;
  if (l > 0) n += 1 + l + varintSize(l);
  return n;
}

/**
 * The size of a message as etcd's protobuf encoding would roughly have it: its header fields,
 * entries, snapshot and context. For display and accounting (the transport's real encoding may
 * differ).
 */
export function messageSize(m: Message): number {
  let n = 4 * 2 + 2 * 2; // type, to, from, term, reject and the small fields' tags
  // Local thread ids are negative here; count them as the small ids they stand for.
  n += varintSize(Math.max(m.to, 0)) + varintSize(Math.max(m.from, 0)) + varintSize(m.term);
  n += varintSize(m.logTerm) + varintSize(m.index) + varintSize(m.commit) + varintSize(m.vote);
  n += varintSize(m.rejectHint);
  for (let i = 0; i < m.entries.length; i++) {
    const es = entrySize(m.entries[i] as Entry);
    n += 1 + varintSize(es) + es;
  }
  if (m.snapshot !== null) {
    const d = m.snapshot.data.length;
    const cs = m.snapshot.metadata.confState;
    const ids = cs.voters.length + cs.learners.length + cs.votersOutgoing.length;
    n += 16 + d + varintSize(d) + 2 * (ids + cs.learnersNext.length);
  }
  if (m.context.length > 0) n += 1 + varintSize(m.context.length) + m.context.length;
  for (let i = 0; i < m.responses.length; i++) n += 2 + messageSize(m.responses[i] as Message);
  return n;
}

/** The sum of `entrySize` over `ents`. */
export function entsSize(ents: readonly Entry[]): number {
  let s = 0;
  for (let i = 0; i < ents.length; i++) s += entrySize(ents[i] as Entry);
  return s;
}

/**
 * The longest prefix of `ents` whose total `entrySize` is at most `maxSize`, but never fewer
 * than one entry (etcd's `limitSize`). Returns `ents` itself when nothing is cut.
 */
export function limitSize(ents: Entry[], maxSize: number): Entry[] {
  if (ents.length <= 1 || maxSize === Number.POSITIVE_INFINITY) return ents;
  let size = entrySize(ents[0] as Entry);
  let limit = 1;
  for (; limit < ents.length; limit++) {
    size += entrySize(ents[limit] as Entry);
    if (size > maxSize) break;
  }
  return limit === ents.length ? ents : ents.slice(0, limit);
}

/** True if `hs` is the zero HardState. */
export const isEmptyHardState = (hs: HardState): boolean =>
  hs.term === 0 && hs.vote === 0 && hs.commit === 0;

/** True if two HardStates are equal field by field. */
export const hardStatesEqual = (a: HardState, b: HardState): boolean =>
  a.term === b.term && a.vote === b.vote && a.commit === b.commit;

/** True if `s` is absent or has index 0 (etcd's `IsEmptySnap`). */
export const isEmptySnap = (s: Snapshot | null | undefined): boolean =>
  s === null || s === undefined || s.metadata.index === 0;

/**
 * True if the hard state and entries of a Ready require a synchronous write before its messages
 * are sent (etcd's `MustSync`): term, vote and log entries are the state Raft must not forget.
 * A commit index alone does not need an fsync.
 */
export const mustSync = (st: HardState, prev: HardState, entsNum: number): boolean =>
  entsNum !== 0 || st.vote !== prev.vote || st.term !== prev.term;

/** A ConfState with its id lists copied, so callers may keep it. */
export const cloneConfState = (cs: ConfState): ConfState => ({
  voters: cs.voters.slice(),
  learners: cs.learners.slice(),
  votersOutgoing: cs.votersOutgoing.slice(),
  learnersNext: cs.learnersNext.slice(),
  autoLeave: cs.autoLeave,
});

/** A request context (opaque bytes) as a map key. */
export function bytesKey(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i] as number);
  return s;
}

/** True if two byte arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
