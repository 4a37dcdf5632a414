/**
 * The viewer stream's WebSocket, kept open: it reconnects with backoff after any loss, and each
 * new connection starts with `hello`, whose snapshot makes the picture right again.
 */

import type { StreamMessage } from '@raftlens/trace';
import { backoffMs } from './backoff.ts';

export type StreamStatus = 'connecting' | 'open' | 'reconnecting';

export interface StreamClientOptions {
  url: string;
  onMessage(m: StreamMessage): void;
  onStatus(status: StreamStatus): void;
  /** Called when an open connection is lost, before reconnecting. */
  onLost(): void;
  createSocket?: (url: string) => WebSocket;
}

export class StreamClient {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(private readonly opts: StreamClientOptions) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onclose = null;
      s.onmessage = null;
      s.onerror = null;
      s.close();
    }
  }

  private open(): void {
    this.opts.onStatus(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const create = this.opts.createSocket ?? ((url: string) => new WebSocket(url));
    const s = create(this.opts.url);
    this.socket = s;
    s.onmessage = (ev) => {
      const m = parse(ev.data);
      if (!m) return;
      if (m.type === 'hello') {
        this.attempt = 0;
        this.opts.onStatus('open');
      }
      this.opts.onMessage(m);
    };
    s.onclose = () => {
      if (this.socket !== s) return;
      this.socket = null;
      this.opts.onLost();
      this.scheduleReconnect();
    };
    // An error is always followed by close, which does the work.
    s.onerror = () => {};
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.opts.onStatus('reconnecting');
    const delay = backoffMs(this.attempt++);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.open();
    }, delay);
  }
}

function parse(data: unknown): StreamMessage | null {
  if (typeof data !== 'string') return null;
  try {
    const m = JSON.parse(data) as StreamMessage;
    return typeof m === 'object' && m !== null && 'type' in m ? m : null;
  } catch {
    return null;
  }
}
