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

/**
 * Entries listed per message summary. A MsgApp can carry thousands; the summary lists the first
 * ones and `entryCount` says how many there were, which keeps a long trace small.
 */
export const SUMMARY_ENTRIES_MAX = 16;

// The same message is summarised for several events (the core's Send event, the shaper's, a
// drop); summaries are immutable, so one object serves them all.
const cache = new WeakMap<Message, MessageSummary>();

export function summarizeMessage(m: Message): MessageSummary {
  const hit = cache.get(m);
  if (hit !== undefined) return hit;
  const listed =
    m.entries.length > SUMMARY_ENTRIES_MAX ? m.entries.slice(0, SUMMARY_ENTRIES_MAX) : m.entries;
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
    entries: listed.map((e) => [e.term, e.index, e.type, e.data.length]),
    entryCount: m.entries.length,
    bytes: messageBytes(m),
  };
  if (m.snapshot) {
    summary.snapshot = { index: m.snapshot.metadata.index, term: m.snapshot.metadata.term };
  }
  cache.set(m, summary);
  return summary;
}
