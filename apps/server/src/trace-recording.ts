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
  /** Names whose recording is switching to a replacing cluster. */
  private readonly replacing = new Map<string, Promise<void>>();
  private closed = false;
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

  /**
   * The recording of `name`, once it is ready: a recording being replaced is ready once the old
   * one has been flushed and the new one has started.
   */
  async get(name: string): Promise<DiskTraceRecorder | undefined> {
    await this.replacing.get(name);
    return this.recordings.get(name)?.recorder;
  }

  /**
   * Records `next` in place of the cluster of the same name, in the same folder: the old
   * recording is closed first (its last batch flushed), then the new one starts from the new
   * cluster's first retained event and clears the old run's files.
   */
  replace(next: Cluster): void {
    const name = next.name;
    const previous = this.replacing.get(name) ?? Promise.resolve();
    const done = previous
      .then(() => this.stop(name))
      .then(() => {
        // Deleted, or replaced again, meanwhile: that later call records the right cluster.
        if (this.replacing.get(name) !== done || this.closed) return;
        this.add(next);
      })
      .catch((err) => this.log.warn({ err, cluster: name }, 'trace recording failed to switch'))
      .finally(() => {
        if (this.replacing.get(name) === done) this.replacing.delete(name);
      });
    this.replacing.set(name, done);
  }

  /** Stops recording `name`; what was recorded stays on disk (unless in a temporary folder). */
  async remove(name: string): Promise<void> {
    this.replacing.delete(name);
    await this.stop(name);
  }

  private async stop(name: string): Promise<void> {
    const recording = this.recordings.get(name);
    if (recording === undefined) return;
    this.recordings.delete(name);
    recording.unsubscribe();
    await recording.recorder.close();
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    await Promise.all(this.replacing.values());
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
