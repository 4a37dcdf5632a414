/**
 * Client requests waiting on one group of one node: writes waiting for their entry to be
 * applied here, reads waiting for a read index and then for the state machine to reach it, and
 * configuration changes waiting to take effect. Each has a deadline; each ends exactly once,
 * answered or failed, and each step of its fate becomes a proposal trace event.
 */

import type { Entry } from '@raftlens/raft';
import type { ProposalEvent, ProposalFate } from '@raftlens/trace';
import { ClusterError, type ClusterErrorCode, type ReadResult, type WriteResult } from '../api.ts';
import type { TimerHandle } from '../time/scheduler.ts';

type ProposalOp = ProposalEvent['op'];

/** What the tracker needs from the group it belongs to. */
export interface RequestHost {
  readonly nodeId: number;
  /** Model time, for deadlines. */
  now(): number;
  /** Time for latencies (wall in live mode, virtual in simulated mode). */
  wallMs(): number;
  after(ms: number, fn: () => void): TimerHandle;
  emitProposal(fate: ProposalFate, fields: ProposalFields): void;
}

export interface ProposalFields {
  proposalId: string;
  op: ProposalOp;
  key?: string;
  index?: number;
  term?: number;
  reason?: string;
  ok?: boolean;
  latencyMs?: number;
}

interface Pending<T> {
  id: string;
  op: ProposalOp;
  key?: string;
  startedWallMs: number;
  timer: TimerHandle;
  resolve(v: T): void;
  reject(e: ClusterError): void;
}

interface PendingWrite extends Pending<WriteResult> {
  value: string;
  /** Where this node saw the entry enter its log, once it has. */
  appended?: { index: number; term: number };
  /** The leader this node followed when it saw the entry appended. */
  leader: number;
}

interface PendingRead extends Pending<ReadResult> {
  readIndex?: number;
}

type PendingConf = Pending<void>;

export class RequestTracker {
  private readonly writes = new Map<string, PendingWrite>();
  /** Appended writes by log index, to notice an entry overwritten by another leader's. */
  private readonly writesByIndex = new Map<number, string>();
  private readonly reads = new Map<string, PendingRead>();
  private readonly confs = new Map<string, PendingConf>();

  constructor(private readonly host: RequestHost) {}

  size(): number {
    return this.writes.size + this.reads.size + this.confs.size;
  }

  /** True if request `id` is pending here. */
  has(id: string): boolean {
    return this.writes.has(id) || this.reads.has(id) || this.confs.has(id);
  }

  hasWrites(): boolean {
    return this.writes.size > 0;
  }

  hasConfs(): boolean {
    return this.confs.size > 0;
  }

  /** Registers a write; the caller proposes it and reports what became of it. */
  addWrite(id: string, key: string, value: string, timeoutMs: number): Promise<WriteResult> {
    return new Promise<WriteResult>((resolve, reject) => {
      const w: PendingWrite = {
        id,
        op: 'put',
        key,
        value,
        leader: 0,
        startedWallMs: this.host.wallMs(),
        timer: this.timeout(id, timeoutMs),
        resolve,
        reject,
      };
      this.writes.set(id, w);
    });
  }

  addRead(id: string, key: string, timeoutMs: number): Promise<ReadResult> {
    return new Promise<ReadResult>((resolve, reject) => {
      this.reads.set(id, {
        id,
        op: 'read',
        key,
        startedWallMs: this.host.wallMs(),
        timer: this.timeout(id, timeoutMs),
        resolve,
        reject,
      });
    });
  }

