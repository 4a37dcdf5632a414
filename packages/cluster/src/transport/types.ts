/**
 * The node-to-node transport contract. One transport per node process carries the messages of
 * every Raft group the node hosts over one authenticated connection per pair of nodes; an
 * envelope names the group a message belongs to.
 */

import type { Message } from '@raftlens/raft';

/** One Raft message on the wire, tagged with its group and a runtime-chosen id for tracing. */
export interface Envelope {
  /** The Raft group the message belongs to; a non-negative integer. */
  group: number;
  /** The runtime's id for this message, so a send and its delivery can be matched in traces. */
  msgId: string;
  msg: Message;
}

/**
 * Counters since the transport started. Handshake frames are not counted as frames; a frame that
 * fails validation counts in `framesIn` and in `malformed` or `oversized`.
 */
export interface TransportStats {
  /** Data frames read from authenticated peers, valid or not. */
  framesIn: number;
  /** Envelope frames handed to a peer's socket. */
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Frames or connections dropped for bad framing, bad JSON or a bad envelope shape. */
  malformed: number;
  /** Frames dropped because they exceeded `maxFrameBytes`. */
  oversized: number;
  /** Connections lost with a frame partly received; that frame is dropped. */
  truncated: number;
  /** Dial attempts made after a failed or lost connection (the first dial is not counted). */
  reconnects: number;
  /** Sends refused because the peer's socket already buffered more than the bound. */
  droppedBackpressure: number;
  /** Handshakes refused: wrong secret, wrong node id, protocol version or timeout. */
  authFailures: number;
  /** Peers with an open, authenticated connection, ascending. */
  connectedPeers: number[];
}

/** The logger the transport writes to; the core's `Logger` and pino both fit. */
export interface TransportLogger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** A node's endpoint in the cluster mesh. No method throws for network reasons. */
export interface NodeTransport {
  readonly nodeId: number;
  /** The address peers dial (`ws://host:port/raft`); known once `start` has resolved. */
  readonly address: string;
  /** Starts listening. Resolves once the listener is bound. */
  start(): Promise<void>;
  /**
   * Keeps a connection to `peer` at `address`, dialling and redialling with backoff until
   * `disconnect` or `close`. Calling it again with a new address redirects future dials.
   */
  connect(peer: number, address: string): void;
  /** Forgets `peer`: closes its connection and stops redialling it. */
  disconnect(peer: number): void;
  /**
   * Queues `env` on the connection to `to`. Returns false, sending nothing, when there is no
   * open connection or the connection's send buffer is over its bound; the runtime then reports
   * the peer unreachable to Raft.
   */
  send(to: number, env: Envelope): boolean;
  /** Registers a handler for every valid envelope received; `from` is the authenticated peer. */
  onReceive(h: (from: number, env: Envelope) => void): void;
  /** Registers a handler called when a peer's connection opens (`true`) or is lost (`false`). */
  onPeerStatus(h: (peer: number, up: boolean) => void): void;
  stats(): TransportStats;
  /** Closes every connection and the listener; the transport cannot be started again. */
  close(): Promise<void>;
}
