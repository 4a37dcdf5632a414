/**
 * Text forms of the core's values, exactly as etcd raft's `Describe*` helpers print them in
 * the interaction scripts: `1/3 EntryNormal "data"`, `1->2 MsgApp Term:1 Log:1/2 Commit:2
 * Entries:[...]`, `Ready MustSync=true:` blocks and so on. The scripts compare these lines
 * verbatim, so every rule about which field prints when zero lives here.
 */
import { decodeConfChange, decodeConfChangeV2 } from '../../src/confchange/codec.ts';
import { asV2, confChangesToString } from '../../src/confchange/conv.ts';
import type { RaftTraceEvent } from '../../src/trace.ts';
import type {
  ConfState,
  Entry,
  HardState,
  Message,
  NodeId,
  ReadState,
  Snapshot,
  SoftState,
} from '../../src/types.ts';
import { goQuote } from './go-quote.ts';

/** etcd's ids of the local storage threads (math.MaxUint64 and MaxUint64 - 1 in Go). */
export interface LocalTargets {
  appendThread: NodeId;
  applyThread: NodeId;
}

/** What a Ready carries, structurally; the core's `Ready` satisfies it. */
export interface ReadyLike {
  softState: SoftState | null;
  hardState: HardState | null;
  readStates: ReadState[];
  entries: Entry[];
  snapshot: Snapshot | null;
  committedEntries: Entry[];
  messages: Message[];
  mustSync: boolean;
}

/** Formats an entry payload; the scripts use Go's `%q`. */
export type EntryFormatter = (data: Uint8Array) => string;

export const defaultEntryFormatter: EntryFormatter = goQuote;

export function isEmptyHardState(hs: HardState | null): boolean {
  return hs === null || (hs.term === 0 && hs.vote === 0 && hs.commit === 0);
}

/** A snapshot counts as absent when its index is 0, as etcd's IsEmptySnap decides. */
export function isEmptySnap(s: Snapshot | null): boolean {
  return s === null || s.metadata.index === 0;
}

export function describeHardState(hs: HardState): string {
  const vote = hs.vote !== 0 ? ` Vote:${hs.vote}` : '';
  return `Term:${hs.term}${vote} Commit:${hs.commit}`;
}

export function describeSoftState(ss: SoftState): string {
  return `Lead:${ss.lead} State:${ss.raftState}`;
}

/** Go's `%v` of a uint64 slice: `[1 2 3]`. */
function goList(ids: readonly number[]): string {
  return `[${ids.join(' ')}]`;
}

export function describeConfState(cs: ConfState): string {
  return (
    `Voters:${goList(cs.voters)} VotersOutgoing:${goList(cs.votersOutgoing)} ` +
    `Learners:${goList(cs.learners)} LearnersNext:${goList(cs.learnersNext)} ` +
    `AutoLeave:${cs.autoLeave}`
  );
}

export function describeSnapshot(s: Snapshot): string {
  const m = s.metadata;
  return `Index:${m.index} Term:${m.term} ConfState:${describeConfState(m.confState)}`;
}

/** The `v2 l3 r1` form of a configuration change entry's payload. */
function describeConfChangeData(e: Entry): string {
  const cc = e.type === 'EntryConfChange' ? decodeConfChange(e.data) : decodeConfChangeV2(e.data);
  return confChangesToString(asV2(cc).changes);
}

export function describeEntry(e: Entry, f: EntryFormatter = defaultEntryFormatter): string {
  const formatted = e.type === 'EntryNormal' ? f(e.data) : describeConfChangeData(e);
  const suffix = formatted === '' ? '' : ` ${formatted}`;
  return `${e.term}/${e.index} ${e.type}${suffix}`;
}

/** One line per entry, each ending in a newline. */
export function describeEntries(ents: Entry[], f: EntryFormatter = defaultEntryFormatter): string {
  return ents.map((e) => `${describeEntry(e, f)}\n`).join('');
}

/** A message endpoint: the storage threads by name, peers in hex as etcd prints them. */
export function describeTarget(id: NodeId, local: LocalTargets): string {
  if (id === 0) return 'None';
  if (id === local.appendThread) return 'AppendThread';
  if (id === local.applyThread) return 'ApplyThread';
  return id.toString(16);
}

