import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffMs } from '../src/stream/backoff.ts';
import { StreamClient } from '../src/stream/streamClient.ts';

/** Just enough of a WebSocket for the client: the test plays the server. */
class FakeSocket {
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  close(): void {
    this.closed = true;
  }
  serverSends(m: unknown): void {
    this.onmessage?.({ data: JSON.stringify(m) });
  }
  serverCloses(): void {
    this.onclose?.();
  }
}

describe('StreamClient', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.99);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  function start() {
    const sockets: FakeSocket[] = [];
    const statuses: string[] = [];
    const received: string[] = [];
    let lost = 0;
    const client = new StreamClient({
      url: 'ws://x/stream',
      onMessage: (m) => received.push(m.type),
      onStatus: (s) => statuses.push(s),
      onLost: () => lost++,
      createSocket: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s as unknown as WebSocket;
      },
    });
    client.start();
    return { client, sockets, statuses, received, lost: () => lost };
  }

  it('passes messages on and reports the connection open at hello', () => {
    const t = start();

    t.sockets[0]?.serverSends({ type: 'hello', version: 1, cluster: 'c', snapshot: {} });
    t.sockets[0]?.serverSends({ type: 'events', events: [] });

    expect(t.received).toEqual(['hello', 'events']);
    expect(t.statuses).toEqual(['connecting', 'open']);
  });

  it('reconnects with growing delays after losing the connection', () => {
    const t = start();

    t.sockets[0]?.serverCloses();
    expect(t.lost()).toBe(1);
    expect(t.statuses.at(-1)).toBe('reconnecting');
    vi.advanceTimersByTime(250);
    expect(t.sockets).toHaveLength(2);
    t.sockets[1]?.serverCloses();
    vi.advanceTimersByTime(250);
    expect(t.sockets).toHaveLength(2);
    vi.advanceTimersByTime(250);

    expect(t.sockets).toHaveLength(3);
  });

  it('stops for good when stopped, closing its socket', () => {
    const t = start();

    t.client.stop();
    vi.advanceTimersByTime(60_000);

    expect(t.sockets[0]?.closed).toBe(true);
    expect(t.sockets).toHaveLength(1);
  });

  it('ignores frames that are not stream messages', () => {
    const t = start();

    t.sockets[0]?.onmessage?.({ data: 'not json' });
    t.sockets[0]?.onmessage?.({ data: '42' });

    expect(t.received).toEqual([]);
  });
});

describe('backoffMs', () => {
  it.each([
    [0, 250],
    [1, 500],
    [3, 2000],
    [10, 8000],
  ])('attempt %i waits at most %i ms and at least half of it', (attempt, ceiling) => {
    expect(backoffMs(attempt, 250, 8000, () => 0.999999)).toBeLessThanOrEqual(ceiling);
    expect(backoffMs(attempt, 250, 8000, () => 0)).toBe(ceiling / 2);
  });
});
