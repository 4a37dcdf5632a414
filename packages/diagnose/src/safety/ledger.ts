/**
 * What the safety monitor remembers about one group's log: every (index, term) it has seen with
 * the term before it and the entry's content, the committed and applied entries, and the writes
 * acknowledged to clients that no commit has confirmed yet.
 *
 * Log Matching reduces to a local rule: an entry (index, term) is created once, by one leader,
 * after a fixed predecessor. So two sightings of (index, term) must agree on content and on the
 * term at index - 1; by induction the whole prefixes agree.
 */

/** An entry as one node's log showed it, and where. */
export interface Sighting {
  term: number;
  /** The content, as far as the window describes it: type, size, summary. */
  content: string;
  node: number;
  /** Trace sequence number of the observation (the snapshot's or the event's). */
  seq: number;
}

export interface Committed extends Sighting {
  /** An upper bound on the term in which the entry was committed. */
  commitTerm: number;
}

export interface Acked {
  index: number;
  term: number;
  proposalId: string;
  seq: number;
}

// TODO(diagnose): records are never pruned, so a long live run grows the ledger by about one
// small record per log entry; pruning below every node's snapshot index would bound it.
export class GroupLedger {
  /** `index:term` -> the predecessor's term (when known) and the first sighting. */
  readonly entries = new Map<string, { prevTerm: number | undefined; first: Sighting }>();
  readonly committed = new Map<number, Committed>();
  readonly applied = new Map<number, Sighting>();
  /** Acknowledged writes not yet confirmed by a commit of the same entry. */
  readonly acked = new Map<number, Acked[]>();
  /** The highest committed index recorded, and its term. */
  committedMax = { index: 0, term: 0 };
  /** Highest term seen anywhere in the group: an upper bound on any commit's term. */
  maxTerm = 0;
  /** term -> the leader first seen in it. */
  readonly leaders = new Map<number, { node: number; seq: number }>();

  /** The committed entry at the highest recorded index at or below `index`. */
  committedAtOrBelow(index: number): [number, Committed] | undefined {
    if (this.committedMax.index <= index) {
      const c = this.committed.get(this.committedMax.index);
      return c ? [this.committedMax.index, c] : undefined;
    }
    for (let i = index; i > 0 && i > index - 4096; i--) {
      const c = this.committed.get(i);
      if (c) return [i, c];
    }
    return undefined;
  }
}
