/**
 * Each hosted cluster's whole trace, recorded to disk for download: one bounded recorder of
 * @raftlens/cluster per cluster, in `<root>/_traces/<cluster>`. Cluster names start with a
 * letter or digit, so `_traces` never collides with a durable cluster's own folder.
 */

import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cluster, DiskTraceRecorder, TraceRecorderOptions } from '@raftlens/cluster';
import { TRACE_FORMAT, TRACE_VERSION, type TraceHeader } from '@raftlens/trace';
import type { FastifyBaseLogger } from 'fastify';

export interface TraceRecordingOptions {
  /** The data dir; null for a temporary folder, removed when the recordings close. */
  root: string | null;
  /** Bound on each cluster's recording on disk. */
  maxBytes: number;
  /** The runtime's `createTraceRecorder`, passed in so that tests of fakes need not load it. */
  createRecorder: (opts: TraceRecorderOptions) => DiskTraceRecorder;
}

/** The default bound of one cluster's recording: 64 MiB. */
export const DEFAULT_TRACE_MAX_BYTES = 64 * 1024 * 1024;

interface Recording {
  recorder: DiskTraceRecorder;
  unsubscribe: () => void;
}

/** The recorders of every hosted cluster, by cluster name. */
export class TraceRecordings {
  private readonly recordings = new Map<string, Recording>();
  private root: string | null = null;
  private temporary = false;

  constructor(
    private readonly opts: TraceRecordingOptions,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Starts recording `cluster` from its first retained event. */
  add(cluster: Cluster): void {
    const dir = join(this.rootDir(), '_traces', cluster.name);
    const recorder = this.opts.createRecorder({
      dir,
      maxBytes: this.opts.maxBytes,
      header: headerOf(cluster),
      onError: (err) => this.log.warn({ err, cluster: cluster.name }, 'trace recording failed'),
    });
    const unsubscribe = cluster.subscribe(recorder.record, { fromSeq: 1 });
    this.recordings.set(cluster.name, { recorder, unsubscribe });
  }

  get(name: string): DiskTraceRecorder | undefined {
    return this.recordings.get(name)?.recorder;
  }

  /** Stops recording `name`; what was recorded stays on disk (unless in a temporary folder). */
  async remove(name: string): Promise<void> {
    const recording = this.recordings.get(name);
    if (recording === undefined) return;
    this.recordings.delete(name);
    recording.unsubscribe();
    await recording.recorder.close();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.recordings.keys()].map((name) => this.remove(name)));
    if (this.temporary && this.root !== null) {
      await rm(this.root, { recursive: true, force: true });
    }
  }

  private rootDir(): string {
    if (this.root === null) {
      this.temporary = this.opts.root === null;
      this.root = this.opts.root ?? mkdtempSync(join(tmpdir(), 'raftlens-traces-'));
    }
    return this.root;
  }
}

/** The cluster's own header when it has one; otherwise one made from what every cluster has. */
function headerOf(cluster: Cluster): TraceHeader {
  // A RaftCluster has `traceHeader` (with its seed); the Cluster interface does not promise it.
  const own = (cluster as Partial<{ traceHeader: () => TraceHeader }>).traceHeader;
  if (typeof own === 'function') return own.call(cluster);
  return {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    cluster: cluster.name,
    mode: cluster.options.mode,
    createdAtMs: Date.now(),
  };
}
