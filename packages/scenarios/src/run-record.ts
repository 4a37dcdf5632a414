/**
 * What one run of a scenario keeps besides the cluster: the names its steps gave to nodes, the
 * client operations they started and how each ended, every trace event, and the safety monitor
 * that watches them. A replay starts a fresh record along with a fresh cluster.
 */

import type { RaftCluster } from '@raftlens/cluster';
import { SafetyMonitor } from '@raftlens/diagnose';
import type { TraceEvent } from '@raftlens/trace';
import { ScenarioError } from './errors.ts';
import type { NodeRef } from './model.ts';
import type { Cast } from './narration.ts';

/** Events kept per run; a long free play keeps the most recent ones. */
const EVENTS_MAX = 200_000;

export type OpKind = 'write' | 'read' | 'transfer' | 'add-node' | 'conf-change';

/** A client operation a step started, and how it stands. JSON-safe. */
export interface OpRecord {
  label: string;
  kind: OpKind;
  /** The node the request went through, or the target of a transfer. */
  node: number | null;
  status: 'pending' | 'ok' | 'failed';
  /** What it resolved to (a WriteResult, a ReadResult, a new node id), when ok. */
  result?: unknown;
  /** The error's stable code and message, when failed. */
  error?: { code: string; message: string };
  startedAtMs: number;
  settledAtMs?: number;
}

export class RunRecord {
  readonly names = new Map<string, number>();
  readonly ops = new Map<string, OpRecord>();
  readonly monitor = new SafetyMonitor();
  private eventList: TraceEvent[] = [];
  private readonly unsubscribe: () => void;

  constructor(
    readonly cluster: RaftCluster,
    /** Who the scenario's node names stand for, in words. */
    readonly cast: Cast = {},
  ) {
    this.unsubscribe = cluster.subscribe((e) => {
      this.eventList.push(e);
      if (this.eventList.length > EVENTS_MAX * 1.25) {
        this.eventList = this.eventList.slice(-EVENTS_MAX);
      }
      this.monitor.observe(e);
    });
  }

  get events(): readonly TraceEvent[] {
    return this.eventList;
  }

  /** The node `ref` stands for: a number is itself, a name must have been given. */
  resolve(ref: NodeRef): number {
    if (typeof ref === 'number') return ref;
    const id = this.names.get(ref);
    if (id === undefined) {
      throw new ScenarioError('UnknownName', `no node has been called '${ref}' yet`, { ref });
    }
    return id;
  }

  /** Starts tracking an operation; its record changes when the promise settles. */
  track<T>(label: string, kind: OpKind, node: number | null, promise: Promise<T>): void {
    if (this.ops.has(label)) {
      throw new ScenarioError('DuplicateLabel', `an operation is already labelled '${label}'`);
    }
    const op: OpRecord = {
      label,
      kind,
      node,
      status: 'pending',
      startedAtMs: this.cluster.scheduler.now(),
    };
    this.ops.set(label, op);
    promise.then(
      (result) => {
        op.status = 'ok';
        op.result = jsonSafe(result);
        op.settledAtMs = this.cluster.scheduler.now();
      },
      (err: unknown) => {
        op.status = 'failed';
        op.error = errorOf(err);
        op.settledAtMs = this.cluster.scheduler.now();
      },
    );
  }

  close(): void {
    this.unsubscribe();
  }
}

function errorOf(err: unknown): { code: string; message: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : err.name, message: err.message };
  }
  return { code: 'Error', message: String(err) };
}

function jsonSafe(v: unknown): unknown {
  return v === undefined ? null : JSON.parse(JSON.stringify(v));
}
