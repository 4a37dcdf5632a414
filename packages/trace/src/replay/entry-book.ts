/**
 * What the trace says about individual log entries: type, size and a short description.
 *
 * In Raft an index and a term name one entry, whichever node holds it and whenever (the Log
 * Matching property), so the book is keyed by (group, index, term) and is the same at every
 * moment of the replay: it is built once, as events arrive, and never checkpointed. A replayed
 * moment may therefore show the type or description of an entry learned from a later event;
 * that is still a fact about the same entry, not a guess.
 */

import type { TraceEvent } from '../events.ts';
import type { ClusterSnapshot } from '../snapshot.ts';

export interface EntryInfo {
  term: number;
  /** `EntryNormal`, `EntryConfChange`, ... or null when no message carried it. */
  type: string | null;
  /** Payload bytes, or null when unknown. */
  bytes: number | null;
  /** What the entry does, from the proposal that landed there (`put k`), or null. */
  summary: string | null;
}

export class EntryBook {
  /** group -> index -> the entries seen at that index (usually one; more after conflicts). */
  private readonly groups = new Map<number, Map<number, EntryInfo[]>>();
  private count = 0;

  /** Notes whatever `e` says about entries. */
  observe(e: TraceEvent): void {
    if ((e.kind === 'net' && e.name === 'Send') || (e.kind === 'state' && e.msg)) {
      const msg = e.msg;
      if (msg === undefined) return;
      for (const [term, index, type, bytes] of msg.entries) {
        const info = this.entry(e.group, index, term);
        info.type = type;
        info.bytes = bytes;
      }
      return;
    }
    if (e.kind === 'proposal' && e.name === 'Appended' && e.index !== undefined) {
      if (e.term === undefined) return;
      const info = this.entry(e.group, e.index, e.term);
      info.summary = e.op === 'put' && e.key !== undefined ? `put ${e.key}` : e.op;
    }
  }

  /** Notes what a starting snapshot's log windows say about entries. */
  observeSnapshot(snap: ClusterSnapshot): void {
    for (const n of snap.nodes) {
      for (const g of n.groups) {
        for (const e of g.log.entries) {
          const info = this.entry(g.group, e.index, e.term);
          if (e.type !== '') info.type = e.type;
          if (e.bytes >= 0) info.bytes = e.bytes;
          if (e.summary !== '') info.summary = e.summary;
        }
      }
    }
  }

  /** The entry at (group, index, term), if the trace said anything about it. */
  get(group: number, index: number, term: number): EntryInfo | undefined {
    return this.groups
      .get(group)
      ?.get(index)
      ?.find((i) => i.term === term);
  }

  /** How many distinct entries the book knows. */
  size(): number {
    return this.count;
  }

  private entry(group: number, index: number, term: number): EntryInfo {
    let byIndex = this.groups.get(group);
    if (byIndex === undefined) {
      byIndex = new Map();
      this.groups.set(group, byIndex);
    }
    let list = byIndex.get(index);
    if (list === undefined) {
      list = [];
      byIndex.set(index, list);
    }
    let info = list.find((i) => i.term === term);
    if (info === undefined) {
      info = { term, type: null, bytes: null, summary: null };
      list.push(info);
      this.count++;
    }
    return info;
  }
}
