/**
 * `Ready`: the unit of work the core hands to the application, and how it is assembled.
 */
import type { Raft } from './raft.ts';
import type { Entry, HardState, Message, ReadState, Snapshot, SoftState } from './types.ts';
import {
  blankMsg,
  hardStatesEqual,
  isEmptyHardState,
  isEmptySnap,
  LOCAL_APPEND_THREAD,
  LOCAL_APPLY_THREAD,
  msg,
  mustSync,
} from './util.ts';

/**
 * Work for the application. Handle it in this order: persist `hardState`, `entries` and
 * `snapshot` (synchronously if `mustSync`); send `messages`; apply `snapshot` and
 * `committedEntries` to the state machine; then call `advance`.
 *
 * With `asyncStorageWrites`, the persistence and application work is also carried by the
 * `MsgStorageAppend` and `MsgStorageApply` messages at the end of `messages`, addressed to
 * `LOCAL_APPEND_THREAD` and `LOCAL_APPLY_THREAD`; their `responses` are to be stepped back in
 * (or sent, when addressed to another node) once each write is done, and `advance` is not
 * called.
 */
export interface Ready {
  /** The new soft state, or null if it did not change. */
  softState: SoftState | null;
  /** The new hard state to persist, or null if it did not change. */
  hardState: HardState | null;
  /** Answers to ReadIndex requests. */
  readStates: ReadState[];
  /** Entries to append to stable storage (before the messages are sent). */
  entries: Entry[];
  /** A snapshot to persist and apply, or null. */
  snapshot: Snapshot | null;
  /** Committed entries to apply to the state machine. */
  committedEntries: Entry[];
  /**
   * Messages to send once the entries and hard state are persisted (a leader may send its
   * MsgApps before, but nothing is lost by waiting).
   */
  messages: Message[];
  /** True if the hard state and entries must be written synchronously (fsync). */
  mustSync: boolean;
}

/** What RawNode remembers between Readys. */
export interface ReadyState {
  readonly asyncStorageWrites: boolean;
  prevSoftSt: SoftState;
  prevHardSt: HardState;
  /** Local messages to step on `advance`: the effects of persisting and applying the Ready. */
  stepsOnAdvance: Message[];
}

const softStatesEqual = (a: SoftState, b: SoftState): boolean =>
  a.lead === b.lead && a.raftState === b.raftState;

/**
 * Assembles a Ready without marking anything as handed out. Committed entries may include
 * entries not yet durable locally, except with async storage writes (the apply thread could
 * otherwise overtake the append thread).
 */
export function readyWithoutAccept(r: Raft, st: ReadyState): Ready {
  const log = r.raftLog;
  const softSt = r.softState();
  const hardSt = r.hardState();
  const rd: Ready = {
    softState: softStatesEqual(softSt, st.prevSoftSt) ? null : softSt,
    hardState: hardStatesEqual(hardSt, st.prevHardSt) ? null : hardSt,
    readStates: r.readStates.length === 0 ? [] : r.readStates,
    entries: log.nextUnstableEnts(),
    snapshot: log.nextUnstableSnapshot(),
    committedEntries: log.nextCommittedEnts(!st.asyncStorageWrites),
    // The Ready takes over the queue; acceptReady starts a new one.
    messages: r.msgs,
    mustSync: false,
  };
  rd.mustSync = mustSync(hardSt, st.prevHardSt, rd.entries.length);

  if (st.asyncStorageWrites) {
    if (needStorageAppendMsg(r, rd)) rd.messages.push(newStorageAppendMsg(r, rd));
    if (rd.committedEntries.length > 0) rd.messages.push(newStorageApplyMsg(r, rd));
  } else {
    // Without async writes the Ready's contract already orders sends after persistence.
    for (const m of r.msgsAfterAppend) if (m.to !== r.id) rd.messages.push(m);
  }
  return rd;
}

/** True if log entries, the hard state or a snapshot must be persisted, or a response waits. */
function needStorageAppendMsg(r: Raft, rd: Ready): boolean {
  return (
    rd.entries.length > 0 ||
    (rd.hardState !== null && !isEmptyHardState(rd.hardState)) ||
    !isEmptySnap(rd.snapshot) ||
    r.msgsAfterAppend.length > 0
  );
}

/**
 * True if the core must hear that the unstable state was persisted: there are unstable
 * entries (handed out now or earlier), or a snapshot.
 */
function needStorageAppendRespMsg(r: Raft, rd: Ready): boolean {
  return r.raftLog.hasNextOrInProgressUnstableEnts() || !isEmptySnap(rd.snapshot);
}

