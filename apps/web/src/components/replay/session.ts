/**
 * One open replay and the requests made of it: what the worker runs, and what a page without
 * workers (or a unit test) runs in place. A new trace replaces the open one only once it has
 * parsed and indexed completely, so a bad file leaves what was open untouched.
 */

import type { TraceReplay } from '@raftlens/trace';
import {
  buildReplay,
  buildReplayFromBlob,
  frameAt,
  infoOf,
  jumpFrom,
  type ProgressFn,
  seqAtPosition,
} from './engine.ts';
import type { OpenOutcome, WorkerRequest, WorkerResponse } from './protocol.ts';

export class ReplaySession {
  private replay: TraceReplay | null = null;

  async open(text: string | Blob, progress: ProgressFn): Promise<OpenOutcome> {
    const built =
      typeof text === 'string'
        ? buildReplay(text, progress)
        : await buildReplayFromBlob(text, progress);
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
          const source = req.text ?? req.blob;
          if (source === undefined) throw new Error('open needs a text or a blob');
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
