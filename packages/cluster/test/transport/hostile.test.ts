/**
 * A node under a hostile or broken peer: every bad input is counted, logged and dropped, the
 * offending connection is closed, and the node goes on serving its good peers.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../../src/transport/codec.ts';
import type { TransportStats } from '../../src/transport/types.ts';
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
import { encodeFrame, OPCODE, RawClient } from './raw-client.ts';

const MAX_FRAME_BYTES = 4096;

let victim: TestNode;
let friend: TestNode;
let port: number;
let friendSeq = 0;
const raws: RawClient[] = [];

async function raw(kind: 'open' | 'upgraded' | 'authenticated'): Promise<RawClient> {
  const c =
    kind === 'open'
      ? await RawClient.open(port)
      : kind === 'upgraded'
        ? await RawClient.upgraded(port)
        : await RawClient.authenticated(port, 9, SECRET);
  raws.push(c);
  return c;
}

/** The victim still hears its good peer, and still reaches it. */
async function stillServing(): Promise<void> {
  friendSeq++;
  const heard = victim.inbox.filter((r) => r.from === 2).length;
  const reached = friend.inbox.length;

  expect(friend.t.send(1, envelope(1, 2, 1, friendSeq))).toBe(true);
  expect(victim.t.send(2, envelope(2, 1, 2, friendSeq))).toBe(true);

  await waitFor('the good peer to be served', () => {
    return victim.inbox.filter((r) => r.from === 2).length === heard + 1;
  });
  await waitFor('the good peer to be reached', () => friend.inbox.length === reached + 1);
}

function counters(): Omit<TransportStats, 'connectedPeers'> {
  const { connectedPeers: _, ...rest } = victim.t.stats();
  return rest;
}

beforeEach(async () => {
  victim = await startNode(1, { maxFrameBytes: MAX_FRAME_BYTES, handshakeTimeoutMs: 300 });
  friend = await startNode(2, { maxFrameBytes: MAX_FRAME_BYTES });
  port = portOf(victim.t);
  friend.t.connect(1, victim.t.address);
  await connected(victim, friend);
});

afterEach(async () => {
  for (const c of raws.splice(0)) c.destroy();
  await Promise.all([victim.t.close(), friend.t.close()]);
});

