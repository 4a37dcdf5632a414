/**
 * One WebSocket connection between two nodes: its handshake, the validation of every frame it
 * reads, and its keepalive. A link knows nothing of other links; the mesh in `ws.ts` decides
 * which link to a peer is the one in use.
 *
 * A link never throws out of a socket callback. Whatever a peer sends, the worst outcome is
 * that the frame is counted, logged and dropped, and the link is closed.
 */

import type { RawData, WebSocket } from 'ws';
import { decodeEnvelope } from './codec.ts';
import {
  dialerMac,
  HANDSHAKE_FRAME_BYTES_MAX,
  type Hello,
  listenerMac,
  macEqual,
  PROTOCOL_VERSION,
  parseAuth,
  parseHello,
  parseWelcome,
  randomToken,
} from './handshake.ts';
import type { Envelope, TransportLogger, TransportStats } from './types.ts';

/** WebSocket close codes this transport uses; 4000-4999 are free for applications. */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  unsupportedData: 1003,
  policy: 1008,
  tooBig: 1009,
  duplicate: 4000,
  refused: 4003,
} as const;

/** Mutable counters shared by all links of one transport. */
export type Counters = Omit<TransportStats, 'connectedPeers'>;

/** What a link needs from its transport. */
export interface LinkContext {
  nodeId: number;
  /** This transport object's random id; see `handshake.ts`. */
  instance: string;
  secret: string;
  maxFrameBytes: number;
  handshakeTimeoutMs: number;
  pingIntervalMs: number;
  counters: Counters;
  log: TransportLogger;
  /** The link finished its handshake: `peer` and `peerInstance` are now known. */
  onOpen(link: Link): void;
  onEnvelope(link: Link, env: Envelope): void;
  /** The link closed, whatever its state; called exactly once. */
  onClose(link: Link): void;
}

/**
 * A link's life: a handshake stage, then 'open'. 'draining' is an open link we are closing for a
 * benign reason (a duplicate, a disconnect): frames already in flight on it are still delivered.
 * 'closed' delivers nothing more.
 */
type Stage = 'awaitAuth' | 'awaitHello' | 'awaitWelcome' | 'open' | 'draining' | 'closed';

const BENIGN_CLOSES: ReadonlySet<number> = new Set([
  CLOSE.normal,
  CLOSE.goingAway,
  CLOSE.duplicate,
  CLOSE.refused,
]);

export class Link {
  /** The peer's node id: the expected one while dialling, 0 on an inbound link until auth. */
  peer: number;
  /** The peer's instance id, known once open. */
  peerInstance = '';
  /** The close code, once closed: the peer's when it closed first, else ours echoed. */
  closeCode = 0;
  private stage: Stage;
  private helloNonce = '';
  private authNonce = '';
  private alive = true;
  private readonly handshakeTimer: NodeJS.Timeout;
  private pingTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private resolveClosed: () => void = () => {};
  /** Settles once the socket has closed and the context has heard of it. */
  readonly closed = new Promise<void>((resolve) => {
    this.resolveClosed = resolve;
  });

  /**
   * Wraps `ws`. `dir` is 'in' for a connection accepted by our listener (the socket is already
   * open) and 'out' for one we dialled to `expectedPeer` (the socket may still be connecting).
   */
  constructor(
    readonly ws: WebSocket,
    readonly dir: 'in' | 'out',
    private readonly ctx: LinkContext,
    expectedPeer = 0,
  ) {
    this.peer = expectedPeer;
    this.stage = dir === 'in' ? 'awaitAuth' : 'awaitHello';
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('error', (err) => this.onError(err));
    ws.on('close', (code, reason) => this.onClosed(code, reason.toString()));
    this.handshakeTimer = setTimeout(() => this.onHandshakeTimeout(), ctx.handshakeTimeoutMs);
    this.handshakeTimer.unref();
    if (dir === 'in') this.sendHello();
  }

  /** Whether frames can be sent: open, and not closing from either end. */
  get isOpen(): boolean {
    return this.stage === 'open' && this.ws.readyState === this.ws.OPEN;
  }

  /** Bytes queued on the socket and not yet written to the kernel. */
  get bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  /** Writes one frame. Only for open links; the mesh checks. */
  send(text: string): void {
    this.ws.send(text);
  }

  /**
   * Closes with `code`, and destroys the socket if the peer does not complete the closing
   * handshake promptly: a misbehaving peer must not hold a socket open for ws's 30 s default.
   */
  shut(code: number, reason: string): void {
    const benign = BENIGN_CLOSES.has(code);
    if (this.stage === 'draining' && !benign) this.stage = 'closed';
    if (this.stage === 'closed' || this.stage === 'draining') return;
    this.stage = this.stage === 'open' && benign ? 'draining' : 'closed';
    this.stopTimers();
    this.ws.close(code, reason);
    this.killTimer = setTimeout(() => this.ws.terminate(), 1_000).unref();
  }

