/**
 * The node transport over WebSockets (the `ws` package): one listener per node, one
 * authenticated connection per pair of nodes, carrying the envelopes of every Raft group.
 *
 * Both nodes of a pair dial each other, so that a pair connects even when only one side has
 * been told about the other (a node just added to the cluster). When both dials succeed, the two
 * sides must keep the same connection, or each would close the one the other uses. The rule,
 * applied independently on both sides with the same inputs:
 *
 * 1. a connection from a newer instance of the peer (it restarted) replaces the old one;
 * 2. between a connection we dialled and one the peer dialled, the one dialled by the lower
 *    node id wins;
 * 3. otherwise the newer connection wins (the dialer gave up on the older one).
 *
 * Sends never wait: a message for a peer without an open connection, or whose socket already
 * buffers more than `maxBufferedBytes`, is refused and `send` returns false, as etcd's rafthttp
 * drops a message when a peer's queue is full; Raft retries on its own schedule.
 */

import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { type BackoffOptions, backoffDelayMs, DEFAULT_BACKOFF } from './backoff.ts';
import { encodeEnvelope } from './codec.ts';
import { randomToken } from './handshake.ts';
import { CLOSE, type Counters, Link, type LinkContext } from './link.ts';
import type { Envelope, NodeTransport, TransportLogger, TransportStats } from './types.ts';

export interface WsTransportOptions {
  /** This node's id; positive. */
  nodeId: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port to listen on; default 0 (any free port, see `address`). */
  port?: number;
  /** The shared cluster secret both ends must prove they know. */
  secret: string;
  logger?: TransportLogger;
  /** Largest frame sent or accepted, in bytes; default 8 MiB. Bounds a snapshot's size. */
  maxFrameBytes?: number;
  /** Send-buffer bound per peer, in bytes, beyond which sends are refused; default 16 MiB. */
  maxBufferedBytes?: number;
  /** Redial delays. */
  backoff?: Partial<BackoffOptions>;
  /** Time allowed for connect plus handshake; default 5 s. */
  handshakeTimeoutMs?: number;
  /** Keepalive ping period; a peer silent for a whole period is dropped. Default 5 s. */
  pingIntervalMs?: number;
  /** Source of jitter in [0, 1); default Math.random. */
  random?: () => number;
}

export const DEFAULT_MAX_FRAME_BYTES = 8 * 1024 * 1024;
export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** Unauthenticated connections allowed at once; more are cut at accept. */
const PENDING_HANDSHAKES_MAX = 64;
const PATH = '/raft';

const silentLogger: TransportLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/** Creates a node's transport. Nothing is bound or dialled until `start`. */
export function createWsTransport(opts: WsTransportOptions): NodeTransport {
  return new WsTransport(opts);
}

/** What the transport knows about one peer. */
interface Peer {
  readonly id: number;
  /** Where to dial the peer; undefined when we only accept its dials. */
  address: string | undefined;
  /** The connection in use. Invariant: when set, it is open and `active.peer === id`. */
  active: Link | undefined;
  /** Our outgoing connection attempt, until it opens or fails. */
  dialing: Link | undefined;
  /** Consecutive failed dials, for the backoff; reset when a connection opens. */
  failures: number;
  retryTimer: NodeJS.Timeout | undefined;
  /** Set by `disconnect`: the peer's dials are refused until `connect` is called again. */
  refused: boolean;
  /** Whether the last send met a full buffer; only the first refusal of a run is logged. */
  congested: boolean;
  /** The status last reported to the handlers. */
  reportedUp: boolean;
  /** Pending report of the peer's loss, after it replaced our connection; see onLinkClose. */
  downTimer: NodeJS.Timeout | undefined;
}

class WsTransport implements NodeTransport {
  readonly nodeId: number;
  private readonly host: string;
  private readonly port: number;
  private readonly maxBufferedBytes: number;
  private readonly backoff: BackoffOptions;
  private readonly random: () => number;
  private readonly log: TransportLogger;
  private readonly ctx: LinkContext;
  private readonly counters: Counters = {
    framesIn: 0,
    framesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    malformed: 0,
    oversized: 0,
    truncated: 0,
    reconnects: 0,
    droppedBackpressure: 0,
    authFailures: 0,
  };
  private readonly peers = new Map<number, Peer>();
  /** Inbound links still in their handshake. */
  private readonly pending = new Set<Link>();
  private readonly receivers: ((from: number, env: Envelope) => void)[] = [];
  private readonly statusHandlers: ((peer: number, up: boolean) => void)[] = [];
  private state: 'new' | 'starting' | 'started' | 'closed' = 'new';
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private boundAddress = '';
  /** The bind in progress or done; set by `start`. */
  private listening: Promise<void> | undefined;

