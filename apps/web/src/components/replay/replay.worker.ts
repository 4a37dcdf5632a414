/**
 * The replay worker: parses and indexes traces, and builds frames, off the page's thread so
 * that opening or scrubbing a large trace never freezes the page.
 */

import type { WorkerRequest, WorkerResponse } from './protocol.ts';
import { ReplaySession } from './session.ts';

const session = new ReplaySession();
const post = (r: WorkerResponse) => (self as unknown as Worker).postMessage(r);

// Requests are answered one at a time, in order: a frame asked for during an open waits for it.
let queue: Promise<void> = Promise.resolve();
self.addEventListener('message', (ev: MessageEvent<WorkerRequest>) => {
  queue = queue.then(() => session.handle(ev.data, post));
});
