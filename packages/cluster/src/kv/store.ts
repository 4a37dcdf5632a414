/**
 * The replicated key-value state machine of one group on one node. It changes only by applying
 * committed entries in log order (or by restoring a snapshot), so every node that applied the
 * same prefix holds the same map.
 */

import { decodeCommand, type KvCommand } from './command.ts';

/**
 * How many recent command ids are remembered to skip duplicates (a MsgProp duplicated by a link
 * rule appends the same command twice). The window is part of the state, snapshots included, so
 * every node makes the same choice.
 */
const RECENT_IDS_MAX = 4096;

export type ApplyOutcome =
  | { kind: 'noop' }
  | { kind: 'applied'; cmd: KvCommand }
  | { kind: 'duplicate'; cmd: KvCommand }
  | { kind: 'invalid'; reason: string };

interface SnapshotData {
  v: 1;
  kv: Array<[string, string]>;
  recent: string[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class KvStore {
  private readonly data = new Map<string, string>();
  private readonly recent = new Set<string>();
  private readonly recentOrder: string[] = [];

  get(key: string): string | null {
    return this.data.get(key) ?? null;
  }

  size(): number {
    return this.data.size;
  }

  /** Applies the command in a normal entry. */
  applyEntryData(data: Uint8Array): ApplyOutcome {
    const cmd = decodeCommand(data);
    if (cmd === null) return { kind: 'noop' };
    if (typeof cmd === 'string') return { kind: 'invalid', reason: cmd };
    if (this.recent.has(cmd.id)) return { kind: 'duplicate', cmd };
    this.remember(cmd.id);
    if (cmd.op === 'put') this.data.set(cmd.key, cmd.value ?? '');
    else this.data.delete(cmd.key);
    return { kind: 'applied', cmd };
  }

  /** The state as snapshot data: deterministic (keys sorted) so equal states give equal bytes. */
  snapshotData(): Uint8Array {
    const kv = [...this.data.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const snap: SnapshotData = { v: 1, kv, recent: [...this.recentOrder] };
    return encoder.encode(JSON.stringify(snap));
  }

  /** Replaces the state with a snapshot's; empty data is the empty state. */
  restore(data: Uint8Array): void {
    this.data.clear();
    this.recent.clear();
    this.recentOrder.length = 0;
    if (data.length === 0) return;
    const snap = JSON.parse(decoder.decode(data)) as SnapshotData;
    if (snap.v !== 1 || !Array.isArray(snap.kv)) {
      throw new Error('snapshot data is not a key-value snapshot of version 1');
    }
    for (const [k, v] of snap.kv) this.data.set(k, v);
    for (const id of snap.recent) this.remember(id);
  }

  /** Every pair, sorted by key; for tests and small dumps. */
  entries(): Array<[string, string]> {
    return [...this.data.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  private remember(id: string): void {
    this.recent.add(id);
    this.recentOrder.push(id);
    if (this.recentOrder.length > RECENT_IDS_MAX) {
      const old = this.recentOrder.shift();
      if (old !== undefined) this.recent.delete(old);
    }
  }
}