/**
 * The MsgStorageAppend for the append thread: the entries, hard state and snapshot to persist,
 * and the responses to deliver once they are durable. The responses are the messages that
 * waited for durability (votes, acknowledgements) followed by the MsgStorageAppendResp to
 * this node. That order matters: the leader's own MsgAppResp is handled while its entries are
 * still in the unstable log, where looking up their terms is cheap.
 */
function newStorageAppendMsg(r: Raft, rd: Ready): Message {
  const hs = rd.hardState;
  const withHs = hs !== null && !isEmptyHardState(hs);
  const responses = r.msgsAfterAppend.slice();
  if (needStorageAppendRespMsg(r, rd)) responses.push(newStorageAppendRespMsg(r, rd));
  return msg('MsgStorageAppend', LOCAL_APPEND_THREAD, {
    from: r.id,
    entries: rd.entries,
    term: withHs ? hs.term : undefined,
    vote: withHs ? hs.vote : undefined,
    commit: withHs ? hs.commit : undefined,
    snapshot: isEmptySnap(rd.snapshot) ? null : rd.snapshot,
    responses,
  });
}

/**
 * The MsgStorageAppendResp that reports the unstable state persisted. It names the last entry
 * of the log and the current term. The term guards against a race: if the log tail was
 * replaced in a newer term while this write was in flight, the report is ignored, because a
 * write of the replacement may still be pending and would otherwise look durable too early.
 * Every term change produces a new MsgStorageAppend, so some report eventually lands in the
 * right term and the unstable log does not grow forever.
 */
function newStorageAppendRespMsg(r: Raft, rd: Ready): Message {
  const m = blankMsg('MsgStorageAppendResp', r.id);
  m.from = LOCAL_APPEND_THREAD;
  m.term = r.term;
  if (r.raftLog.hasNextOrInProgressUnstableEnts()) {
    const last = r.raftLog.lastEntryId();
    m.index = last.index;
    m.logTerm = last.term;
  }
  if (!isEmptySnap(rd.snapshot)) m.snapshot = rd.snapshot;
  return m;
}

/** The MsgStorageApply for the apply thread: committed entries and the response to return. */
function newStorageApplyMsg(r: Raft, rd: Ready): Message {
  return msg('MsgStorageApply', LOCAL_APPLY_THREAD, {
    from: r.id,
    entries: rd.committedEntries,
    responses: [newStorageApplyRespMsg(r, rd.committedEntries)],
  });
}

function newStorageApplyRespMsg(r: Raft, ents: Entry[]): Message {
  const m = blankMsg('MsgStorageApplyResp', r.id);
  m.from = LOCAL_APPLY_THREAD;
  m.entries = ents;
  return m;
}

/**
 * Marks the Ready as handed out: what it carries will not be handed out again, and (without
 * async writes) the local messages that acknowledge it are queued for `advance`.
 */
export function acceptReady(r: Raft, st: ReadyState, rd: Ready): void {
  if (rd.softState !== null) st.prevSoftSt = rd.softState;
  if (rd.hardState !== null) st.prevHardSt = rd.hardState;
  if (rd.readStates.length > 0) r.readStates = [];
  if (!st.asyncStorageWrites) {
    if (st.stepsOnAdvance.length !== 0) {
      throw new Error('two accepted Ready structs without call to Advance');
    }
    for (const m of r.msgsAfterAppend) if (m.to === r.id) st.stepsOnAdvance.push(m);
    if (needStorageAppendRespMsg(r, rd)) st.stepsOnAdvance.push(newStorageAppendRespMsg(r, rd));
    if (rd.committedEntries.length > 0) {
      st.stepsOnAdvance.push(newStorageApplyRespMsg(r, rd.committedEntries));
    }
  }
  r.msgs = [];
  r.msgsAfterAppend = [];
  r.raftLog.acceptUnstable();
  const ents = rd.committedEntries;
  if (ents.length > 0) {
    const last = ents[ents.length - 1] as Entry;
    r.raftLog.acceptApplying(last.index, r.raftLog.applyingSize(ents), !st.asyncStorageWrites);
  }
  if (r.traceSink !== undefined) r.trace('Ready');
}

/** True if a Ready would carry anything. */
export function hasReady(r: Raft, st: ReadyState): boolean {
  if (!softStatesEqual(r.softState(), st.prevSoftSt)) return true;
  const hs = r.hardState();
  if (!isEmptyHardState(hs) && !hardStatesEqual(hs, st.prevHardSt)) return true;
  const log = r.raftLog;
  if (log.hasNextUnstableSnapshot()) return true;
  if (r.msgs.length > 0 || r.msgsAfterAppend.length > 0) return true;
  if (log.hasNextUnstableEnts() || log.hasNextCommittedEnts(!st.asyncStorageWrites)) return true;
  return r.readStates.length !== 0;
}
