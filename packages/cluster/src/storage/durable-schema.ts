/**
 * The on-disk layout of durable node storage: one SQLite database per Raft group replica.
 *
 * The log table mirrors the core's MemoryStorage: its lowest row is a "dummy" entry holding the
 * index and term of the last compacted entry, so that `term(firstIndex - 1)` stays answerable
 * and the first and last indexes are simply the lowest and highest rows.
 */

import type { ConfState, Entry, EntryType, LogIndex, NodeId, Term } from '@raftlens/raft';
import type Database from 'better-sqlite3';

/** Bumped on any incompatible change of the tables below; a mismatch refuses to open. */
export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE entries (
  idx  INTEGER PRIMARY KEY,
  term INTEGER NOT NULL,
  type INTEGER NOT NULL,
  data BLOB    NOT NULL
);
CREATE TABLE hard_state (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  term         INTEGER NOT NULL,
  vote         INTEGER NOT NULL,
  commit_index INTEGER NOT NULL
);
CREATE TABLE snapshot (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  idx        INTEGER NOT NULL,
  term       INTEGER NOT NULL,
  conf_state TEXT    NOT NULL,
  data       BLOB    NOT NULL
);
`;

// Stored as small integers, in raftpb's numbering.
const ENTRY_TYPE_CODES: Record<EntryType, number> = {
  EntryNormal: 0,
  EntryConfChange: 1,
  EntryConfChangeV2: 2,
};
const ENTRY_TYPES_BY_CODE: readonly EntryType[] = [
  'EntryNormal',
  'EntryConfChange',
  'EntryConfChangeV2',
];

export const entryTypeCode = (t: EntryType): number => ENTRY_TYPE_CODES[t];

export interface EntryRow {
  idx: number;
  term: number;
  type: number;
  data: Buffer;
}

export function entryFromRow(row: EntryRow): Entry {
  const type = ENTRY_TYPES_BY_CODE[row.type];
  if (type === undefined) throw new Error(`durable storage: entry ${row.idx} has type ${row.type}`);
  return {
    index: row.idx as LogIndex,
    term: row.term as Term,
    type,
    // A plain view, not a Buffer, so entries compare equal to those the caller appended.
    data: new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength),
  };
}

export function confStateToText(cs: ConfState): string {
  return JSON.stringify({
    voters: cs.voters,
    learners: cs.learners,
    votersOutgoing: cs.votersOutgoing,
    learnersNext: cs.learnersNext,
    autoLeave: cs.autoLeave,
  });
}

export function confStateFromText(text: string): ConfState {
  const o = JSON.parse(text) as Record<string, unknown>;
  const ids = (key: string): NodeId[] => {
    const v = o[key];
    if (!Array.isArray(v) || !v.every((x) => Number.isSafeInteger(x))) {
      throw new Error(`durable storage: stored ConfState has a bad ${key}`);
    }
    return v as NodeId[];
  };
  return {
    voters: ids('voters'),
    learners: ids('learners'),
    votersOutgoing: ids('votersOutgoing'),
    learnersNext: ids('learnersNext'),
    autoLeave: o.autoLeave === true,
  };
}

/** Every statement the store runs, prepared once. */
export function prepareStatements(db: Database.Database) {
  return {
    insertEntry: db.prepare<[number, number, number, Uint8Array]>(
      'INSERT INTO entries (idx, term, type, data) VALUES (?, ?, ?, ?)',
    ),
    deleteFrom: db.prepare<[number]>('DELETE FROM entries WHERE idx >= ?'),
    deleteBelow: db.prepare<[number]>('DELETE FROM entries WHERE idx < ?'),
    deleteAll: db.prepare('DELETE FROM entries'),
    blankEntry: db.prepare<[number]>("UPDATE entries SET type = 0, data = x'' WHERE idx = ?"),
    selectRange: db.prepare<[number, number], EntryRow>(
      'SELECT idx, term, type, data FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx',
    ),
    selectTerm: db.prepare<[number], { term: number }>('SELECT term FROM entries WHERE idx = ?'),
    selectBounds: db.prepare<[], { lo: number | null; hi: number | null; n: number }>(
      'SELECT MIN(idx) AS lo, MAX(idx) AS hi, COUNT(*) AS n FROM entries',
    ),
    upsertHardState: db.prepare<[number, number, number]>(
      'INSERT OR REPLACE INTO hard_state (id, term, vote, commit_index) VALUES (1, ?, ?, ?)',
    ),
    selectHardState: db.prepare<[], { term: number; vote: number; commit_index: number }>(
      'SELECT term, vote, commit_index FROM hard_state WHERE id = 1',
    ),
    upsertSnapshot: db.prepare<[number, number, string, Uint8Array]>(
      'INSERT OR REPLACE INTO snapshot (id, idx, term, conf_state, data) VALUES (1, ?, ?, ?, ?)',
    ),
    selectSnapshot: db.prepare<[], { idx: number; term: number; conf_state: string; data: Buffer }>(
      'SELECT idx, term, conf_state, data FROM snapshot WHERE id = 1',
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
