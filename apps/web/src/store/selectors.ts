/**
 * Derived views of the store. Each takes plain values so components can memoise on them; none
 * returns a new object for unchanged input (zustand re-renders on every new identity).
 */

import type { ClusterSnapshot, GroupView, NodeView } from '@raftlens/trace';

export interface NodeGroup {
  node: NodeView;
  group: GroupView | undefined;
}

/** Each node with its view of one Raft group. */
export function nodeGroups(snapshot: ClusterSnapshot | null, group: number): NodeGroup[] {
  if (!snapshot) return [];
  return snapshot.nodes.map((node) => ({
    node,
    group: node.groups.find((g) => g.group === group),
  }));
}

/** The leader of a group as the highest-term running node that believes it leads. */
export function leaderOf(items: readonly NodeGroup[]): NodeGroup | undefined {
  let best: NodeGroup | undefined;
  for (const it of items) {
    if (it.node.status !== 'running' || it.group?.role !== 'StateLeader') continue;
    if (!best || (it.group?.term ?? 0) > (best.group?.term ?? 0)) best = it;
  }
  return best;
}

/** Milliseconds of wall time per tick at the cluster's current speed. */
export function msPerTick(snapshot: ClusterSnapshot): number {
  return snapshot.tickMs / Math.max(0.0001, snapshot.speed);
}
