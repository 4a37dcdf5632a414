import { beforeEach, describe, expect, it } from 'vitest';
import { TraceRing } from '../src/model/ring.ts';
import { msg, net, resetSeq } from './fixtures.ts';

describe('TraceRing', () => {
  beforeEach(() => resetSeq());

  it('keeps the newest events when full and counts the evicted ones', () => {
    const ring = new TraceRing(3);

    for (let i = 0; i < 5; i++) ring.push(net('Send', `m${i}`, msg('MsgApp', 1, 2), 100 + i));

    expect(ring.size).toBe(3);
    expect(ring.evicted).toBe(2);
    expect(ring.first?.seq).toBe(3);
    expect(ring.last?.seq).toBe(5);
  });

  it('indexes net events by message id and forgets a message when its events leave', () => {
    const ring = new TraceRing(3);
    const m = msg('MsgApp', 1, 2);

    ring.push(net('Send', 'a', m, 1));
    ring.push(net('Deliver', 'a', m, 2));
    ring.push(net('Send', 'b', m, 3));
    expect(ring.messageEvents('a').map((e) => e.name)).toEqual(['Send', 'Deliver']);
    ring.push(net('Send', 'c', m, 4));

    expect(ring.messageEvents('a').map((e) => e.name)).toEqual(['Deliver']);
    ring.push(net('Send', 'd', m, 5));
    expect(ring.messageEvents('a')).toEqual([]);
  });

  it('finds events by wall time and by sequence number', () => {
    const ring = new TraceRing(10);
    for (let i = 0; i < 6; i++) ring.push(net('Send', `m${i}`, msg('MsgApp', 1, 2), i * 10));

    expect(ring.lowerBoundWall(25)).toBe(3);
    expect(ring.lowerBoundWall(-1)).toBe(0);
    expect(ring.lowerBoundWall(1000)).toBe(6);
    expect(ring.indexOfSeq(4)).toBe(3);
    expect(ring.indexOfSeq(99)).toBe(-1);
  });
});
