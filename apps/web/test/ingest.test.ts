import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppStore } from '../src/store/index.ts';
import { ingestBatch } from '../src/store/ingest.ts';
import { group, msg, net, node, resetSeq, snapshot, state } from './fixtures.ts';

describe('ingestBatch', () => {
  beforeEach(() => resetSeq(100));

  it('takes the hello snapshot, then folds the batch events into it and the ring', () => {
    const store = createAppStore('default');
    const now = Date.now();
    const hello = snapshot([node(1), node(2)], { seq: 100, wallMs: now });

    ingestBatch(store, {
      hello: { snapshot: hello, reconnect: false },
      events: [
        state('BecomeLeader', 1, { term: 2, role: 'StateLeader', wallMs: now }),
        net('Send', 'a', msg('MsgApp', 1, 2), now),
      ],
      missed: 0,
      receivedAtMs: now,
    });

    const s = store.getState();
    expect(s.connection).toBe('open');
    expect(s.snapshot?.nodes[0]?.groups[0]?.role).toBe('StateLeader');
    expect(s.ring.size).toBe(2);
    expect(s.flights.flights.has('a')).toBe(true);
    expect(s.feed.map((f) => f.text)).toEqual(['n1 became leader for term 2']);
    expect(s.marks.map((m) => m.kind)).toEqual(['leader']);
  });

  it('tells how many events a reconnect missed', () => {
    const store = createAppStore('default');
    const now = Date.now();
    ingestBatch(store, {
      hello: { snapshot: snapshot([node(1)], { seq: 100, wallMs: now }), reconnect: false },
      events: [],
      missed: 0,
      receivedAtMs: now,
    });

    ingestBatch(store, {
      hello: { snapshot: snapshot([node(1)], { seq: 1334, wallMs: now }), reconnect: true },
      events: [],
      missed: 0,
      receivedAtMs: now,
    });

    const s = store.getState();
    expect(s.notices.map((n) => n.text)).toEqual(['reconnected; 1,234 events missed']);
    expect(s.missedTotal).toBe(1234);
    expect(s.marks.at(-1)?.kind).toBe('gap');
  });

  it('does not animate messages from long ago when catching up', () => {
    const store = createAppStore('default');
    const now = Date.now();

    ingestBatch(store, {
      snapshot: snapshot([node(1, group()), node(2)], { seq: 100, wallMs: now }),
      events: [net('Send', 'old', msg('MsgApp', 1, 2), now - 60_000)],
      missed: 0,
      receivedAtMs: now,
    });

    expect(store.getState().flights.flights.size).toBe(0);
    expect(store.getState().ring.size).toBe(1);
  });
});

describe('ingestBatch after a server restart', () => {
  beforeEach(() => resetSeq(500));

  it('drops the history of the previous run when sequence numbers go backwards', () => {
    const store = createAppStore('default');
    const now = Date.now();
    ingestBatch(store, {
      hello: { snapshot: snapshot([node(1)], { seq: 500, wallMs: now }), reconnect: false },
      events: [state('BecomeLeader', 1, { term: 2, role: 'StateLeader', wallMs: now })],
      missed: 0,
      receivedAtMs: now,
    });

    ingestBatch(store, {
      hello: { snapshot: snapshot([node(1)], { seq: 3, wallMs: now }), reconnect: true },
      events: [],
      missed: 0,
      receivedAtMs: now,
    });

    const s = store.getState();
    expect(s.ring.size).toBe(0);
    expect(s.feed).toEqual([]);
    expect(s.notices.map((n) => n.text)).toEqual([
      'connected to a new run of the cluster; earlier history cleared',
    ]);
  });
});

describe('the display clock of a simulated cluster', () => {
  beforeEach(() => resetSeq(100));
  afterEach(() => vi.useRealTimers());

  it('runs on while the cluster stands still between steps, and follows it when it moves', () => {
    vi.useFakeTimers();
    const t0 = 1_800_000_000_000;
    const at = (ms: number) => {
      vi.setSystemTime(t0 + ms);
      return t0 + ms;
    };
    const store = createAppStore('default');
    const sim = (wallMs: number, seq: number) =>
      snapshot([node(1), node(2)], { mode: 'simulated', seq, wallMs });
    // The step ends at simulated time 1,140 ms, a message still visibly on its way.
    ingestBatch(store, {
      hello: { snapshot: sim(1140, 100), reconnect: false },
      events: [
        net('Send', 'pv', msg('MsgPreVote', 1, 2), 1140),
        net('Deliver', 'pv', msg('MsgPreVote', 1, 2), 1140),
      ],
      missed: 0,
      receivedAtMs: at(0),
    });
    const offset = store.getState().clockOffsetMs;
    expect(offset).toBe(1140 - t0);
    expect(store.getState().flights.flights.has('pv')).toBe(true);

    // Snapshots keep coming at the same simulated moment: the display clock is not pulled back,
    // so the message lands and is gone instead of leaving its sender again every snapshot.
    for (const later of [800, 1600, 2400, 6000]) {
      ingestBatch(store, {
        snapshot: sim(1140, 100),
        events: [],
        missed: 0,
        receivedAtMs: at(later),
      });
    }
    const s = store.getState();
    expect(s.clockOffsetMs).toBe(offset);
    expect(s.serverWallMs).toBe(1140);
    expect(s.flights.flights.has('pv')).toBe(false);

    // The next step moves the cluster's clock on: the display clock follows it at once.
    ingestBatch(store, {
      snapshot: sim(1150, 101),
      events: [],
      missed: 0,
      receivedAtMs: at(9000),
    });
    expect(store.getState().clockOffsetMs).toBe(1150 - (t0 + 9000));
    expect(store.getState().serverWallMs).toBe(1150);
  });
});
