import { eventJson, type StreamMessage, type TraceEvent } from '@raftlens/trace';
import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { DEFAULT_STREAM_LIMITS, type StreamLimits } from '../src/stream/limits.ts';
import { eventsFrame, type Frame, toFrame, Viewer } from '../src/stream/viewer.ts';

/** A socket whose buffer the test sets by hand: it "transmits" only when told to. */
class FakeSocket {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  private readonly pending: Array<() => void> = [];

  send(
    data: string | Buffer,
    opts?: { binary?: boolean } | ((err?: Error) => void),
    callback?: (err?: Error) => void,
  ): void {
    const cb = typeof opts === 'function' ? opts : callback;
    // Frames go out as text, whether given as a string or as UTF-8 bytes.
    if (typeof opts === 'object') expect(opts.binary).toBe(false);
    this.sent.push(data.toString());
    this.bufferedAmount += data.length;
    this.pending.push(() => cb?.());
  }

  /** Transmits everything buffered, and what the write callbacks write in turn. */
  drain(): void {
    while (this.pending.length > 0) {
      this.bufferedAmount = 0;
      for (const done of this.pending.splice(0)) done();
    }
  }

  on(): void {}
  ping(): void {}
  close(): void {
    this.readyState = 3;
  }
  terminate(): void {
    this.readyState = 3;
  }

  messages(): StreamMessage[] {
    return this.sent.map((data) => JSON.parse(data) as StreamMessage);
  }
}

const silent = { debug() {}, info() {}, warn() {}, error() {} } as unknown as FastifyBaseLogger;

function setup(limits: Partial<StreamLimits>) {
  const socket = new FakeSocket();
  const viewer = new Viewer(
    1,
    socket as unknown as WebSocket,
    { ...DEFAULT_STREAM_LIMITS, ...limits },
    silent,
  );
  return { socket, viewer };
}

let seq = 0;
let received = 0;

/** An events frame of `count` events of about `bytes` each. */
function events(count: number, bytes = 10): Frame {
  const list = Array.from({ length: count }, () => ({
    kind: 'control' as const,
    name: 'TransportError' as const,
    seq: ++seq,
    wallMs: 0,
    node: 0,
    group: 1,
    tick: 0,
    detail: { pad: 'x'.repeat(bytes) },
  }));
  received += count;
  return toFrame({ type: 'events', events: list }, { seq, received });
}

function state(): Frame {
  const snapshot = { seq } as never;
  return toFrame({ type: 'state', snapshot }, { seq, received });
}

describe('Viewer', () => {
  it('writes frames straight to a socket that keeps up', () => {
    const { socket, viewer } = setup({});

    viewer.offer(events(3));
    viewer.offer(events(2));

    expect(socket.sent).toHaveLength(2);
    expect(viewer.isKeepingUp()).toBe(true);
  });

  it('queues frames while the socket is over its bound, then writes them in order', () => {
    const { socket, viewer } = setup({ socketBufferedBytesMax: 100 });

    viewer.offer(events(1, 200));
    viewer.offer(events(1));
    viewer.offer(events(1));
    const whileFull = socket.sent.length;
    socket.drain();

    expect(whileFull).toBe(1);
    expect(viewer.snapshotStats().queuedFrames).toBe(0);
    const seqs = socket
      .messages()
      .flatMap((m) => (m.type === 'events' ? m.events.map((e) => e.seq) : []));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(socket.sent).toHaveLength(3);
  });

  it('cuts the queue when it holds more frames than allowed', () => {
    const { socket, viewer } = setup({ socketBufferedBytesMax: 10, queueFramesMax: 4 });

    for (let i = 0; i < 6; i++) viewer.offer(events(1));

    expect(viewer.snapshotStats()).toMatchObject({ lagging: true, queuedFrames: 0, cuts: 1 });
    expect(socket.sent).toHaveLength(1);
  });

  it('cuts the queue when queue and socket buffer together hold more bytes than allowed', () => {
    const { viewer } = setup({ socketBufferedBytesMax: 10, queueBytesMax: 2_000 });

    viewer.offer(events(1, 500));
    viewer.offer(events(1, 500));
    viewer.offer(events(1, 500));
    const before = viewer.snapshotStats().lagging;
    viewer.offer(events(1, 500));

    expect(before).toBe(false);
    expect(viewer.snapshotStats()).toMatchObject({ lagging: true, queuedBytes: 0 });
  });

  it('offers a lagging viewer nothing until it has drained, then a gap and a state', () => {
    const { socket, viewer } = setup({ socketBufferedBytesMax: 10, queueFramesMax: 2 });
    viewer.offer(events(5));
    const lastSent = seq;
    for (let i = 0; i < 4; i++) viewer.offer(events(10));
    viewer.offer(events(7));

    const readyBeforeDrain = viewer.isReadyToResync();
    socket.drain();
    const readyAfterDrain = viewer.isReadyToResync();
    viewer.resync(state());
    socket.drain();

    expect(readyBeforeDrain).toBe(false);
    expect(readyAfterDrain).toBe(true);
    const messages = socket.messages();
    expect(messages.map((m) => m.type)).toEqual(['events', 'gap', 'state']);
    expect(messages[1]).toEqual({ type: 'gap', missed: 47, fromSeq: lastSent + 1, toSeq: seq });
    expect(viewer.snapshotStats()).toMatchObject({ lagging: false, eventsMissed: 47 });
  });

  it('keeps a viewer with a waiting queue out of the periodic state', () => {
    const { viewer } = setup({ socketBufferedBytesMax: 10 });

    viewer.offer(events(1));
    viewer.offer(events(1));

    expect(viewer.isKeepingUp()).toBe(false);
  });

  it('answers malformed input until the limit, then disconnects', () => {
    const { socket, viewer } = setup({ malformedMessagesMax: 2 });

    viewer.reject('MalformedMessage', 'bad');
    viewer.reject('MalformedMessage', 'bad');
    viewer.reject('MalformedMessage', 'bad');

    expect(socket.messages().map((m) => m.type)).toEqual(['error', 'error']);
    expect(socket.readyState).toBe(3);
  });

  it("makes the same events frame from the events' JSON texts as from the events", () => {
    const list: TraceEvent[] = [1, 2, 3].map((n) => ({
      kind: 'control',
      name: 'TransportError',
      seq: n,
      wallMs: n * 10,
      node: n,
      group: 1,
      tick: 0,
      detail: { text: `"quoted" \\ ${n}` },
    }));
    const position = { seq: 3, received: 3 };

    const fromTexts = eventsFrame(list.map(eventJson), position);

    expect(fromTexts).toEqual(toFrame({ type: 'events', events: list }, position));
    expect(eventsFrame([], position)).toEqual(toFrame({ type: 'events', events: [] }, position));
  });
});