  describe(): string {
    const arrow = this.dir === 'out' ? '->' : '<-';
    return `${this.ctx.nodeId}${arrow}${this.peer === 0 ? '?' : this.peer}`;
  }

  // -------------------------------------------------------------------------------------------

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.stage === 'closed') return;
    const bytes = toBuffer(data);
    this.alive = true;
    if (this.stage !== 'open' && this.stage !== 'draining') {
      this.onHandshakeFrame(bytes, isBinary);
      return;
    }
    const c = this.ctx.counters;
    c.framesIn++;
    c.bytesIn += bytes.length;
    // Size first: ws already refuses frames over maxPayload, but a fragmented message is only
    // measured here once whole, and the check costs nothing.
    if (bytes.length > this.ctx.maxFrameBytes) {
      c.oversized++;
      this.warn(`dropped a ${bytes.length}-byte frame over the ${this.ctx.maxFrameBytes} bound`);
      this.shut(CLOSE.tooBig, 'frame too big');
      return;
    }
    if (isBinary) {
      c.malformed++;
      this.warn('dropped a binary frame; envelopes are JSON text');
      this.shut(CLOSE.unsupportedData, 'binary frame');
      return;
    }
    const result = decodeEnvelope(bytes.toString('utf8'));
    if (!result.ok) {
      c.malformed++;
      this.warn(`dropped a frame: ${result.code}: ${truncate(result.detail)}`);
      this.shut(CLOSE.policy, result.code);
      return;
    }
    this.ctx.onEnvelope(this, result.env);
  }

  private onHandshakeFrame(bytes: Buffer, isBinary: boolean): void {
    if (bytes.length > HANDSHAKE_FRAME_BYTES_MAX) {
      this.ctx.counters.oversized++;
      this.failAuth(`a ${bytes.length}-byte handshake frame`);
      return;
    }
    if (isBinary) {
      this.failAuth('a binary handshake frame');
      return;
    }
    const text = bytes.toString('utf8');
    switch (this.stage) {
      case 'awaitAuth':
        this.onAuth(text);
        return;
      case 'awaitHello':
        this.onHello(text);
        return;
      case 'awaitWelcome':
        this.onWelcome(text);
        return;
    }
  }

  /** Listener: greet the dialer with our id and a fresh nonce. */
  private sendHello(): void {
    this.helloNonce = randomToken();
    const { nodeId, instance } = this.ctx;
    this.sendJson({
      t: 'hello',
      v: PROTOCOL_VERSION,
      node: nodeId,
      instance,
      nonce: this.helloNonce,
    });
  }

  /** Listener: check the dialer's proof, then prove ourselves. */
  private onAuth(text: string): void {
    const auth = parseAuth(text);
    if (typeof auth === 'string') {
      this.failAuth(auth);
      return;
    }
    if (auth.node === this.ctx.nodeId) {
      this.failAuth('the dialer claims our own node id');
      return;
    }
    const { secret, nodeId, instance } = this.ctx;
    const expected = dialerMac(
      secret,
      auth.node,
      nodeId,
      auth.instance,
      this.helloNonce,
      auth.nonce,
    );
    if (!macEqual(expected, auth.mac)) {
      this.failAuth(`node ${auth.node} failed to prove the cluster secret`);
      return;
    }
    this.peer = auth.node;
    this.peerInstance = auth.instance;
    const mac = listenerMac(secret, nodeId, auth.node, instance, this.helloNonce, auth.nonce);
    this.sendJson({ t: 'welcome', mac });
    this.open();
  }

  /** Dialer: check that the listener is the node we meant to reach, then prove ourselves. */
  private onHello(text: string): void {
    const hello: Hello | string = parseHello(text);
    if (typeof hello === 'string') {
      this.failAuth(hello);
      return;
    }
    if (hello.node !== this.peer) {
      this.failAuth(`expected node ${this.peer} at this address, found ${hello.node}`);
      return;
    }
    this.helloNonce = hello.nonce;
    this.authNonce = randomToken();
    this.peerInstance = hello.instance;
    const { secret, nodeId, instance } = this.ctx;
    const mac = dialerMac(secret, nodeId, hello.node, instance, hello.nonce, this.authNonce);
    this.sendJson({
      t: 'auth',
      v: PROTOCOL_VERSION,
      node: nodeId,
      instance,
      nonce: this.authNonce,
      mac,
    });
    this.stage = 'awaitWelcome';
  }

  /** Dialer: check the listener's proof. */
  private onWelcome(text: string): void {
    const welcome = parseWelcome(text);
    if (typeof welcome === 'string') {
      this.failAuth(welcome);
      return;
    }
    const { secret, nodeId } = this.ctx;
    const expected = listenerMac(
      secret,
      this.peer,
      nodeId,
      this.peerInstance,
      this.helloNonce,
      this.authNonce,
    );
    if (!macEqual(expected, welcome.mac)) {
      this.failAuth(`node ${this.peer} failed to prove the cluster secret`);
      return;
    }
    this.open();
  }

  private open(): void {
    clearTimeout(this.handshakeTimer);
    this.stage = 'open';
    this.pingTimer = setInterval(() => this.keepalive(), this.ctx.pingIntervalMs).unref();
    this.ctx.onOpen(this);
  }

  /** A peer that answers no ping for a whole interval is gone, even if TCP has not noticed. */
  private keepalive(): void {
    if (!this.alive) {
      // A closing handshake would wait on the same silence, so cut the socket at once.
      this.warn('peer answered no ping; cutting the connection');
      this.stage = 'closed';
      this.stopTimers();
      this.ws.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  private onHandshakeTimeout(): void {
    if (this.ws.readyState === this.ws.OPEN) {
      this.failAuth('handshake timed out');
      return;
    }
    // The TCP or HTTP part never completed: a dead address, not a failed proof.
    this.ctx.log.debug(`transport ${this.describe()}: connect timed out`);
    this.shut(CLOSE.goingAway, 'connect timed out');
  }

  private failAuth(reason: string): void {
    if (this.stage === 'closed') return;
    this.ctx.counters.authFailures++;
    this.warn(`handshake refused: ${truncate(reason)}`);
    this.shut(CLOSE.policy, 'handshake failed');
  }

  private onError(err: Error & { code?: string }): void {
    const c = this.ctx.counters;
    const code = err.code ?? '';
    // ws closes the socket itself after any of these.
    if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      c.oversized++;
      this.warn(`dropped a frame over the ${this.ctx.maxFrameBytes}-byte bound`);
    } else if (code.startsWith('WS_ERR_')) {
      c.malformed++;
      this.warn(`dropped a malformed frame: ${code}`);
    } else {
      // Refused dials and resets are routine while a peer is down.
      this.ctx.log.debug(`transport ${this.describe()}: ${err.message}`);
    }
  }

  private onClosed(code: number, reason: string): void {
    const wasOpen = this.stage === 'open';
    if (this.stage === 'awaitWelcome' && code === CLOSE.policy) {
      // The listener refused our proof: most likely the two nodes hold different secrets.
      this.ctx.counters.authFailures++;
      this.warn('the peer refused our handshake; do both nodes share the cluster secret?');
    }
    this.closeCode = code;
    this.stage = 'closed';
    this.stopTimers();
    if (this.killTimer !== undefined) clearTimeout(this.killTimer);
    if (code === 1006 && hasPartialFrame(this.ws)) {
      this.ctx.counters.truncated++;
      this.warn('connection lost in the middle of a frame; that frame is dropped');
    }
    if (wasOpen) {
      this.ctx.log.info(`transport ${this.describe()}: closed (${code} ${reason})`);
    }
    this.ctx.onClose(this);
    this.resolveClosed();
  }

  private stopTimers(): void {
    clearTimeout(this.handshakeTimer);
    if (this.pingTimer !== undefined) clearInterval(this.pingTimer);
  }

  private sendJson(value: object): void {
    this.ws.send(JSON.stringify(value));
  }

  private warn(msg: string): void {
    this.ctx.log.warn(`transport ${this.describe()}: ${msg}`);
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function truncate(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}...` : s;
}

/**
 * Whether ws's frame reader holds part of a frame. ws exposes no public way to ask, so this reads
 * its private receiver state (ws 8.x, pinned in package.json); if that shape changes, the answer
 * degrades to false and only the `truncated` counter loses accuracy.
 */
function hasPartialFrame(ws: WebSocket): boolean {
  const receiver = (ws as unknown as { _receiver?: Record<string, unknown> })._receiver;
  if (receiver === undefined || receiver === null) return false;
  const { _bufferedBytes, _state, _fragmented } = receiver;
  return (
    (typeof _bufferedBytes === 'number' && _bufferedBytes > 0) ||
    (typeof _state === 'number' && _state !== 0) ||
    (typeof _fragmented === 'number' && _fragmented !== 0)
  );
}
