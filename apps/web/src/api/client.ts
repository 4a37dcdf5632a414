/**
 * The control API: one function per server action. Each resolves with the server's answer or
 * rejects with an `ApiError` carrying the server's stable code and its sentence, which the
 * dashboard shows as it is.
 */

import type { ClusterSnapshot, ConfStateView, HeldMessageView, LinkRule } from '@raftlens/trace';
import { authHeaders } from './auth.ts';
import { paths } from './paths.ts';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

async function call<T>(method: Method, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        ...authHeaders(),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError('Unreachable', 'The server cannot be reached.', 0);
  }
  const text = await res.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const err = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(
      err?.code ?? `Http${res.status}`,
      err?.message ?? `The server answered ${res.status} ${res.statusText}.`,
      res.status,
    );
  }
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What a write answers (mirrors the cluster's WriteResult). */
export interface WriteAnswer {
  key: string;
  value: string;
  index: number;
  term: number;
  leader: number;
  latencyMs: number;
}

/** What a read answers (mirrors the cluster's ReadResult). */
export interface ReadAnswer {
  key: string;
  value: string | null;
  readIndex: number;
  node: number;
}

/** One node's part in a membership change (mirrors the cluster's MembershipChange). */
export interface MembershipChange {
  type: 'add-voter' | 'add-learner' | 'remove';
  node: number;
}

/** How the change uses joint consensus: as etcd's ConfChangeTransition. */
export type MembershipTransition = 'auto' | 'implicit' | 'explicit';

export function createApi(cluster: string) {
  const c = cluster;
  return {
    snapshot: () => call<ClusterSnapshot>('GET', paths.cluster(c)),
    pause: () => call<unknown>('POST', paths.pause(c)),
    resume: () => call<unknown>('POST', paths.resume(c)),
    step: (what: 'message' | 'tick') => call<unknown>('POST', paths.step(c), { what }),
    setSpeed: (factor: number) => call<unknown>('PUT', paths.speed(c), { factor }),
    setLinkRule: (from: number, to: number, rule: LinkRule) =>
      call<unknown>('PUT', paths.link(c, from, to), rule),
    clearLinkRule: (from: number, to: number) => call<unknown>('DELETE', paths.link(c, from, to)),
    partition: (groups: number[][]) => call<unknown>('POST', paths.partition(c), { groups }),
    heal: () => call<unknown>('POST', paths.heal(c)),
    held: async () => (await call<{ held: HeldMessageView[] }>('GET', paths.held(c))).held,
    release: (msgId: string) => call<unknown>('POST', paths.heldRelease(c, msgId)),
    drop: (msgId: string) => call<unknown>('POST', paths.heldDrop(c, msgId)),
    crash: (id: number) => call<unknown>('POST', paths.crash(c, id)),
    restart: (id: number) => call<unknown>('POST', paths.restart(c, id)),
    addNode: (learner: boolean) => call<{ node: number }>('POST', paths.nodes(c), { learner }),
    removeNode: (id: number) => call<unknown>('DELETE', paths.node(c, id)),
    promote: (id: number) => call<unknown>('POST', paths.promote(c, id)),
    transferLeader: (to: number) => call<unknown>('POST', paths.transferLeader(c), { to }),
    campaign: (id: number) => call<unknown>('POST', paths.campaign(c, id)),
    changeMembership: (changes: MembershipChange[], transition: MembershipTransition) =>
      call<{ confState: ConfStateView }>('POST', paths.membership(c), { changes, transition }),
    leaveJoint: () => call<{ confState: ConfStateView }>('POST', paths.leaveJoint(c)),
    compact: (id: number) =>
      call<{ node: number; group: number; index: number }>('POST', paths.compact(c, id)),
    put: (key: string, value: string) => call<WriteAnswer>('PUT', paths.kv(c, key), { value }),
    get: (key: string) => call<ReadAnswer>('GET', paths.kv(c, key)),
  };
}

export type Api = ReturnType<typeof createApi>;
