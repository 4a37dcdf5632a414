import type { ClusterSnapshot, HeldMessageView } from '@raftlens/trace';
import type { ClusterOptions } from '../api.ts';
import type { NetworkShaper } from '../net/shaper.ts';
import type { NodeRuntime } from '../node/runtime.ts';

export interface SnapshotParts {
  name: string;
  options: ClusterOptions;
  paused: boolean;
  speed: number;
  /** In id order. */
  nodes: NodeRuntime[];
  shaper: NetworkShaper;
  seq: number;
  wallMs: number;
}

/**
 * The present state of the cluster. `pending` (beyond the trace format's snapshot) lists what
 * waits in the nodes' inboxes while the cluster is paused, oldest first: the next `step`
 * delivers its first item.
 */
export function clusterSnapshot(
  p: SnapshotParts,
): ClusterSnapshot & { pending: HeldMessageView[] } {
  const snap: ClusterSnapshot & { pending: HeldMessageView[] } = {
    cluster: p.name,
    mode: p.options.mode,
    paused: p.paused,
    speed: p.speed,
    tickMs: p.options.tickMs,
    groups: Array.from({ length: p.options.groups }, (_, i) => i + 1),
    nodes: p.nodes.map((n) => n.view()),
    links: p.shaper.linkRules(),
    partitions: p.shaper.partitions(),
    held: p.shaper.heldMessages(),
    pending: p.nodes
      .flatMap((n) => n.pendingViews())
      .sort((a, b) => a.seq - b.seq)
      .map((x) => x.view),
    seq: p.seq,
    wallMs: p.wallMs,
  };
  if (p.options.mode === 'simulated') snap.seed = p.options.seed;
  return snap;
}