export function describeMessage(
  m: Message,
  local: LocalTargets,
  f: EntryFormatter = defaultEntryFormatter,
): string {
  return describeMessageWithIndent('', m, local, f);
}

function describeMessageWithIndent(
  indent: string,
  m: Message,
  local: LocalTargets,
  f: EntryFormatter,
): string {
  const from = describeTarget(m.from, local);
  const to = describeTarget(m.to, local);
  let out = `${indent}${from}->${to} ${m.type} Term:${m.term} Log:${m.logTerm}/${m.index}`;
  if (m.reject) out += ` Rejected (Hint: ${m.rejectHint})`;
  if (m.commit !== 0) out += ` Commit:${m.commit}`;
  if (m.vote !== 0) out += ` Vote:${m.vote}`;
  const [first] = m.entries;
  if (m.entries.length === 1 && first !== undefined) {
    out += ` Entries:[${describeEntry(first, f)}]`;
  } else if (m.entries.length > 1) {
    out += ' Entries:[';
    for (const e of m.entries) out += `\n${indent}  ${describeEntry(e, f)}`;
    out += `\n${indent}]`;
  }
  if (!isEmptySnap(m.snapshot) && m.snapshot !== null) {
    out += `\n${indent}  Snapshot: ${describeSnapshot(m.snapshot)}`;
  }
  if (m.responses.length > 0) {
    out += ' Responses:[';
    for (const r of m.responses)
      out += `\n${describeMessageWithIndent(`${indent}  `, r, local, f)}`;
    out += `\n${indent}]`;
  }
  return out;
}

/** Go's `%v` of a byte slice: decimal bytes, `[104 105]`. */
function goBytes(data: Uint8Array): string {
  return `[${Array.from(data).join(' ')}]`;
}

/** Go's `%v` of `[]ReadState`: `[{12 [114 49]} {13 []}]`. */
export function describeReadStates(rs: ReadState[]): string {
  return `[${rs.map((r) => `{${r.index} ${goBytes(r.requestCtx)}}`).join(' ')}]`;
}

/** The block a `process-ready` prints, or `<empty Ready>`. */
export function describeReady(
  rd: ReadyLike,
  local: LocalTargets,
  f: EntryFormatter = defaultEntryFormatter,
): string {
  let body = '';
  if (rd.softState !== null) body += `${describeSoftState(rd.softState)}\n`;
  if (rd.hardState !== null && !isEmptyHardState(rd.hardState)) {
    body += `HardState ${describeHardState(rd.hardState)}\n`;
  }
  if (rd.readStates.length > 0) body += `ReadStates ${describeReadStates(rd.readStates)}\n`;
  if (rd.entries.length > 0) body += `Entries:\n${describeEntries(rd.entries, f)}`;
  if (rd.snapshot !== null && !isEmptySnap(rd.snapshot)) {
    body += `Snapshot ${describeSnapshot(rd.snapshot)}\n`;
  }
  if (rd.committedEntries.length > 0) {
    body += `CommittedEntries:\n${describeEntries(rd.committedEntries, f)}`;
  }
  if (rd.messages.length > 0) {
    body += 'Messages:\n';
    for (const m of rd.messages) body += `${describeMessage(m, local, f)}\n`;
  }
  return body === '' ? '<empty Ready>' : `Ready MustSync=${rd.mustSync}:\n${body}`;
}

/**
 * A trace event the script asked to see: `TRACE 1 ProposalDropped NoLeader`, with the
 * configuration change in the `v2 l3` notation when the event carries one.
 */
export function describeTraceEvent(ev: RaftTraceEvent): string {
  let out = `TRACE ${ev.id.toString(16)} ${ev.name}`;
  if (ev.reason !== undefined) out += ` ${ev.reason}`;
  if (ev.confChange !== undefined) {
    const changes = ev.confChange.changes;
    out += changes.length === 0 ? ' (leave joint)' : ` (${confChangesToString(changes)})`;
  }
  return out;
}
