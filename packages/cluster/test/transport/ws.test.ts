import { afterEach, describe, expect, it } from 'vitest';
import { createWsTransport } from '../../src/transport/ws.ts';
import {
  connected,
  envelope,
  portOf,
  SECRET,
  sleep,
  startNode,
  type TestNode,
  waitFor,
} from './helpers.ts';

const nodes: TestNode[] = [];

async function node(id: number, opts: Parameters<typeof startNode>[1] = {}): Promise<TestNode> {
  const n = await startNode(id, opts);
  nodes.push(n);
  return n;
}

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.t.close()));
});

describe('ws transport between two nodes', () => {
  it('carries envelopes of several groups both ways, in order, over one connection', async () => {
    const a = await node(1);
    const b = await node(2);
    a.t.connect(2, b.t.address);
    b.t.connect(1, a.t.address);
    await connected(a, b);
    await sleep(100); // both dials complete; one connection is kept

    for (let seq = 1; seq <= 30; seq++) {
      const group = 1 + (seq % 3);
      expect(a.t.send(2, envelope(group, 1, 2, seq, 'MsgApp'))).toBe(true);
      expect(b.t.send(1, envelope(group, 2, 1, seq, 'MsgAppResp'))).toBe(true);
    }
    await waitFor('30 envelopes each way', () => a.inbox.length === 30 && b.inbox.length === 30);

    expect(b.inbox.map((r) => r.env)).toEqual(
      Array.from({ length: 30 }, (_, i) => envelope(1 + ((i + 1) % 3), 1, 2, i + 1, 'MsgApp')),
    );
    expect(a.inbox.every((r) => r.from === 2 && r.env.msg.type === 'MsgAppResp')).toBe(true);
    expect(new Set(a.inbox.map((r) => r.env.group))).toEqual(new Set([1, 2, 3]));
    expect(a.t.stats()).toMatchObject({ framesOut: 30, framesIn: 30, malformed: 0 });
    expect(a.t.stats().bytesOut).toBe(b.t.stats().bytesIn);
  });

  it('settles on one connection when both sides dial at once, reporting each peer up once', async () => {
    for (let round = 0; round < 10; round++) {
      const a = await node(10 + 2 * round);
      const b = await node(11 + 2 * round);

      a.t.connect(b.t.nodeId, b.t.address);
      b.t.connect(a.t.nodeId, a.t.address);
      await connected(a, b);
      await sleep(50);
      a.t.send(b.t.nodeId, envelope(1, a.t.nodeId, b.t.nodeId, 1));
      b.t.send(a.t.nodeId, envelope(1, b.t.nodeId, a.t.nodeId, 1));
      await waitFor('one envelope each way', () => a.inbox.length === 1 && b.inbox.length === 1);

      expect(a.status).toEqual([[b.t.nodeId, true]]);
      expect(b.status).toEqual([[a.t.nodeId, true]]);
    }
  });

  it('connects when only one side was told about the other', async () => {
    const a = await node(1);
    const b = await node(2);

    b.t.connect(1, a.t.address);
    await connected(a, b);

    expect(a.t.send(2, envelope(1, 1, 2, 1))).toBe(true);
    await waitFor('delivery', () => b.inbox.length === 1);
  });

  it('refuses to send to a peer without a connection', async () => {
    const a = await node(1);

    expect(a.t.send(2, envelope(1, 1, 2, 1))).toBe(false);
    expect(a.t.stats().framesOut).toBe(0);
  });

  it('reconnects after the peer restarts on the same port, and reports down then up', async () => {
    const a = await node(1);
    const b = await node(2);
    a.t.connect(2, b.t.address);
    await connected(a, b);
    const port = portOf(b.t);

    await b.t.close();
    await waitFor('a to see b down', () => !a.t.stats().connectedPeers.includes(2));
    expect(a.t.send(2, envelope(1, 1, 2, 1))).toBe(false);
    await sleep(100); // a few failed redials
    const b2 = await node(2, { port });
    await connected(a, b2);

    expect(a.t.send(2, envelope(7, 1, 2, 2))).toBe(true);
    await waitFor('delivery to the restarted peer', () => b2.inbox.length === 1);
    expect(b2.inbox[0]?.env.group).toBe(7);
    expect(a.status).toEqual([
      [2, true],
      [2, false],
      [2, true],
    ]);
    expect(a.t.stats().reconnects).toBeGreaterThan(0);
  });

  it('refuses a peer with the wrong secret, on both ends', async () => {
    const a = await node(1);
    const intruder = await node(3, { secret: 'not the secret' });

    intruder.t.connect(1, a.t.address);
    await waitFor('a refusal on each end', () => {
      return a.t.stats().authFailures > 0 && intruder.t.stats().authFailures > 0;
    });

    expect(a.t.stats().connectedPeers).toEqual([]);
    expect(intruder.t.stats().connectedPeers).toEqual([]);
    expect(a.status).toEqual([]);
    expect(intruder.t.send(1, envelope(1, 3, 1, 1))).toBe(false);
  });

  it('refuses a node that answers at an address with another id than expected', async () => {
    const a = await node(1);
    const b = await node(2);

    a.t.connect(5, b.t.address);
    await waitFor('a refusal', () => a.t.stats().authFailures > 0);

    expect(a.t.stats().connectedPeers).toEqual([]);
    expect(a.log.lines.some((l) => l.includes('expected node 5') && l.includes('found 2'))).toBe(
      true,
    );
  });

  it('stops talking to a peer on disconnect and refuses its redials until connect', async () => {
    const a = await node(1);
    const b = await node(2);
    a.t.connect(2, b.t.address);
    b.t.connect(1, a.t.address);
    await connected(a, b);

    a.t.disconnect(2);
    await waitFor('b to see a down', () => b.t.stats().connectedPeers.length === 0);
    await sleep(150); // b keeps redialling and is refused

    expect(a.t.stats().connectedPeers).toEqual([]);
    expect(a.t.send(2, envelope(1, 1, 2, 1))).toBe(false);

    a.t.connect(2, b.t.address);
    await connected(a, b);
  });

  it('refuses sends while the peer does not drain, instead of buffering without bound', async () => {
    const a = await node(1, { maxBufferedBytes: 256 * 1024 });
    const b = await node(2);
    a.t.connect(2, b.t.address);
    await connected(a, b);
    const big = envelope(1, 1, 2, 1, 'MsgApp');
    big.msg.context = new Uint8Array(48 * 1024);

    let refused = 0;
    for (let i = 0; i < 2_000 && refused === 0; i++) {
      if (!a.t.send(2, big)) refused++;
    }

    expect(refused).toBe(1);
    expect(a.t.stats().droppedBackpressure).toBe(1);
    expect(a.t.stats().connectedPeers).toEqual([2]);
    expect(a.log.count('warn')).toBe(1);
    await waitFor('the buffer to drain', () => a.t.send(2, envelope(1, 1, 2, 2)), 10_000);
  });

  it('refuses to send a frame over the bound, keeping the connection', async () => {
    const a = await node(1, { maxFrameBytes: 4096 });
    const b = await node(2, { maxFrameBytes: 4096 });
    a.t.connect(2, b.t.address);
    await connected(a, b);
    const big = envelope(1, 1, 2, 1, 'MsgSnap');
    big.msg.context = new Uint8Array(8192);

    expect(a.t.send(2, big)).toBe(false);

    expect(a.t.stats().oversized).toBe(1);
    expect(a.t.send(2, envelope(1, 1, 2, 2))).toBe(true);
    await waitFor('the small one to arrive', () => b.inbox.length === 1);
  });

  it('keeps serving when a receive handler throws', async () => {
    const a = await node(1);
    const b = await node(2);
    b.t.onReceive(() => {
      throw new Error('handler bug');
    });
    a.t.connect(2, b.t.address);
    await connected(a, b);

    a.t.send(2, envelope(1, 1, 2, 1));
    a.t.send(2, envelope(1, 1, 2, 2));
    await waitFor('both delivered', () => b.inbox.length === 2);

    expect(b.log.count('error')).toBe(2);
  });

  it('releases its port when closed while still starting', async () => {
    const probe = await node(1);
    const port = portOf(probe.t);
    await probe.t.close();
    const t = createWsTransport({ nodeId: 2, secret: SECRET, port });

    const started = t.start();
    await t.close();
    await started;

    const again = await node(3, { port });
    expect(portOf(again.t)).toBe(port);
  });

  it('rejects a missing secret and an invalid node id at creation', () => {
    expect(() => createWsTransport({ nodeId: 1, secret: '' })).toThrow(/secret/);
    expect(() => createWsTransport({ nodeId: 0, secret: SECRET })).toThrow(/node id/);
  });
});
