import { beforeEach, describe, expect, it } from 'vitest';
import { TraceRing } from '../src/model/ring.ts';
import { buildSpaceTime, distanceToSegment, type StWindow } from '../src/model/spacetime.ts';
import { msg, net, resetSeq, state } from './fixtures.ts';

const window = (extra: Partial<StWindow> = {}): StWindow => ({
  spacing: 'order',
  endMs: 1000,
  spanMs: 1000,
  rowPx: 10,
  height: 216,
  group: 1,
  hiddenTypes: [],
  hiddenNodes: [],
  ...extra,
});

describe('buildSpaceTime', () => {
  beforeEach(() => resetSeq());

  it('draws one arrow per message from its send to its delivery, in event order', () => {
    const ring = new TraceRing(100);
    const app = msg('MsgApp', 1, 2);
    const resp = msg('MsgAppResp', 2, 1);
    ring.push(net('Send', 'a', app, 10));
    ring.push(net('Deliver', 'a', app, 10));
    ring.push(net('Send', 'b', resp, 10));
    ring.push(net('Deliver', 'b', resp, 11));

    const g = buildSpaceTime(ring, window());

    expect(g.arrows.map((a) => [a.msgId, a.y1, a.y2, a.fate])).toEqual([
      ['a', 8, 18, 'delivered'],
      ['b', 28, 38, 'delivered'],
    ]);
  });

  it('shows drops and undelivered messages with their fate', () => {
    const ring = new TraceRing(100);
    const m = msg('MsgVote', 3, 1);
    ring.push(net('Send', 'd', m, 10));
    ring.push(net('Drop', 'd', m, 10, { reason: 'partition' }));
    ring.push(net('Send', 'h', m, 20));
    ring.push(net('Hold', 'h', m, 20));

    const g = buildSpaceTime(ring, window());

    expect(g.arrows.map((a) => [a.msgId, a.fate])).toEqual([
      ['d', 'dropped'],
      ['h', 'held'],
    ]);
  });

  it('filters by message type and node, and marks role changes', () => {
    const ring = new TraceRing(100);
    ring.push(net('Send', 'hb', msg('MsgHeartbeat', 1, 2), 10));
    ring.push(net('Send', 'v', msg('MsgVote', 3, 2), 10));
    ring.push(state('BecomeLeader', 1, { term: 4, wallMs: 20 }));

    const g = buildSpaceTime(ring, window({ hiddenTypes: ['MsgHeartbeat'], hiddenNodes: [3] }));

    expect(g.arrows).toEqual([]);
    expect(g.marks.map((m) => m.label)).toEqual(['leader t4']);
  });

  it('places events by wall time in time spacing', () => {
    const ring = new TraceRing(100);
    const m = msg('MsgApp', 1, 2);
    ring.push(net('Send', 'a', m, 500));
    ring.push(net('Deliver', 'a', m, 750));

    const g = buildSpaceTime(ring, window({ spacing: 'time', height: 416 }));

    expect(g.arrows[0]?.y1).toBeCloseTo(208);
    expect(g.arrows[0]?.y2).toBeCloseTo(308);
  });
});

describe('distanceToSegment', () => {
  it.each([
    [5, 5, 0],
    [5, 0, 5 / Math.SQRT2],
    [20, 20, Math.hypot(10, 10)],
  ])('from (%f, %f) to the diagonal (0,0)-(10,10) is %f', (x, y, d) => {
    expect(distanceToSegment(x, y, 0, 0, 10, 10)).toBeCloseTo(d);
  });
});

describe('buildSpaceTime following the newest events', () => {
  beforeEach(() => resetSeq());

  it('takes an open-ended window up to the newest event', () => {
    const ring = new TraceRing(100);
    const m = msg('MsgApp', 1, 2);
    ring.push(net('Send', 'a', m, 500));
    ring.push(net('Deliver', 'a', m, 501));

    const g = buildSpaceTime(ring, window({ endMs: Number.POSITIVE_INFINITY }));

    expect(g.arrows.map((a) => a.msgId)).toEqual(['a']);
    expect(g.bottomMs).toBe(501);
    expect(g.topMs).toBe(500);
  });
});