describe('a node under a hostile peer', () => {
  it('drops garbage that is not even HTTP, counting it as malformed', async () => {
    const c = await raw('open');

    c.write(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a]));
    await c.closed;

    expect(counters()).toMatchObject({ malformed: 1, framesIn: 0 });
    await stillServing();
  });

  it('drops an invalid WebSocket frame (reserved opcode) and closes that connection', async () => {
    const c = await raw('authenticated');

    c.write(encodeFrame(0x3, Buffer.from('??')));
    const code = await c.serverClose();

    expect(code).toBe(1002);

    expect(counters().malformed).toBe(1);
    expect(victim.log.lines.some((l) => l.startsWith('warn') && l.includes('WS_ERR'))).toBe(true);
    await stillServing();
  });

  it.each([
    ['garbage text', 'not json at all {{{'],
    ['truncated JSON', encodeEnvelope(envelope(1, 9, 1, 1)).slice(0, 30)],
    [
      'an unknown message type',
      encodeEnvelope(envelope(1, 9, 1, 1)).replace('MsgHeartbeat', 'MsgX'),
    ],
    [
      'a term that is a string',
      encodeEnvelope(envelope(1, 9, 1, 1)).replace('"term":1', '"term":"1"'),
    ],
    ['invalid UTF-8', Buffer.from([0x7b, 0xc3, 0x28, 0x7d])],
  ])('drops a frame of %s from an authenticated peer, and closes it', async (_name, payload) => {
    const c = await raw('authenticated');

    c.write(encodeFrame(OPCODE.text, Buffer.isBuffer(payload) ? payload : Buffer.from(payload)));
    const code = await c.serverClose();

    expect(code).toBe(Buffer.isBuffer(payload) ? 1007 : 1008);

    expect(counters().malformed).toBe(1);
    expect(victim.inbox.filter((r) => r.from === 9)).toEqual([]);
    await stillServing();
  });

  it('drops a binary frame: envelopes are text', async () => {
    const c = await raw('authenticated');

    c.write(encodeFrame(OPCODE.binary, Buffer.from(encodeEnvelope(envelope(1, 9, 1, 1)))));
    const code = await c.serverClose();

    expect(code).toBe(1003);

    expect(counters()).toMatchObject({ malformed: 1, framesIn: 1 });
    await stillServing();
  });

  it('drops an oversized frame, counting it as oversized', async () => {
    const c = await raw('authenticated');

    c.write(encodeFrame(OPCODE.text, Buffer.alloc(MAX_FRAME_BYTES + 1, 0x20)));
    const code = await c.serverClose();

    expect(code).toBe(1009);

    expect(counters()).toMatchObject({ oversized: 1, malformed: 0 });
    await stillServing();
  });

  it('drops an oversized message sent in small fragments', async () => {
    const c = await raw('authenticated');
    const part = Buffer.alloc(1024, 0x20);

    for (let i = 0; i < 5; i++) {
      c.write(encodeFrame(i === 0 ? OPCODE.text : 0x0, part, { fin: i === 4 }));
    }
    const code = await c.serverClose();

    expect(code).toBe(1009);

    expect(counters().oversized).toBe(1);
    await stillServing();
  });

  it('delivers what came before a frame cut by a disconnect, and only loses that frame', async () => {
    const c = await raw('authenticated');
    const good = encodeEnvelope(envelope(3, 9, 1, 1));
    const cut = encodeFrame(OPCODE.text, Buffer.from(encodeEnvelope(envelope(3, 9, 1, 2))));

    c.sendText(good);
    c.write(cut.subarray(0, Math.floor(cut.length / 2)));
    await sleep(20);
    c.destroy();
    await waitFor('the cut to be noticed', () => counters().truncated === 1);

    expect(victim.inbox.filter((r) => r.from === 9).map((r) => r.env.msgId)).toEqual(['g3-9-1']);
    expect(counters()).toMatchObject({ malformed: 0, oversized: 0 });
    await stillServing();
  });

  it('refuses an unmasked client frame', async () => {
    const c = await raw('authenticated');

    c.write(
      encodeFrame(OPCODE.text, Buffer.from(encodeEnvelope(envelope(1, 9, 1, 1))), { mask: false }),
    );
    const code = await c.serverClose();

    expect(code).toBe(1002);

    expect(counters().malformed).toBe(1);
    expect(victim.inbox.filter((r) => r.from === 9)).toEqual([]);
    await stillServing();
  });

  it('refuses a handshake with a forged proof', async () => {
    const c = await raw('upgraded');

    await c.readFrame(); // hello
    c.sendText(
      JSON.stringify({
        t: 'auth',
        v: 1,
        node: 9,
        instance: 'a'.repeat(32),
        nonce: 'b'.repeat(32),
        mac: 'c'.repeat(64),
      }),
    );
    const code = await c.serverClose();

    expect(code).toBe(1008);

    expect(counters().authFailures).toBe(1);
    await stillServing();
  });

  it('refuses envelopes sent before the handshake', async () => {
    const c = await raw('upgraded');

    c.sendText(encodeEnvelope(envelope(1, 9, 1, 1)));
    const code = await c.serverClose();

    expect(code).toBe(1008);

    expect(counters().authFailures).toBe(1);
    expect(victim.inbox.filter((r) => r.from === 9)).toEqual([]);
    await stillServing();
  });

  it('cuts a connection that never completes the handshake', async () => {
    const c = await raw('upgraded');

    const code = await c.serverClose();

    expect(code).toBe(1008);

    expect(counters().authFailures).toBe(1);
    await stillServing();
  });

  it('refuses a large frame before the handshake as oversized', async () => {
    const c = await raw('upgraded');

    c.sendText(' '.repeat(2048));
    const code = await c.serverClose();

    expect(code).toBe(1008);

    expect(counters()).toMatchObject({ oversized: 1, authFailures: 1 });
    await stillServing();
  });

  it('answers a plain HTTP request with 426 and keeps serving', async () => {
    const c = await raw('open');

    c.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await c.closed;

    expect(counters().malformed).toBe(0);
    await stillServing();
  });

  it('cuts a connection that never finishes its HTTP request', async () => {
    const c = await raw('open');

    c.write('GET /raft HTTP/1.1\r\nHost: x\r\n');
    await c.closed;

    await stillServing();
  });

  it('cuts a peer that stops answering pings', async () => {
    const quiet = await startNode(3, { pingIntervalMs: 50 });
    const c = await RawClient.authenticated(portOf(quiet.t), 9, SECRET);
    raws.push(c);

    await waitFor('the peer to be up', () => quiet.t.stats().connectedPeers.length === 1);
    c.pauseReading();
    await waitFor('the silent peer to be cut', () => quiet.t.stats().connectedPeers.length === 0);

    expect(quiet.log.lines.some((l) => l.startsWith('warn') && l.includes('no ping'))).toBe(true);
    await quiet.t.close();
  });
});
