/**
 * Several Raft groups per node share one WebSocket connection per pair of nodes: with three
 * nodes hosting three groups each, and every group replicating, the operating system sees
 * exactly three established connections between the nodes' peer ports, not one per group.
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { closeClustersAfterEach, liveCluster, waitUntil } from './helpers.ts';

closeClustersAfterEach();

/** Established IPv4 TCP connections as [local port, remote port]. */
function establishedTcp(): Array<[number, number]> {
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[3] === '01')
    .map((f) => [
      Number.parseInt(f[1]?.split(':')[1] ?? '0', 16),
      Number.parseInt(f[2]?.split(':')[1] ?? '0', 16),
    ]);
}

describe.runIf(process.platform === 'linux')('groups over one connection', () => {
  it('opens one connection per pair of nodes, whatever the number of groups', async () => {
    const c = await liveCluster({ size: 3, groups: 3 });
    await waitUntil(() => [1, 2, 3].every((g) => c.leaderOf(g) !== null), 'a leader per group');
    for (const group of [1, 2, 3]) await c.put('k', `v${group}`, { group });
    await waitUntil(
      () => c.snapshot().nodes.every((n) => n.groups.every((g) => g.applied >= 2 && g.commit >= 2)),
      'every group to apply its write on every node',
    );

    const ports = c.snapshot().nodes.map((n) => Number(new URL(n.address).port));
    const between = establishedTcp().filter(
      ([local, remote]) => ports.includes(local) && !ports.includes(remote),
    );
    // Each connection shows once with a peer port as its local end (the accepting side).
    const acceptedPerNode = ports.map((p) => between.filter(([local]) => local === p).length);

    expect(acceptedPerNode.reduce((a, b) => a + b, 0)).toBe(3);
    for (const n of c.snapshot().nodes) {
      expect(c.nodes.get(n.id)?.transportStats()?.connectedPeers).toHaveLength(2);
    }
    const groupsDelivered = new Set(
      c.events().flatMap((e) => (e.kind === 'net' && e.name === 'Deliver' ? [e.group] : [])),
    );
    expect(groupsDelivered).toEqual(new Set([1, 2, 3]));
  });
});
