/** Test scaffolding for the transport: started nodes with their inboxes, and polling. */

import { type MessageType, type NodeId, newMessage, type Term } from '@raftlens/raft';
import type { Envelope, NodeTransport, TransportLogger } from '../../src/transport/types.ts';
import { createWsTransport, type WsTransportOptions } from '../../src/transport/ws.ts';

export const SECRET = 'correct horse battery staple';

/** A logger that keeps its lines, so tests can check what was warned about. */
export class MemoryLogger implements TransportLogger {
  readonly lines: string[] = [];
  debug(msg: string): void {
    this.lines.push(`debug ${msg}`);
  }
  info(msg: string): void {
    this.lines.push(`info ${msg}`);
  }
  warn(msg: string): void {
    this.lines.push(`warn ${msg}`);
  }
  error(msg: string): void {
    this.lines.push(`error ${msg}`);
  }
  count(level: 'warn' | 'error'): number {
    return this.lines.filter((l) => l.startsWith(`${level} `)).length;
  }
}

/** A started transport with everything it received and every status change it reported. */
export interface TestNode {
  t: NodeTransport;
  inbox: { from: number; env: Envelope }[];
  status: [number, boolean][];
  log: MemoryLogger;
}

export async function startNode(
  nodeId: number,
  opts: Partial<WsTransportOptions> = {},
): Promise<TestNode> {
  const log = new MemoryLogger();
  const t = createWsTransport({
    nodeId,
    secret: SECRET,
    logger: log,
    backoff: { baseMs: 20, maxMs: 200 },
    ...opts,
  });
  const node: TestNode = { t, inbox: [], status: [], log };
  t.onReceive((from, env) => node.inbox.push({ from, env }));
  t.onPeerStatus((peer, up) => node.status.push([peer, up]));
  await t.start();
  return node;
}

/** The port a started transport listens on. */
export function portOf(t: NodeTransport): number {
  return Number(new URL(t.address).port);
}

/** Polls `cond` every 5 ms until it holds, or fails after `timeoutMs`. */
export async function waitFor(what: string, cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An envelope carrying a small message of `type` from `from` to `to` in `group`. */
export function envelope(
  group: number,
  from: number,
  to: number,
  seq: number,
  type: MessageType = 'MsgHeartbeat',
): Envelope {
  return {
    group,
    msgId: `g${group}-${from}-${seq}`,
    msg: newMessage({
      type,
      from: from as NodeId,
      to: to as NodeId,
      term: seq as Term,
      context: new Uint8Array([group, seq & 0xff]),
    }),
  };
}

/** Waits until `a` and `b` each list the other as connected. */
export async function connected(a: TestNode, b: TestNode): Promise<void> {
  await waitFor(
    `${a.t.nodeId} and ${b.t.nodeId} to connect`,
    () =>
      a.t.stats().connectedPeers.includes(b.t.nodeId) &&
      b.t.stats().connectedPeers.includes(a.t.nodeId),
  );
}
