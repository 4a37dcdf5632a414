/**
 * A hand-made WebSocket client over a bare TCP socket, so that tests can send what no proper
 * client would: garbage before the HTTP upgrade, invalid frames, oversized frames, frames cut in
 * the middle, and valid frames with bad contents.
 */

import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import {
  dialerMac,
  PROTOCOL_VERSION,
  parseHello,
  randomToken,
} from '../../src/transport/handshake.ts';

export const OPCODE = { text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface FrameOptions {
  fin?: boolean;
  /** Clients must mask; false sends an unmasked frame, which a server must refuse. */
  mask?: boolean;
}

/** Encodes one client frame. */
export function encodeFrame(opcode: number, payload: Buffer, opts: FrameOptions = {}): Buffer {
  const { fin = true, mask = true } = opts;
  const len = payload.length;
  const head: number[] = [(fin ? 0x80 : 0) | opcode];
  const maskBit = mask ? 0x80 : 0;
  if (len < 126) {
    head.push(maskBit | len);
  } else if (len < 65_536) {
    head.push(maskBit | 126, len >> 8, len & 0xff);
  } else {
    const ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(BigInt(len));
    head.push(maskBit | 127, ...ext);
  }
  if (!mask) return Buffer.concat([Buffer.from(head), payload]);
  const key = randomBytes(4);
  const body = Buffer.alloc(len);
  for (let i = 0; i < len; i++) body[i] = (payload[i] ?? 0) ^ (key[i % 4] ?? 0);
  return Buffer.concat([Buffer.from(head), key, body]);
}

export class RawClient {
  private buf = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  /** Settles when the server (or we) closed the socket. */
  readonly closed: Promise<void>;
  isClosed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      this.wake?.();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.isClosed = true;
        this.wake?.();
        resolve();
      });
    });
  }

  static async open(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** A client that has completed the HTTP upgrade but not the transport's handshake. */
  static async upgraded(port: number): Promise<RawClient> {
    const c = await RawClient.open(port);
    await c.upgrade(port);
    return c;
  }

  /** A client that has proven the secret as node `nodeId`: the server now trusts it. */
  static async authenticated(port: number, nodeId: number, secret: string): Promise<RawClient> {
    const c = await RawClient.upgraded(port);
    await c.handshake(nodeId, secret);
    return c;
  }

  write(bytes: Buffer | string): void {
    this.socket.write(bytes);
  }

  sendText(text: string, opts?: FrameOptions): void {
    this.write(encodeFrame(OPCODE.text, Buffer.from(text, 'utf8'), opts));
  }

  /** Stops reading from the socket, so that the server's writes back up. */
  pauseReading(): void {
    this.socket.pause();
  }

  destroy(): void {
    this.socket.destroy();
  }

  async upgrade(port: number): Promise<void> {
    const key = randomBytes(16).toString('base64');
    this.write(
      `GET /raft HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    const head = await this.until(() => {
      const end = this.buf.indexOf('\r\n\r\n');
      return end < 0 ? undefined : end + 4;
    });
    const response = this.buf.subarray(0, head).toString('latin1');
    this.buf = this.buf.subarray(head);
    if (!response.startsWith('HTTP/1.1 101')) throw new Error(`upgrade refused: ${response}`);
  }

  async handshake(nodeId: number, secret: string): Promise<void> {
    const hello = parseHello((await this.readFrame()).payload.toString('utf8'));
    if (typeof hello === 'string') throw new Error(hello);
    const instance = randomToken();
    const nonce = randomToken();
    const mac = dialerMac(secret, nodeId, hello.node, instance, hello.nonce, nonce);
    this.sendText(
      JSON.stringify({ t: 'auth', v: PROTOCOL_VERSION, node: nodeId, instance, nonce, mac }),
    );
    const welcome = JSON.parse((await this.readFrame()).payload.toString('utf8'));
    if (welcome.t !== 'welcome') throw new Error(`expected welcome, got ${welcome.t}`);
  }

  /**
   * Reads server frames until a close frame, answers it by dropping the socket, and returns
   * its status code; -1 if the socket closed without one.
   */
  async serverClose(): Promise<number> {
    try {
      for (;;) {
        const frame = await this.readFrame();
        if (frame.opcode === OPCODE.close) {
          return frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
        }
      }
    } catch {
      return -1;
    } finally {
      this.destroy();
    }
  }

  /** Reads one (unmasked) server frame. */
  async readFrame(): Promise<{ opcode: number; payload: Buffer }> {
    const frame = await this.until(() => parseServerFrame(this.buf));
    this.buf = this.buf.subarray(frame.size);
    return { opcode: frame.opcode, payload: frame.payload };
  }

  private async until<T>(parse: () => T | undefined): Promise<T> {
    for (;;) {
      const got = parse();
      if (got !== undefined) return got;
      if (this.isClosed) throw new Error('socket closed');
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}

function parseServerFrame(
  buf: Buffer,
): { opcode: number; payload: Buffer; size: number } | undefined {
  if (buf.length < 2) return undefined;
  const opcode = (buf[0] ?? 0) & 0x0f;
  let len = (buf[1] ?? 0) & 0x7f;
  let offset = 2;
  if (len === 126) {
    if (buf.length < 4) return undefined;
    len = buf.readUInt16BE(2);
    offset = 4;
  } else if (len === 127) {
    if (buf.length < 10) return undefined;
    len = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  if (buf.length < offset + len) return undefined;
  return { opcode, payload: buf.subarray(offset, offset + len), size: offset + len };
}
