/**
 * Creating and deleting whole clusters, for the size control. Failures carry the server's code
 * and sentence, as the control API's do.
 */

import type { ClusterSnapshot } from '@raftlens/trace';
import { ApiError, authHeaders, paths } from '../../api/index.ts';

/** What the size control asks for; the rest follows the server's defaults. */
export interface NewCluster {
  name: string;
  size: number;
  groups?: number;
  mode?: 'live' | 'simulated';
  tickMs?: number;
}

/** The largest cluster the server accepts (its CLUSTER_SIZE_MAX). */
export const SIZE_MAX = 15;

async function send(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<void> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { ...authHeaders(), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiError('Unreachable', 'The server cannot be reached.', 0);
  }
  if (res.ok) return;
  let err: { code?: string; message?: string } | undefined;
  try {
    err = ((await res.json()) as { error?: { code?: string; message?: string } }).error;
  } catch {
    err = undefined;
  }
  throw new ApiError(
    err?.code ?? `Http${res.status}`,
    err?.message ?? `The server answered ${res.status} ${res.statusText}.`,
    res.status,
  );
}

export const createCluster = (c: NewCluster) => send('POST', paths.clusters(), c);
export const deleteCluster = (name: string) => send('DELETE', paths.cluster(name));

/** The new cluster keeps what the current one shows of its make-up: groups, mode and tick. */
export function describeLike(
  snapshot: ClusterSnapshot | null,
  name: string,
  size: number,
): NewCluster {
  if (!snapshot) return { name, size };
  return {
    name,
    size,
    groups: Math.max(1, snapshot.groups.length),
    mode: snapshot.mode,
    tickMs: snapshot.tickMs,
  };
}

/**
 * A name for a new cluster of `size` nodes beside `current`: "default-7", then "default-7-2",
 * ... avoiding `taken`; within the server's 63 characters of [a-z0-9_-].
 */
export function sizedName(current: string, size: number, taken: readonly string[]): string {
  const base = `${current.replace(/-\d+(-\d+)?$/, '')}-${size}`.slice(0, 56);
  if (!taken.includes(base)) return base;
  for (let k = 2; ; k++) {
    const name = `${base}-${k}`;
    if (!taken.includes(name)) return name;
  }
}

/** The names of the clusters the server hosts now. */
export async function clusterNames(): Promise<string[]> {
  try {
    const res = await fetch(paths.clusters(), { headers: authHeaders() });
    if (!res.ok) return [];
    const list = (await res.json()) as { clusters: Array<{ name: string }> };
    return list.clusters.map((c) => c.name);
  } catch {
    return [];
  }
}
