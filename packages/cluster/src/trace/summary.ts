/**
 * Conversions from the core's values to the plain shapes of the trace format.
 */

import type { Entry, Message } from '@raftlens/raft';
import type { MessageSummary } from '@raftlens/trace';

/** Bytes a message header takes on the wire, roughly; entries and snapshots add their payload. */
const HEADER_BYTES = 48;
const ENTRY_OVERHEAD_BYTES = 16;

export function entryBytes(e: Entry): number {
  return ENTRY_OVERHEAD_BYTES + e.data.length;
}

export function messageBytes(m: Message): number {
  let n = HEADER_BYTES + m.context.length;
  for (const e of m.entries) n += entryBytes(e);
  if (m.snapshot) n += m.snapshot.data.length + 32;
  return n;
}

export function summarizeMessage(m: Message): MessageSummary {
  const summary: MessageSummary = {
    type: m.type,
    from: m.from,
    to: m.to,
    term: m.term,
    logTerm: m.logTerm,
    index: m.index,
    commit: m.commit,
    vote: m.vote,
    reject: m.reject,
    rejectHint: m.rejectHint,
    entries: m.entries.map((e) => [e.term, e.index, e.type, e.data.length]),
    entryCount: m.entries.length,
    bytes: messageBytes(m),
  };
  if (m.snapshot) {
    summary.snapshot = { index: m.snapshot.metadata.index, term: m.snapshot.metadata.term };
  }
  return summary;
}
