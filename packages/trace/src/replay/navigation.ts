/**
 * Where the interesting moments of a trace are, so that "next election" or "previous fault of
 * node 3" is a binary search, not a scan. Each kind of moment keeps the positions of its
 * events in a column, for all nodes and for each node the event concerns.
 */

import type { TraceEvent } from '../events.ts';
import { Int32Column } from './columns.ts';
import { APPLIED_COMMIT, APPLIED_ELECTION } from './machine.ts';

/**
 * What to jump to:
 * - `election`: a node became leader (BecomeLeader);
 * - `commit`: an event that raised some node's commit index;
 * - `finding`: a finding raised or cleared;
 * - `message`: any event in the life of a message (net events);
 * - `fault`: something a person or the fault injector did (control events);
 * - `any`: any event (with a node: any event concerning that node).
 */
export type MomentKind = 'election' | 'commit' | 'finding' | 'message' | 'fault' | 'any';

export const MOMENT_KINDS: readonly MomentKind[] = [
  'election',
  'commit',
  'finding',
  'message',
  'fault',
  'any',
];

class MomentIndex {
  readonly all = new Int32Column(256);
  readonly byNode = new Map<number, Int32Column>();

  /** A moment concerning nodes `a`, `b` and `c` (0: none; repeats count once). */
  add(pos: number, a: number, b: number, c: number): void {
    this.all.push(pos);
    this.addNodes(pos, a, b, c);
  }

  /** Only the per-node columns (`any` needs no global column). */
  addNodes(pos: number, a: number, b: number, c: number): void {
    if (a !== 0) this.node(a).push(pos);
    if (b !== 0 && b !== a) this.node(b).push(pos);
    if (c !== 0 && c !== a && c !== b) this.node(c).push(pos);
  }

  private node(n: number): Int32Column {
    let col = this.byNode.get(n);
    if (col === undefined) {
      col = new Int32Column(64);
      this.byNode.set(n, col);
    }
    return col;
  }

  bytes(): number {
    let n = this.all.bytes();
    for (const c of this.byNode.values()) n += c.bytes();
    return n;
  }
}

export class Navigator {
  private readonly indexes = new Map<MomentKind, MomentIndex>(
    MOMENT_KINDS.map((k) => [k, new MomentIndex()]),
  );

  /** Events recorded; every position below is an `any` moment, so that needs no column. */
  private length = 0;
  private readonly any = this.index('any');
  private readonly message = this.index('message');

  /** Records the event at `pos`, given what applying it did (APPLIED_* flags). */
  add(pos: number, e: TraceEvent, did: number): void {
    this.length = pos + 1;
    // Up to three nodes, without an array per event: most events are a million of these.
    const a = e.node;
    let b = 0;
    let c = 0;
    if (e.kind === 'net') {
      b = e.msg.from;
      c = e.msg.to;
    } else if (e.kind === 'control' && typeof e.detail.node === 'number') {
      b = e.detail.node;
    }
    this.any.addNodes(pos, a, b, c);
    if (did & APPLIED_ELECTION) this.index('election').add(pos, a, b, c);
    if (did & APPLIED_COMMIT) this.index('commit').add(pos, a, b, c);
    if (e.kind === 'finding') this.index('finding').add(pos, a, b, c);
    else if (e.kind === 'net') this.message.add(pos, a, b, c);
    else if (e.kind === 'control') this.index('fault').add(pos, a, b, c);
  }

  /** The position of the first such moment at or after position `from`, or -1. */
  firstFrom(kind: MomentKind, from: number, node?: number): number {
    if (kind === 'any' && node === undefined) return from < this.length ? Math.max(0, from) : -1;
    const col = this.column(kind, node);
    if (col === undefined) return -1;
    const i = col.lowerBound(from);
    return i < col.length ? col.at(i) : -1;
  }

  /** The position of the last such moment before position `before`, or -1. */
  lastBefore(kind: MomentKind, before: number, node?: number): number {
    if (kind === 'any' && node === undefined) return Math.min(before, this.length) - 1;
    const col = this.column(kind, node);
    if (col === undefined) return -1;
    const i = col.lowerBound(before) - 1;
    return i >= 0 ? col.at(i) : -1;
  }

  /** How many such moments the trace holds. */
  count(kind: MomentKind, node?: number): number {
    if (kind === 'any' && node === undefined) return this.length;
    return this.column(kind, node)?.length ?? 0;
  }

  bytes(): number {
    let n = 0;
    for (const idx of this.indexes.values()) n += idx.bytes();
    return n;
  }

  private index(kind: MomentKind): MomentIndex {
    return this.indexes.get(kind) as MomentIndex;
  }

  private column(kind: MomentKind, node?: number): Int32Column | undefined {
    const idx = this.index(kind);
    return node === undefined ? idx.all : idx.byNode.get(node);
  }
}

/** The nodes an event concerns: where it happened, a message's ends, a control's target. */
export function nodesConcerned(e: TraceEvent): number[] {
  const out: number[] = [];
  addNode(out, e.node);
  if (e.kind === 'net') {
    addNode(out, e.msg.from);
    addNode(out, e.msg.to);
  } else if (e.kind === 'control' && typeof e.detail.node === 'number') {
    addNode(out, e.detail.node);
  }
  return out;
}

function addNode(out: number[], n: number): void {
  if (n !== 0 && !out.includes(n)) out.push(n);
}
