/**
 * The handshake that opens every node-to-node connection, before any envelope flows.
 *
 *   listener -> dialer    hello   { node, instance, nonce }
 *   dialer   -> listener  auth    { node, instance, nonce, mac }
 *   listener -> dialer    welcome { mac }
 *
 * Each side proves that it knows the cluster secret by an HMAC-SHA256 over both node ids, its
 * own instance id and both nonces, with a label for its role. The secret never crosses the wire;
 * fresh nonces on both sides stop a recorded handshake from being replayed, and the role labels
 * stop one side's proof from being reflected back as the other's.
 *
 * The instance id is random per transport object: it tells a restarted peer from a stale
 * connection to its previous life (see `ws.ts`, duplicate connections).
 */

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bumped whenever the handshake or the envelope encoding changes incompatibly. */
export const PROTOCOL_VERSION = 1;
/** Handshake frames are tiny; anything bigger before authentication is an attack or a bug. */
export const HANDSHAKE_FRAME_BYTES_MAX = 1024;

export interface Hello {
  t: 'hello';
  v: number;
  node: number;
  instance: string;
  nonce: string;
}

export interface Auth {
  t: 'auth';
  v: number;
  node: number;
  instance: string;
  nonce: string;
  mac: string;
}

export interface Welcome {
  t: 'welcome';
  mac: string;
}

/** 16 random bytes as hex: a nonce or an instance id. */
export function randomToken(): string {
  return randomBytes(16).toString('hex');
}

/** What the listener (server side) proves, over the dialer's nonce. */
export function listenerMac(
  secret: string,
  listener: number,
  dialer: number,
  listenerInstance: string,
  hello: string,
  auth: string,
): string {
  return mac(secret, ['listener', listener, dialer, listenerInstance, hello, auth]);
}

/** What the dialer (client side) proves, over the listener's nonce. */
export function dialerMac(
  secret: string,
  dialer: number,
  listener: number,
  dialerInstance: string,
  hello: string,
  auth: string,
): string {
  return mac(secret, ['dialer', dialer, listener, dialerInstance, hello, auth]);
}

/** Compares two hex MACs in constant time; a length mismatch is simply false. */
export function macEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

function mac(secret: string, parts: (string | number)[]): string {
  return createHmac('sha256', secret)
    .update(`raftlens/${PROTOCOL_VERSION}|${parts.join('|')}`)
    .digest('hex');
}

const TOKEN = /^[0-9a-f]{32}$/;
const MAC = /^[0-9a-f]{64}$/;

/** Parses the listener's hello, or returns why it is not one. */
export function parseHello(text: string): Hello | string {
  const o = parseObject(text);
  if (typeof o === 'string') return o;
  if (o.t !== 'hello') return 'expected hello';
  if (o.v !== PROTOCOL_VERSION) return `protocol version ${String(o.v)} is not ${PROTOCOL_VERSION}`;
  if (!isNodeId(o.node)) return 'hello: bad node id';
  if (!isToken(o.instance) || !isToken(o.nonce)) return 'hello: bad instance or nonce';
  return { t: 'hello', v: o.v, node: o.node, instance: o.instance, nonce: o.nonce };
}

/** Parses the dialer's auth, or returns why it is not one. */
export function parseAuth(text: string): Auth | string {
  const o = parseObject(text);
  if (typeof o === 'string') return o;
  if (o.t !== 'auth') return 'expected auth';
  if (o.v !== PROTOCOL_VERSION) return `protocol version ${String(o.v)} is not ${PROTOCOL_VERSION}`;
  if (!isNodeId(o.node)) return 'auth: bad node id';
  if (!isToken(o.instance) || !isToken(o.nonce)) return 'auth: bad instance or nonce';
  if (typeof o.mac !== 'string' || !MAC.test(o.mac)) return 'auth: bad mac';
  return { t: 'auth', v: o.v, node: o.node, instance: o.instance, nonce: o.nonce, mac: o.mac };
}

/** Parses the listener's welcome, or returns why it is not one. */
export function parseWelcome(text: string): Welcome | string {
  const o = parseObject(text);
  if (typeof o === 'string') return o;
  if (o.t !== 'welcome') return 'expected welcome';
  if (typeof o.mac !== 'string' || !MAC.test(o.mac)) return 'welcome: bad mac';
  return { t: 'welcome', mac: o.mac };
}

function parseObject(text: string): Record<string, unknown> | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return 'handshake frame is not JSON';
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return 'handshake frame is not an object';
  }
  return raw as Record<string, unknown>;
}

function isNodeId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

function isToken(v: unknown): v is string {
  return typeof v === 'string' && TOKEN.test(v);
}
