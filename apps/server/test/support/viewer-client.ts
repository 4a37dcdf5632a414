/**
 * A test viewer: a real ws client on the stream that records every message, can wait for one,
 * and can stop reading its socket to play a stalled browser.
 */

import type { ClientRequestArgs } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { StreamMessage } from '@raftlens/trace';
import WebSocket from 'ws';

export interface TestViewer {
  ws: WebSocket;
  messages: StreamMessage[];
  /** Resolves with the first message (already received or to come) that `match` accepts. */
  waitFor(match: (m: StreamMessage) => boolean, timeoutMs?: number): Promise<StreamMessage>;
  /** Stops reading the TCP socket: the server's writes pile up as they would for a hung tab. */
  stall(): void;
  unstall(): void;
  close(): Promise<void>;
}

export async function openViewer(url: string): Promise<TestViewer> {
  let socket: Socket | undefined;
  const ws = new WebSocket(url, {
    createConnection: (options: ClientRequestArgs) => {
      socket = connect({ port: Number(options.port), host: options.host ?? '127.0.0.1' });
      return socket;
    },
  });
  const messages: StreamMessage[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    messages.push(JSON.parse(data.toString()) as StreamMessage);
    for (const wake of waiters) wake();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });

  const waitFor = (match: (m: StreamMessage) => boolean, timeoutMs = 5_000) =>
    new Promise<StreamMessage>((resolve, reject) => {
      let seen = 0;
      const check = () => {
        for (; seen < messages.length; seen++) {
          const message = messages[seen] as StreamMessage;
          if (match(message)) {
            cleanup();
            resolve(message);
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching stream message within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  return {
    ws,
    messages,
    waitFor,
    stall: () => socket?.pause(),
    unstall: () => socket?.resume(),
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.terminate();
      }),
  };
}

/** The ws:// address of a cluster's stream on a listening server. */
export function streamUrl(base: string, cluster: string): string {
  return `${base.replace(/^http/, 'ws')}/api/clusters/${cluster}/stream`;
}
