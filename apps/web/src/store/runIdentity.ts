/**
 * Whether a `hello` after a lost connection comes from the same run of the cluster or from a new
 * one (the server was restarted, or the cluster re-created under the same name). A new run must
 * not be read as "N events missed": its history is another one's, and the old must be dropped.
 *
 * The stream carries no run identity, so the signs are things that never go backwards within a
 * run: the event sequence and each node's term (persisted before it is used); and, for live
 * clusters, the nodes' addresses, which a new run's nodes get afresh (all of them at once,
 * whereas within a run only a restarted node moves). A simulated cluster names its seed, which
 * settles it.
 */

import type { ClusterSnapshot } from '@raftlens/trace';

export function isNewRun(
  before: ClusterSnapshot | null,
  lastSeq: number | undefined,
  hello: ClusterSnapshot,
): boolean {
  if (lastSeq !== undefined && hello.seq < lastSeq) return true;
  if (!before) return false;
  if (before.seed !== undefined && hello.seed !== undefined && before.seed !== hello.seed) {
    return true;
  }
  if (before.mode !== hello.mode) return true;
  const now = new Map(hello.nodes.map((n) => [n.id, n]));
  let shared = 0;
  let moved = 0;
  for (const old of before.nodes) {
    const n = now.get(old.id);
    if (!n) continue;
    shared++;
    if (old.address !== n.address && old.address !== 'in-process') moved++;
    for (const g of old.groups) {
      const h = n.groups.find((x) => x.group === g.group);
      if (h && h.term < g.term) return true;
    }
  }
  return shared > 1 && moved === shared;
}