  constructor(opts: WsTransportOptions) {
    if (!Number.isSafeInteger(opts.nodeId) || opts.nodeId <= 0) {
      throw new Error(`transport: node id must be a positive integer, got ${opts.nodeId}`);
    }
    if (typeof opts.secret !== 'string' || opts.secret.length === 0) {
      throw new Error('transport: a non-empty cluster secret is required');
    }
    this.nodeId = opts.nodeId;
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port ?? 0;
    this.maxBufferedBytes = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.random = opts.random ?? Math.random;
    this.log = opts.logger ?? silentLogger;
    this.ctx = {
      nodeId: opts.nodeId,
      instance: randomToken(),
      secret: opts.secret,
      maxFrameBytes: opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      handshakeTimeoutMs: opts.handshakeTimeoutMs ?? 5_000,
      pingIntervalMs: opts.pingIntervalMs ?? 5_000,
      counters: this.counters,
      log: this.log,
      onOpen: (link) => this.onLinkOpen(link),
      onEnvelope: (link, env) => this.deliver(link, env),
      onClose: (link) => this.onLinkClose(link),
    };
  }

  get address(): string {
    return this.boundAddress;
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`transport ${this.nodeId}: start called twice`);
    this.state = 'starting';
    this.listening = this.listen();
    await this.listening;
    if (this.state !== 'starting') return; // close() ran meanwhile and stops the listener
    this.state = 'started';
    for (const peer of this.peers.values()) this.dial(peer);
  }

  /** Creates the HTTP server and the WebSocket server on it, and binds. */
  private async listen(): Promise<void> {
    const checkMs = Math.min(1_000, this.ctx.handshakeTimeoutMs);
    const server = createServer({ connectionsCheckingInterval: checkMs }, (_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
      res.end('raftlens node transport: WebSocket only\n');
    });
    // A connection that has not finished its upgrade request within the handshake time is
    // cut (checked every `checkMs`), instead of holding a socket for Node's default minute.
    server.headersTimeout = this.ctx.handshakeTimeoutMs;
    server.requestTimeout = this.ctx.handshakeTimeoutMs;
    server.on('clientError', (err: Error & { code?: string }, socket: Duplex) =>
      this.onClientError(err, socket),
    );
    const wss = new WebSocketServer({
      server,
      path: PATH,
      maxPayload: this.ctx.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
    });
    wss.on('connection', (ws) => this.accept(ws));
    wss.on('error', (err) => this.log.error(`transport ${this.nodeId}: ${err.message}`));
    this.server = server;
    this.wss = wss;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.log.error(`transport ${this.nodeId}: ${err.message}`));
    const bound = server.address();
    const port = typeof bound === 'object' && bound !== null ? bound.port : this.port;
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    this.boundAddress = `ws://${host}:${port}${PATH}`;
    this.log.info(`transport ${this.nodeId}: listening on ${this.boundAddress}`);
  }

  connect(peerId: number, address: string): void {
    if (!Number.isSafeInteger(peerId) || peerId <= 0 || peerId === this.nodeId) {
      this.log.warn(`transport ${this.nodeId}: connect(${peerId}) ignored: not a peer id`);
      return;
    }
    const peer = this.peerFor(peerId);
    peer.refused = false;
    peer.address = normalizeAddress(address);
    if (peer.active !== undefined || peer.dialing !== undefined) return;
    this.clearRetry(peer);
    peer.failures = 0;
    this.dial(peer);
  }

  disconnect(peerId: number): void {
    const peer = this.peerFor(peerId);
    peer.refused = true;
    peer.address = undefined;
    this.clearRetry(peer);
    peer.dialing?.shut(CLOSE.normal, 'disconnected');
    peer.active?.shut(CLOSE.normal, 'disconnected');
  }

  send(to: number, env: Envelope): boolean {
    const peer = this.peers.get(to);
    const link = peer?.active;
    if (peer === undefined || link === undefined || !link.isOpen) return false;
    if (link.bufferedBytes > this.maxBufferedBytes) {
      this.counters.droppedBackpressure++;
      if (!peer.congested) {
        this.log.warn(
          `transport ${this.nodeId}: peer ${to} is not draining (${link.bufferedBytes} bytes ` +
            'buffered); dropping messages to it until it does',
        );
      }
      peer.congested = true;
      return false;
    }
    peer.congested = false;
    const text = encodeEnvelope(env);
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > this.ctx.maxFrameBytes) {
      // The peer would refuse it and drop the connection; refusing here keeps the link.
      this.counters.oversized++;
      this.log.warn(
        `transport ${this.nodeId}: not sending a ${bytes}-byte ${env.msg.type} to ${to}: ` +
          `over the ${this.ctx.maxFrameBytes}-byte frame bound`,
      );
      return false;
    }
    link.send(text);
    this.counters.framesOut++;
    this.counters.bytesOut += bytes;
    return true;
  }

  onReceive(h: (from: number, env: Envelope) => void): void {
    this.receivers.push(h);
  }

  onPeerStatus(h: (peer: number, up: boolean) => void): void {
    this.statusHandlers.push(h);
  }

  stats(): TransportStats {
    const connectedPeers: number[] = [];
    for (const peer of this.peers.values()) {
      if (peer.active !== undefined) connectedPeers.push(peer.id);
    }
    connectedPeers.sort((a, b) => a - b);
    return { ...this.counters, connectedPeers };
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const binding = this.state === 'starting' ? this.listening : undefined;
    this.state = 'closed';
    // A server cannot be stopped while it binds (its close would be lost); wait for the bind.
    await binding?.catch(() => {});
    const links: Link[] = [...this.pending];
    for (const peer of this.peers.values()) {
      this.clearRetry(peer);
      this.clearDownTimer(peer);
      if (peer.active !== undefined) links.push(peer.active);
      if (peer.dialing !== undefined) links.push(peer.dialing);
    }
    for (const link of links) link.shut(CLOSE.goingAway, 'node closing');
    await Promise.all(links.map((link) => link.closed));
    const server = this.server;
    if (server === undefined) return;
    this.wss?.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    this.log.info(`transport ${this.nodeId}: closed`);
  }

  // -------------------------------------------------------------------------------------------

  private accept(ws: WebSocket): void {
    if (this.state !== 'started' || this.pending.size >= PENDING_HANDSHAKES_MAX) {
      ws.terminate();
      return;
    }
    this.pending.add(new Link(ws, 'in', this.ctx));
  }

  private dial(peer: Peer): void {
    if (this.state !== 'started' || peer.address === undefined || peer.refused) return;
    if (peer.active !== undefined || peer.dialing !== undefined) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(peer.address, {
        maxPayload: this.ctx.maxFrameBytes,
        perMessageDeflate: false,
        handshakeTimeout: this.ctx.handshakeTimeoutMs,
      });
    } catch (e) {
      // Only a malformed address gets here; redialling it would never help.
      const reason = e instanceof Error ? e.message : String(e);
      this.log.error(
        `transport ${this.nodeId}: cannot dial ${peer.id} at ${peer.address}: ${reason}`,
      );
      return;
    }
    peer.dialing = new Link(ws, 'out', this.ctx, peer.id);
  }

  private scheduleRedial(peer: Peer): void {
    if (this.state !== 'started' || peer.address === undefined || peer.refused) return;
    if (peer.retryTimer !== undefined || peer.active !== undefined) return;
    if (peer.dialing !== undefined) return;
    const delayMs = backoffDelayMs(peer.failures, this.backoff, this.random);
    peer.failures++;
    peer.retryTimer = setTimeout(() => {
      peer.retryTimer = undefined;
      this.counters.reconnects++;
      this.dial(peer);
    }, delayMs);
    peer.retryTimer.unref();
  }

  private onLinkOpen(link: Link): void {
    this.pending.delete(link);
    const peer = this.peerFor(link.peer);
    if (peer.dialing === link) peer.dialing = undefined;
    if (peer.refused) {
      link.shut(CLOSE.refused, 'not a peer of this node');
      return;
    }
    const current = peer.active;
    if (current === undefined) {
      this.activate(peer, link);
      return;
    }
    if (!this.prefers(link, current)) {
      this.log.debug(
        `transport ${this.nodeId}: keeping ${current.describe()}, not ${link.describe()}`,
      );
      link.shut(CLOSE.duplicate, 'duplicate connection');
      return;
    }
    const restarted = link.peerInstance !== current.peerInstance;
    this.log.debug(`transport ${this.nodeId}: ${link.describe()} replaces ${current.describe()}`);
    // Clear `active` first so that the old link's close is not taken for losing the peer.
    peer.active = undefined;
    current.shut(CLOSE.duplicate, 'replaced by a newer connection');
    if (restarted) {
      this.log.info(`transport ${this.nodeId}: peer ${peer.id} restarted`);
      this.report(peer, false);
    }
    this.activate(peer, link);
  }

  /** Whether `candidate` should replace `current` as the link to their peer; see the header. */
  private prefers(candidate: Link, current: Link): boolean {
    if (candidate.peerInstance !== current.peerInstance) return true;
    if (candidate.dir === current.dir) return true;
    const dialer = candidate.dir === 'out' ? this.nodeId : candidate.peer;
    return dialer === Math.min(this.nodeId, candidate.peer);
  }

  private activate(peer: Peer, link: Link): void {
    peer.active = link;
    peer.failures = 0;
    peer.congested = false;
    this.clearRetry(peer);
    this.clearDownTimer(peer);
    if (!peer.reportedUp) {
      this.log.info(`transport ${this.nodeId}: peer ${peer.id} up (${link.describe()})`);
    }
    this.report(peer, true);
  }

  private onLinkClose(link: Link): void {
    this.pending.delete(link);
    const peer = this.peers.get(link.peer);
    if (peer === undefined) return;
    if (peer.dialing === link) {
      peer.dialing = undefined;
      this.scheduleRedial(peer);
    } else if (peer.active === link) {
      peer.active = undefined;
      if (link.closeCode === CLOSE.duplicate && this.state === 'started') {
        // The peer kept another connection to us, which is still in its handshake on our side;
        // give it the time a handshake may take before calling the peer lost.
        peer.downTimer = setTimeout(() => {
          peer.downTimer = undefined;
          if (peer.active === undefined) this.lose(peer);
        }, this.ctx.handshakeTimeoutMs);
        peer.downTimer.unref();
      } else {
        this.lose(peer);
      }
      this.scheduleRedial(peer);
    }
    this.forgetIfIdle(peer);
  }

  private lose(peer: Peer): void {
    if (peer.reportedUp) this.log.info(`transport ${this.nodeId}: peer ${peer.id} down`);
    this.report(peer, false);
    this.forgetIfIdle(peer);
  }

  /** Reports a peer's status to the handlers, only when it changes. */
  private report(peer: Peer, up: boolean): void {
    if (peer.reportedUp === up) return;
    peer.reportedUp = up;
    for (const h of this.statusHandlers) {
      try {
        h(peer.id, up);
      } catch (e) {
        const reason = e instanceof Error ? (e.stack ?? e.message) : String(e);
        this.log.error(`transport ${this.nodeId}: peer status handler threw: ${reason}`);
      }
    }
  }

  /** A peer we never dial and no longer hear from is forgotten, so that the map stays bounded. */
  private forgetIfIdle(peer: Peer): void {
    const idle = peer.active === undefined && peer.dialing === undefined;
    const wanted = peer.address !== undefined || peer.refused;
    if (idle && !wanted && peer.downTimer === undefined && !peer.reportedUp) {
      this.peers.delete(peer.id);
    }
  }

  private deliver(link: Link, env: Envelope): void {
    // A link that lost the duplicate race may still carry a message or two before it closes;
    // delivering them is harmless (Raft tolerates duplicates) and dropping them is not needed.
    for (const h of this.receivers) {
      try {
        h(link.peer, env);
      } catch (e) {
        const reason = e instanceof Error ? (e.stack ?? e.message) : String(e);
        this.log.error(`transport ${this.nodeId}: receive handler threw: ${reason}`);
      }
    }
  }

  private onClientError(err: Error & { code?: string }, socket: Duplex): void {
    // Resets and timeouts of idle sockets are routine; parse errors mean garbage on the port.
    if (err.code?.startsWith('HPE_')) {
      this.counters.malformed++;
      this.log.warn(
        `transport ${this.nodeId}: dropped a connection speaking no HTTP (${err.code})`,
      );
    }
    socket.destroy();
  }

  private peerFor(id: number): Peer {
    let peer = this.peers.get(id);
    if (peer === undefined) {
      peer = {
        id,
        address: undefined,
        active: undefined,
        dialing: undefined,
        failures: 0,
        retryTimer: undefined,
        refused: false,
        congested: false,
        reportedUp: false,
        downTimer: undefined,
      };
      this.peers.set(id, peer);
    }
    return peer;
  }

  private clearDownTimer(peer: Peer): void {
    if (peer.downTimer !== undefined) clearTimeout(peer.downTimer);
    peer.downTimer = undefined;
  }

  private clearRetry(peer: Peer): void {
    if (peer.retryTimer !== undefined) clearTimeout(peer.retryTimer);
    peer.retryTimer = undefined;
  }
}

/** Accepts `host:port` or a full `ws://` URL; a bare `host:port` gets the transport's path. */
function normalizeAddress(address: string): string {
  if (address.startsWith('ws://') || address.startsWith('wss://')) return address;
  return `ws://${address}${PATH}`;
}
