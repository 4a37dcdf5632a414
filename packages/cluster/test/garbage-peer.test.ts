/**
 * Garbage on a live node's peer socket: raw bytes that are not HTTP, a WebSocket that never
 * authenticates, and malformed frames from a peer that did. Each connection is counted and
 * closed; the node keeps running, and the cluster keeps committing and applying through it.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { closeClustersAfterEach, liveCluster, waitForLeader, waitUntil } from './helpers.ts';
import { encodeFrame, OPCODE, RawClient } from './transport/raw-client.ts';

const SECRET = 'garbage-peer-test-secret';
const raws: RawClient[] = [];

afterEach(() => {
  for (const c of raws.splice(0)) c.destroy();
});
closeClustersAfterEach();

describe('a live node sent garbage on its peer port', () => {
  it('closes the bad connections, counts them, and goes on replicating', async () => {
    const c = await liveCluster({ size: 3, secret: SECRET });
    const leader = await waitForLeader(c);
    const victim = leader === 1 ? 2 : 1;
    const port = Number(new URL(c.snapshot().nodes[victim - 1]?.address ?? '').port);
    await c.put('before', '1');

    const notHttp = await RawClient.open(port);
    raws.push(notHttp);
    notHttp.write('\x00\xff garbage that is not an HTTP request\r\n\r\n');
    const unauthenticated = await RawClient.upgraded(port);
    raws.push(unauthenticated);
    unauthenticated.write(encodeFrame(OPCODE.text, Buffer.from('{"not":"a handshake"')));
    const peer = await RawClient.authenticated(port, 9, SECRET);
    raws.push(peer);
    peer.write(encodeFrame(OPCODE.text, Buffer.from('not json at all {{{')));
    const closed = await peer.serverClose();

    const stats = () => c.nodes.get(victim)?.transportStats();
    await waitUntil(() => (stats()?.malformed ?? 0) >= 2, 'the bad frames to be counted');
    const written = await c.put('after', '2');
    await waitUntil(
      () => (c.snapshot().nodes[victim - 1]?.groups[0]?.applied ?? 0) >= written.index,
      'the victim to apply the write made after the garbage',
    );

    expect(closed).toBe(1008);
    expect(c.nodes.get(victim)?.status).toBe('running');
    expect(stats()?.connectedPeers.sort()).toEqual([1, 2, 3].filter((n) => n !== victim));
    expect(new Map(c.localKv(victim)).get('after')).toBe('2');
  });
});
