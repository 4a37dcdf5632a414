/**
 * One open replay and the requests made of it: what the worker runs, and what a page without
 * workers (or a unit test) runs in place. A new trace replaces the open one only once it has
 * parsed and indexed completely, so a bad file leaves what was open untouched.
 */

import type { TraceReplay } from '@raftlens/trace';
import {
  type BuildResult,
  buildReplay,
  buildReplayFromBlob,
  buildReplayFromStream,
  frameAt,
  infoOf,
  jumpFrom,
  type ProgressFn,
  seqAtPosition,
} from './engine.ts';
import type {
  OpenOutcome,
  TraceDownload,
  TraceSource,
  WorkerRequest,
  WorkerResponse,
} from './protocol.ts';

export class ReplaySession {
  private replay: TraceReplay | null = null;

  /**
   * Opens a trace, replacing the open one once it has read and indexed completely. A download
   * that cannot start or is cut off throws, with the server's reason when it gave one.
   */
  async open(source: TraceSource, progress: ProgressFn): Promise<OpenOutcome> {
    let built: BuildResult;
    if (typeof source === 'string') built = buildReplay(source, progress);
    else if (source instanceof Blob) built = await buildReplayFromBlob(source, progress);
    else {
      const res = await fetchTrace(source);
      if (res.body === null) built = buildReplay(await res.text(), progress);
      else {
        const total = Number(res.headers.get('content-length') ?? 0);
        built = await buildReplayFromStream(res.body, total, 'downloading', progress);
      }
    }
    if (!built.ok) return built;
    this.replay = built.replay;
    return { ok: true, info: infoOf(built.replay) };
  }

  /** Answers one request; `post` receives progress reports and then the answer. */
  async handle(req: WorkerRequest, post: (r: WorkerResponse) => void): Promise<void> {
    const { id } = req;
    try {
      switch (req.type) {
        case 'open': {
          const source = req.text ?? req.blob ?? req.download;
          if (source === undefined) throw new Error('open needs a text, a file or a download');
          const outcome = await this.open(source, (phase, fraction) =>
            post({ id, type: 'progress', phase, fraction }),
          );
          post({ id, type: 'opened', outcome });
          return;
        }
        case 'frame': {
          const r = this.replay;
          if (r === null) return post({ id, type: 'frame', frame: null });
          const seq = req.position !== undefined ? seqAtPosition(r, req.position) : (req.seq ?? 0);
          post({ id, type: 'frame', frame: frameAt(r, seq) });
          return;
        }
        case 'jump': {
          const r = this.replay;
          post({ id, type: 'jump', seq: r ? jumpFrom(r, req.seq, req.kind, req.dir) : null });
          return;
        }
      }
    } catch (err) {
      post({ id, type: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  }
}

/** Starts a download; throws a sentence when it cannot, with the server's own if it sent one. */
async function fetchTrace({ url, headers }: TraceDownload): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { headers });
  } catch {
    throw new Error(`${url} cannot be reached.`);
  }
  if (res.ok) return res;
  const text = await res.text().catch(() => '');
  let message: string | undefined;
  try {
    message = (JSON.parse(text) as { error?: { message?: string } }).error?.message;
  } catch {
    message = undefined;
  }
  throw new Error(message ?? `The server answered ${res.status} ${res.statusText}.`);
}