  addConf(id: string, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.confs.set(id, {
        id,
        op: 'conf-change',
        startedWallMs: this.host.wallMs(),
        timer: this.timeout(id, timeoutMs),
        resolve,
        reject,
      });
    });
  }

  /** A normal entry carrying write `id` entered this node's log (it is in a Ready to persist). */
  writeAppended(id: string, e: Entry, leader: number): PendingWrite | undefined {
    const w = this.writes.get(id);
    if (w === undefined || w.appended !== undefined) return undefined;
    w.appended = { index: e.index, term: e.term };
    w.leader = leader;
    this.writesByIndex.set(e.index, id);
    this.emit('Appended', w, { index: e.index, term: e.term });
    return w;
  }

  /** The entry at `e.index` is committed; reports it for the write it carries, if ours. */
  writeCommitted(id: string | null, e: Entry): void {
    if (id === null) return;
    const w = this.writes.get(id);
    if (w !== undefined) this.emit('Committed', w, { index: e.index, term: e.term });
  }

  /**
   * The entry at `e.index` was applied. If it carries one of our writes, that write is answered.
   * If one of our writes had been appended at this index and this is another entry, a new
   * leader overwrote it: the write failed, and the client must hear so now rather than wait.
   */
  entryApplied(id: string | null, e: Entry, leaderNow: number): void {
    const expected = this.writesByIndex.get(e.index);
    if (expected !== undefined) {
      this.writesByIndex.delete(e.index);
      if (expected !== id) {
        const lost = this.writes.get(expected);
        if (lost !== undefined) {
          this.fail(
            lost,
            'ProposalDropped',
            `the entry was overwritten at index ${e.index} (term ${e.term}) by a new leader`,
            'EntryOverwritten',
          );
        }
      }
    }
    if (id === null) return;
    const w = this.writes.get(id);
    if (w === undefined) return;
    this.emit('Applied', w, { index: e.index, term: e.term });
    this.answerWrite(w, e.index, e.term, w.leader || leaderNow);
  }

  /**
   * Answers a write at append time: the `ack-on-append` integration fault, which tells the
   * client "done" before the entry is committed, let alone applied.
   */
  answerOnAppend(w: PendingWrite): void {
    if (w.appended === undefined) return;
    this.answerWrite(w, w.appended.index, w.appended.term, w.leader);
  }

  /** The leader confirmed read `id` at `index`. */
  readIndexKnown(id: string, index: number): boolean {
    const r = this.reads.get(id);
    if (r === undefined || r.readIndex !== undefined) return false;
    r.readIndex = index;
    this.emit('Committed', r, { index });
    return true;
  }

  /** Answers every read whose read index the state machine has reached. */
  readsApplied(applied: number, lookup: (key: string) => string | null): void {
    for (const r of this.reads.values()) {
      if (r.readIndex === undefined || r.readIndex > applied) continue;
      this.emit('Applied', r, { index: r.readIndex });
      this.settle(r);
      const result: ReadResult = {
        key: r.key ?? '',
        value: lookup(r.key ?? ''),
        readIndex: r.readIndex,
        node: this.host.nodeId,
      };
      this.emit('Answered', r, { ok: true, index: r.readIndex, latencyMs: this.latency(r) });
      r.resolve(result);
    }
  }

  /** A conf change carrying `id` in its context took effect here. */
  confApplied(id: string, e: Entry): void {
    const c = this.confs.get(id);
    if (c === undefined) return;
    this.emit('Applied', c, { index: e.index, term: e.term });
    this.settle(c);
    this.emit('Answered', c, { ok: true, index: e.index, latencyMs: this.latency(c) });
    c.resolve();
  }

  /** Fails request `id` of any kind, if it is still pending. */
  failById(id: string, code: ClusterErrorCode, message: string, reason?: string): void {
    const p = this.writes.get(id) ?? this.reads.get(id) ?? this.confs.get(id);
    if (p !== undefined) this.fail(p, code, message, reason);
  }

  /** Fails everything pending: the node crashed or the cluster closed. */
  failAll(code: ClusterErrorCode, message: string): void {
    for (const p of [...this.writes.values(), ...this.reads.values(), ...this.confs.values()]) {
      this.fail(p, code, message);
    }
  }

  emitFate(fate: ProposalFate, id: string, fields: Partial<ProposalFields> = {}): void {
    const p = this.writes.get(id) ?? this.reads.get(id) ?? this.confs.get(id);
    if (p !== undefined) this.emit(fate, p, fields);
  }

  private answerWrite(w: PendingWrite, index: number, term: number, leader: number): void {
    this.settle(w);
    const latencyMs = this.latency(w);
    this.emit('Answered', w, { ok: true, index, term, latencyMs });
    w.resolve({ key: w.key ?? '', value: w.value, index, term, leader, latencyMs });
  }

  private fail(
    p: Pending<never> | Pending<WriteResult> | Pending<ReadResult> | Pending<void>,
    code: ClusterErrorCode,
    message: string,
    reason?: string,
  ): void {
    this.settle(p);
    if (code === 'ProposalDropped') {
      this.emit('Dropped', p, { reason: reason ?? code });
    }
    this.emit('Answered', p, { ok: false, reason: code, latencyMs: this.latency(p) });
    const detail: Record<string, unknown> = { proposalId: p.id };
    if (reason !== undefined) detail.reason = reason;
    p.reject(new ClusterError(code, message, detail));
  }

  /** Removes a request from every map and stops its timer. */
  private settle(p: { id: string; timer: TimerHandle }): void {
    p.timer.cancel();
    const w = this.writes.get(p.id);
    if (w?.appended !== undefined && this.writesByIndex.get(w.appended.index) === p.id) {
      this.writesByIndex.delete(w.appended.index);
    }
    this.writes.delete(p.id);
    this.reads.delete(p.id);
    this.confs.delete(p.id);
  }

  private timeout(id: string, timeoutMs: number): TimerHandle {
    return this.host.after(timeoutMs, () => {
      this.failById(id, 'Timeout', `no answer within ${timeoutMs} ms`);
    });
  }

  private latency(p: { startedWallMs: number }): number {
    return Math.max(0, Math.round((this.host.wallMs() - p.startedWallMs) * 1000) / 1000);
  }

  private emit(
    fate: ProposalFate,
    p: { id: string; op: ProposalOp; key?: string },
    fields: Partial<ProposalFields>,
  ): void {
    const f: ProposalFields = { proposalId: p.id, op: p.op, ...fields };
    if (p.key !== undefined) f.key = p.key;
    this.host.emitProposal(fate, f);
  }
}
