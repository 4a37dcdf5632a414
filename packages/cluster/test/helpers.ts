import type { GroupView } from '@raftlens/trace';
import { afterEach, expect } from 'vitest';
import type { RaftCluster } from '../src/cluster.ts';
import { type CreateClusterInput, createCluster } from '../src/create.ts';

let clusterCount = 0;
/** Clusters to close after the test (`closeClustersAfterEach`): those made here, and any tracked. */
const opened = new Set<RaftCluster>();

/** Closes `c` after the test too, with the clusters made here (a fork, say). */
export function tracked<T extends RaftCluster>(c: T): T {
  opened.add(c);
  return c;
}

/**
 * After each test of the calling file: closes every cluster the test made here or tracked,
 * fails the test if any of them met an internal error (a listener that threw, a failed Ready),
 * then runs `cleanup` (removing a data folder, say), which must wait for the clusters to close.
 */
export function closeClustersAfterEach(cleanup?: () => void): void {
  afterEach(async () => {
    const errors: unknown[] = [];
    const clusters = [...opened];
    opened.clear();
    for (const c of clusters) {
      errors.push(...c.internalErrors());
      await c.close();
    }
    cleanup?.();
    expect(errors).toEqual([]);
  });
}

/** A live cluster with fast ticks, for tests. */
export function liveCluster(input: Partial<CreateClusterInput> = {}): Promise<RaftCluster> {
  return createCluster({
    tickMs: 10,
    ...input,
    name: input.name ?? `live-${++clusterCount}`,
  }).then(tracked);
}

/** A simulated cluster on a manual clock: time moves only through `advance`. */
export function simCluster(input: Partial<CreateClusterInput> = {}): Promise<RaftCluster> {
  return createCluster({
    tickMs: 10,
    mode: 'simulated',
    clock: 'manual',
    ...input,
    name: input.name ?? `sim-${++clusterCount}`,
  }).then(tracked);
}

/** Polls `pred` on the wall clock until it holds; throws after `timeoutMs`. */
export async function waitUntil(
  pred: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Advances a simulated cluster in small steps until `pred` holds; throws after `maxMs`. */
export async function runUntil(
  c: RaftCluster,
  pred: () => boolean,
  what: string,
  maxMs = 10_000,
): Promise<void> {
  for (let t = 0; !pred(); t += 5) {
    if (t > maxMs) throw new Error(`virtual time ran out waiting for ${what}`);
    c.advance(5);
    await flush();
  }
}

/** Advances a simulated cluster until `p` settles; returns its outcome. */
export async function settle<T>(c: RaftCluster, p: Promise<T>, maxMs = 20_000): Promise<T> {
  let done = false;
  p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await runUntil(c, () => done, 'a request to settle', maxMs);
  return p;
}

/** Lets promise callbacks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 3; i++) await Promise.resolve();
}

export function groupOf(c: RaftCluster, node: number, group = 1): GroupView {
  const view = c
    .snapshot()
    .nodes.find((n) => n.id === node)
    ?.groups.find((g) => g.group === group);
  if (view === undefined) throw new Error(`node ${node} has no view of group ${group}`);
  return view;
}

/** The leader once exactly one running node leads group 1 and all running nodes follow it. */
export function stableLeader(c: RaftCluster, group = 1): number | null {
  const leader = c.leaderOf(group);
  if (leader === null) return null;
  for (const n of c.snapshot().nodes) {
    if (n.status !== 'running') continue;
    const g = n.groups.find((x) => x.group === group);
    if (g?.lead !== leader) return null;
  }
  return leader;
}

/** Waits (live) for a leader that every running node follows. */
export async function waitForLeader(c: RaftCluster, group = 1): Promise<number> {
  await waitUntil(() => stableLeader(c, group) !== null, 'a stable leader');
  return stableLeader(c, group) as number;
}

/** The running nodes other than `except`. */
export function others(c: RaftCluster, except: number): number[] {
  return [...c.nodes.values()]
    .filter((n) => n.id !== except && n.status === 'running')
    .map((n) => n.id)
    .sort((a, b) => a - b);
}
