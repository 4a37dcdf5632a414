/**
 * The page's handle on the replay: the same requests whether the session runs in a worker (the
 * normal case) or in place (no worker support, unit tests).
 */

import type { JumpKind, OpenPhase, ReplayFrame } from './engine.ts';
import type { OpenOutcome, TraceSource, WorkerRequest, WorkerResponse } from './protocol.ts';
import { ReplaySession } from './session.ts';

export type Progress = (phase: OpenPhase, fraction: number | null) => void;

export interface ReplayBackend {
  open(source: TraceSource, progress?: Progress): Promise<OpenOutcome>;
  frame(at: { seq: number } | { position: number }): Promise<ReplayFrame | null>;
  jump(seq: number, kind: JumpKind | 'any', dir: 1 | -1): Promise<number | null>;
}

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = Distribute<WorkerRequest>;

/** Runs a session through a message channel: a worker, or a session in place. */
class ChannelBackend implements ReplayBackend {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { done: (r: WorkerResponse) => void; progress?: Progress }
  >();

  constructor(private readonly send: (req: WorkerRequest) => void) {}

  receive(r: WorkerResponse): void {
    const w = this.waiting.get(r.id);
    if (!w) return;
    if (r.type === 'progress') {
      w.progress?.(r.phase, r.fraction);
      return;
    }
    this.waiting.delete(r.id);
    w.done(r);
  }

  private ask(req: Request, progress?: Progress): Promise<WorkerResponse> {
    const id = this.nextId++;
    return new Promise((done) => {
      this.waiting.set(id, { done, progress });
      this.send({ ...req, id } as WorkerRequest);
    });
  }

  async open(source: TraceSource, progress?: Progress): Promise<OpenOutcome> {
    let req: Request;
    if (typeof source === 'string') req = { type: 'open', text: source };
    else if (source instanceof Blob) req = { type: 'open', blob: source };
    else req = { type: 'open', download: source };
    const r = await this.ask(req, progress);
    if (r.type === 'opened') return r.outcome;
    throw new Error(r.type === 'failed' ? r.message : `unexpected answer ${r.type}`);
  }

  async frame(at: { seq: number } | { position: number }): Promise<ReplayFrame | null> {
    const r = await this.ask({ type: 'frame', ...at });
    if (r.type === 'frame') return r.frame;
    throw new Error(r.type === 'failed' ? r.message : `unexpected answer ${r.type}`);
  }

  async jump(seq: number, kind: JumpKind | 'any', dir: 1 | -1): Promise<number | null> {
    const r = await this.ask({ type: 'jump', seq, kind, dir });
    if (r.type === 'jump') return r.seq;
    throw new Error(r.type === 'failed' ? r.message : `unexpected answer ${r.type}`);
  }
}

/** A session in this thread: for tests and for pages without module workers. */
export function localBackend(): ReplayBackend {
  const session = new ReplaySession();
  const backend: ChannelBackend = new ChannelBackend((req) => {
    void session.handle(req, (r) => backend.receive(r));
  });
  return backend;
}

/** A session in a module worker, falling back to one in place when workers are unavailable. */
export function workerBackend(): ReplayBackend {
  if (typeof Worker === 'undefined') return localBackend();
  try {
    const worker = new Worker(new URL('./replay.worker.ts', import.meta.url), { type: 'module' });
    const backend: ChannelBackend = new ChannelBackend((req) => worker.postMessage(req));
    worker.addEventListener('message', (ev: MessageEvent<WorkerResponse>) =>
      backend.receive(ev.data),
    );
    return backend;
  } catch {
    return localBackend();
  }
}
