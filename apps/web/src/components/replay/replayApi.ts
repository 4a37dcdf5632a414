/**
 * The server calls replay makes: forking a simulated run at a moment, and creating a simulated
 * cluster. Failures carry the server's code and sentence.
 */

import { ApiError, authHeaders, paths } from '../../api/index.ts';

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  let err: { code?: string; message?: string } | undefined;
  try {
    err = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
  } catch {
    err = undefined;
  }
  return new ApiError(
    err?.code ?? `Http${res.status}`,
    err?.message ?? `The server answered ${res.status} ${res.statusText}.`,
    res.status,
  );
}

async function post<T>(path: string, body: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      headers: { ...authHeaders(), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError('Unreachable', 'The server cannot be reached.', 0);
  }
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as T;
}

/**
 * A new simulated cluster paused right after event `atSeq` of `cluster`'s run (or after `seq`,
 * the last event of the same simulation step, which runs whole).
 */
export function fork(
  cluster: string,
  atSeq: number,
): Promise<{ cluster: string; atSeq: number; seq: number }> {
  return post(paths.fork(cluster), { atSeq });
}

/** A new simulated cluster started from the nodes' state at `atSeq` of `cluster`'s recording. */
export function simulateFrom(cluster: string, atSeq: number): Promise<{ cluster: string }> {
  return post(paths.simulateFrom(cluster), { atSeq });
}

export interface SimulatedDescription {
  name: string;
  size: number;
  seed?: number;
}

/** Creates a simulated cluster (POST /api/clusters). */
export function createSimulated(d: SimulatedDescription): Promise<unknown> {
  return post(paths.clusters(), { ...d, mode: 'simulated' });
}

/** The present snapshot's sequence number, to wait for a run to reach a moment. */
export async function presentSeq(cluster: string): Promise<number> {
  const res = await fetch(paths.cluster(cluster), { headers: authHeaders() });
  if (!res.ok) throw await errorOf(res);
  return ((await res.json()) as { seq: number }).seq;
}
