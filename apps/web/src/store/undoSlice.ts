/**
 * The undo stack: the person's own recent actions on the cluster (partitions, link rules,
 * crashes, pause, speed, added members), newest last, each with what it did in plain words and
 * the API calls that take it back. Ctrl+Z and the header's Undo button take the newest entry of
 * the cluster on screen. Actions with no sensible inverse (a step, a write, a release) are not
 * recorded. Part of the UI slice, so it needs no wiring of its own.
 */

import type { Api } from '../api/index.ts';
import type { SliceCreator } from './types.ts';

export type UndoStep = (api: Api) => Promise<unknown>;

export interface UndoEntry {
  id: number;
  /** The cluster the action was taken on; an entry only undoes on that cluster. */
  cluster: string;
  /** What was done: "partition n1 n2 | n3 n4 n5". */
  did: string;
  /** What undoing does: "heal the partition". */
  undo: string;
  /** API calls that take the action back, in order. */
  steps: UndoStep[];
  /** Consecutive entries with the same key fold into one (dragging the speed slider). */
  coalesce?: string;
  atMs: number;
}

export type NewUndoEntry = Omit<UndoEntry, 'id' | 'atMs'>;

export const UNDO_MAX = 20;
/** Folding only joins actions this close together; later ones are separate steps back. */
export const COALESCE_MS = 10_000;

let entrySeq = 0;

/**
 * The stack after `entry`: folded into the newest entry when both carry the same coalesce key
 * on the same cluster within COALESCE_MS (the folded entry keeps the oldest way back and the
 * newest description), otherwise pushed; the oldest entries fall off past UNDO_MAX.
 */
export function pushEntry(
  stack: readonly UndoEntry[],
  entry: NewUndoEntry,
  nowMs: number,
): UndoEntry[] {
  const top = stack.at(-1);
  if (
    top &&
    entry.coalesce !== undefined &&
    top.coalesce === entry.coalesce &&
    top.cluster === entry.cluster &&
    nowMs - top.atMs <= COALESCE_MS
  ) {
    return [...stack.slice(0, -1), { ...top, did: entry.did, atMs: nowMs }];
  }
  return [...stack, { ...entry, id: ++entrySeq, atMs: nowMs }].slice(-UNDO_MAX);
}

/** The newest entry for `cluster`, and the stack without it. */
export function takeEntry(
  stack: readonly UndoEntry[],
  cluster: string,
): { entry: UndoEntry | null; rest: UndoEntry[] } {
  for (let i = stack.length - 1; i >= 0; i--) {
    const e = stack[i] as UndoEntry;
    if (e.cluster === cluster)
      return { entry: e, rest: [...stack.slice(0, i), ...stack.slice(i + 1)] };
  }
  return { entry: null, rest: [...stack] };
}

export interface UndoSlice {
  undoStack: UndoEntry[];
  pushUndo(entry: NewUndoEntry): void;
  /** Removes and returns the newest entry for `cluster` (null when there is none). */
  takeUndo(cluster: string): UndoEntry | null;
  clearUndo(): void;
}

export const createUndoSlice: SliceCreator<UndoSlice> = (set, get) => ({
  undoStack: [],
  pushUndo: (entry) => set((s) => ({ undoStack: pushEntry(s.undoStack, entry, Date.now()) })),
  takeUndo: (cluster) => {
    const { entry, rest } = takeEntry(get().undoStack, cluster);
    if (entry) set({ undoStack: rest });
    return entry;
  },
  clearUndo: () => set({ undoStack: [] }),
});
