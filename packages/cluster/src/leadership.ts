/**
 * Who leads a group, as the nodes of this process see it, and which node here a proposal to
 * it goes through. A leader may run in another process: the nodes here know it by the `lead`
 * they follow.
 */

import type { NodeRuntime } from './node/runtime.ts';

/** The node leading `group` at the highest term among running nodes, or null. */
export function leaderAmong(nodes: ReadonlyMap<number, NodeRuntime>, group: number): number | null {
  let best: { id: number; term: number } | null = null;
  let remote: { id: number; term: number } | null = null;
  for (const node of nodes.values()) {
    const g = node.group(group);
    if (node.status !== 'running' || g === undefined) continue;
    const term = g.term();
    if (g.isLeader()) {
      if (best === null || term > best.term) best = { id: node.id, term };
    } else if (g.lead !== 0 && !nodes.has(g.lead)) {
      // A leader in another process, as the nodes here see it.
      if (remote === null || term > remote.term) remote = { id: g.lead, term };
    }
  }
  return best?.id ?? remote?.id ?? null;
}

/**
 * The node here through which to propose to `group`: its leader if it runs here, else the
 * running node here with the lowest id that follows a leader elsewhere (the core forwards the
 * proposal).
 */
export function proposerAmong(
  nodes: ReadonlyMap<number, NodeRuntime>,
  group: number,
): number | null {
  const leader = leaderAmong(nodes, group);
  if (leader === null) return null;
  if (nodes.has(leader)) return leader;
  const ids = [...nodes.keys()].sort((a, b) => a - b);
  for (const id of ids) {
    const node = nodes.get(id);
    if (node?.status === 'running' && node.group(group)?.lead === leader) return id;
  }
  return null;
}
