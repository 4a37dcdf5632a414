/**
 * The storage side of an interaction node: a MemoryStorage whose `snapshot()` answers with the
 * newest state-machine snapshot the harness recorded, plus the append and apply work that a
 * real application would do between a Ready and `advance`.
 */

import { decodeConfChange, decodeConfChangeV2 } from '../../src/confchange/codec.ts';
import type { RawNode } from '../../src/rawnode.ts';
import type { MemoryStorage, Storage } from '../../src/storage.ts';
import type { ConfState, Entry, HardState, Snapshot } from '../../src/types.ts';
import { isEmptyHardState, isEmptySnap } from './format.ts';

/**
 * Storage that hands out the latest entry of `history` as its snapshot. MemoryStorage alone
 * would answer with whatever it last compacted to, which is not what a leader should ship:
 * the harness's state machine (an appender of entry payloads) moves on with every applied
 * entry, and each step is recorded in `history`.
 */
export class HistoryStorage implements Storage {
  constructor(
    readonly mem: MemoryStorage,
    private readonly latest: () => Snapshot,
  ) {}

  initialState(): ReturnType<Storage['initialState']> {
    return this.mem.initialState();
  }

  entries(...args: Parameters<Storage['entries']>): ReturnType<Storage['entries']> {
    return this.mem.entries(...args);
  }

  term(...args: Parameters<Storage['term']>): ReturnType<Storage['term']> {
    return this.mem.term(...args);
  }

  lastIndex(): ReturnType<Storage['lastIndex']> {
    return this.mem.lastIndex();
  }

  firstIndex(): ReturnType<Storage['firstIndex']> {
    return this.mem.firstIndex();
  }

  snapshot(): ReturnType<Storage['snapshot']> {
    return this.latest();
  }
}

/** The parts of a node that appending and applying touch. */
export interface StorageSide {
  storage: HistoryStorage;
  rawNode: RawNode;
  history: Snapshot[];
}

/**
 * Persists what a Ready (or a MsgStorageAppend) asks for: the HardState, then either the
 * snapshot or the entries. Returns an error text, as etcd's harness returns an error.
 */
export function processAppend(
  n: StorageSide,
  hs: HardState | null,
  entries: Entry[],
  snap: Snapshot | null,
): string | null {
  const mem = n.storage.mem;
  if (hs !== null && !isEmptyHardState(hs)) mem.setHardState(hs);
  if (snap !== null && !isEmptySnap(snap)) {
    if (entries.length > 0) return "can't apply snapshot and entries at the same time";
    return mem.applySnapshot(snap)?.message ?? null;
  }
  mem.append(entries);
  return null;
}

/**
 * Applies committed entries: configuration changes go to the RawNode, every entry's payload
 * (or change context) is appended to the state machine, and each step is recorded as a new
 * snapshot in `history`, carrying the configuration in force after the entry.
 */
export function processApply(n: StorageSide, entries: Entry[]): void {
  for (const ent of entries) {
    let update: Uint8Array;
    let cs: ConfState | null = null;
    if (ent.type === 'EntryConfChange') {
      const cc = decodeConfChange(ent.data);
      update = cc.context;
      cs = n.rawNode.applyConfChange(cc);
    } else if (ent.type === 'EntryConfChangeV2') {
      const cc = decodeConfChangeV2(ent.data);
      update = cc.context;
      cs = n.rawNode.applyConfChange(cc);
    } else {
      update = ent.data;
    }
    const last = lastSnapshot(n.history);
    const data = new Uint8Array(last.data.length + update.length);
    data.set(last.data, 0);
    data.set(update, last.data.length);
    n.history.push({
      data,
      metadata: { index: ent.index, term: ent.term, confState: cs ?? last.metadata.confState },
    });
  }
}

export function lastSnapshot(history: Snapshot[]): Snapshot {
  const last = history[history.length - 1];
  if (last === undefined) throw new Error('a node always has its initial snapshot in history');
  return last;
}
