/**
 * The dashboard's link to one node that runs in its own process (`raftlens node`). Every such
 * process is a small Raftlens server hosting a one-node cluster; the link watches its stream
 * (keeping its latest snapshot and passing its events on) and calls its control API.
 */

import type { ClusterSnapshot, StreamMessage, TraceEvent } from '@raftlens/trace';
import type { FastifyBaseLogger } from 'fastify';
import WebSocket from 'ws';
import { ApiError, isApiErrorCode } from '../errors.ts';

/** How a node process registered itself with the dashboard. */
export interface MemberInfo {
  node: number;
  /** The node process's HTTP address, e.g. http://10.0.0.2:4001. */
  url: string;
  /** The bearer token the node process needs for changing requests, if any. */
  token?: string;
}

/** Redial delays after a lost stream: doubling from the first to the last. */
const RETRY_MS_MIN = 250;
const RETRY_MS_MAX = 5_000;
/** How long a control call to a node process may take. */
const CALL_TIMEOUT_MS = 15_000;

export class MemberLink {
  /** The node process's latest snapshot; null until its stream has said hello. */
  snapshot: ClusterSnapshot | null = null;
  connected = false;
  private socket: WebSocket | null = null;
  private retryMs = RETRY_MS_MIN;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    readonly info: MemberInfo,
    private readonly cluster: string,
    private readonly onEvent: (event: TraceEvent) => void,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    this.connect();
  }

  /**
   * Calls the node process's API for this cluster (`path` after `/api/clusters/{cluster}`).
   * Its coded errors come back as the same codes; an unreachable process is
   * `MemberUnreachable`.
   */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.info.token !== undefined) headers.authorization = `Bearer ${this.info.token}`;
    let res: Response;
    try {
      res = await fetch(`${this.info.url}/api/clusters/${this.cluster}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
    } catch (err) {
      throw new ApiError('MemberUnreachable', `node ${this.info.node} cannot be reached`, {
        node: this.info.node,
        url: this.info.url,
        reason: String(err),
      });
    }
    const text = await res.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (!res.ok) {
      const error = (parsed as { error?: { code?: string; message?: string; detail?: object } })
        ?.error;
      const code = isApiErrorCode(error?.code) ? error.code : 'InternalError';
      throw new ApiError(code, error?.message ?? `node ${this.info.node} answered ${res.status}`, {
        ...(error?.detail ?? {}),
        node: this.info.node,
      });
    }
    return parsed as T;
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.socket?.terminate();
    this.socket = null;
    this.connected = false;
  }

  private connect(): void {
    const url = `${this.info.url.replace(/^http/, 'ws')}/api/clusters/${this.cluster}/stream`;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.on('open', () => {
      this.connected = true;
      this.retryMs = RETRY_MS_MIN;
      this.log.info({ node: this.info.node, url: this.info.url }, 'node process connected');
    });
    socket.on('message', (data) => this.onMessage(data.toString()));
    socket.on('error', (err) => {
      this.log.debug({ node: this.info.node, err }, 'node process stream failed');
    });
    socket.on('close', () => {
      if (this.connected) {
        this.log.warn({ node: this.info.node }, 'node process stream lost; redialling');
      }
      this.connected = false;
      if (this.closed) return;
      this.retryTimer = setTimeout(() => this.connect(), this.retryMs);
      this.retryTimer.unref();
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MS_MAX);
    });
  }

  private onMessage(text: string): void {
    let message: StreamMessage;
    try {
      message = JSON.parse(text) as StreamMessage;
    } catch {
      this.log.warn({ node: this.info.node }, 'node process sent a malformed stream message');
      return;
    }
    switch (message.type) {
      case 'hello':
      case 'state':
        this.snapshot = message.snapshot;
        return;
      case 'events':
        for (const event of message.events) this.onEvent(event);
        return;
      case 'gap':
        // The dashboard fell behind this node; the next state brings its picture up to date.
        return;
      case 'error':
        this.log.warn({ node: this.info.node, code: message.code }, message.message);
        return;
    }
  }
}
