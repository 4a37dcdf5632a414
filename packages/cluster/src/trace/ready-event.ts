import type { Ready } from '@raftlens/raft';
import type { ReadyEvent } from '@raftlens/trace';

/** What a Ready contained, as the trace's Ready event (without the event base fields). */
export function readyEventFields(
  rd: Ready,
): Omit<ReadyEvent, 'seq' | 'wallMs' | 'node' | 'group' | 'tick'> {
  const first = rd.entries[0];
  const last = rd.entries[rd.entries.length - 1];
  const cFirst = rd.committedEntries[0];
  const cLast = rd.committedEntries[rd.committedEntries.length - 1];
  const event: Omit<ReadyEvent, 'seq' | 'wallMs' | 'node' | 'group' | 'tick'> = {
    kind: 'ready',
    name: 'Ready',
    mustSync: rd.mustSync,
    entries: first && last ? [first.index, last.index] : null,
    committed: cFirst && cLast ? [cFirst.index, cLast.index] : null,
    messages: rd.messages.length,
    readStates: rd.readStates.length,
  };
  if (rd.softState) event.softState = { lead: rd.softState.lead, role: rd.softState.raftState };
  if (rd.hardState) {
    event.hardState = {
      term: rd.hardState.term,
      vote: rd.hardState.vote,
      commit: rd.hardState.commit,
    };
  }
  if (rd.snapshot) {
    event.snapshot = { index: rd.snapshot.metadata.index, term: rd.snapshot.metadata.term };
  }
  return event;
}
