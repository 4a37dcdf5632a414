import { beforeEach, describe, expect, it } from 'vitest';
import {
  arrivalMs,
  FlightTracker,
  flightProgress,
  flightVisible,
  HOLD_AT,
  travelMsForSpeed,
  WAIT_AT,
} from '../src/model/flights.ts';
import { msg, net, resetSeq } from './fixtures.ts';

describe('FlightTracker', () => {
  beforeEach(() => resetSeq());

  it('moves a sent message along its link at a visible pace and finishes it on delivery', () => {
    const t = new FlightTracker();
    t.travelMs = 1000;
    const m = msg('MsgApp', 1, 2);

    t.apply(net('Send', 'a', m, 0));
    t.apply(net('Deliver', 'a', m, 1));
    const f = t.flights.get('a');

    expect(f && flightProgress(f, 500)).toBeCloseTo(0.5);
    expect(f && flightVisible(f, 999)).toBe(true);
    expect(f && flightVisible(f, 1001)).toBe(false);
  });

  it('waits near the receiver when delivery is late, then finishes from there', () => {
    const t = new FlightTracker();
    t.travelMs = 1000;
    const m = msg('MsgApp', 1, 2);

    t.apply(net('Send', 'a', m, 0));
    const f = t.flights.get('a');
    expect(f && flightProgress(f, 5000)).toBeCloseTo(WAIT_AT);
    t.apply(net('Deliver', 'a', m, 5000));

    expect(f && flightProgress(f, 5000 + (1 - WAIT_AT) * 500)).toBeCloseTo((1 + WAIT_AT) / 2);
    expect(f && arrivalMs(f)).toBeCloseTo(5000 + (1 - WAIT_AT) * 1000);
  });

  it('parks a held message halfway and leaves a dropped one where it was', () => {
    const t = new FlightTracker();
    t.travelMs = 1000;
    const m = msg('MsgApp', 1, 2);

    t.apply(net('Send', 'held', m, 0));
    t.apply(net('Hold', 'held', m, 10));
    t.apply(net('Send', 'gone', m, 0));
    t.apply(net('Drop', 'gone', m, 200, { reason: 'partition' }));

    const held = t.flights.get('held');
    const gone = t.flights.get('gone');
    expect(held && flightProgress(held, 9000)).toBeCloseTo(HOLD_AT);
    expect(gone && flightProgress(gone, 9000)).toBeCloseTo(0.2);
    expect(t.flights.get('gone')?.dropReason).toBe('partition');
  });

  it('does not let a reply visibly leave before the message it answers arrived', () => {
    const t = new FlightTracker();
    t.travelMs = 1000;

    t.apply(net('Send', 'req', msg('MsgApp', 1, 2), 0));
    t.apply(net('Deliver', 'req', msg('MsgApp', 1, 2), 1));
    t.apply(net('Send', 'resp', msg('MsgAppResp', 2, 1), 2));

    expect(t.flights.get('resp')?.startMs).toBe(1000);
  });

  it('bounds that wait to one trip so the picture never drifts behind the cluster', () => {
    const t = new FlightTracker();
    t.travelMs = 1000;

    t.apply(net('Send', 'req', msg('MsgApp', 1, 2), 0));
    t.apply(net('Deliver', 'req', msg('MsgApp', 1, 2), 30_000));
    t.apply(net('Send', 'resp', msg('MsgAppResp', 2, 1), 30_001));

    expect(t.flights.get('resp')?.startMs).toBeLessThanOrEqual(30_001 + 1000);
  });

  it('forgets finished flights when pruned', () => {
    const t = new FlightTracker();
    t.travelMs = 100;
    const m = msg('MsgHeartbeat', 1, 3);

    t.apply(net('Send', 'a', m, 0));
    t.apply(net('Deliver', 'a', m, 1));
    t.prune(50);
    expect(t.flights.size).toBe(1);
    t.prune(500);

    expect(t.flights.size).toBe(0);
  });
});

describe('travelMsForSpeed', () => {
  it.each([
    [1, 550],
    [0.25, 1100],
    [0.01, 4000],
  ])('at speed %f a trip takes %i ms', (speed, ms) => {
    expect(travelMsForSpeed(speed)).toBeCloseTo(ms);
  });
});

describe('travelMsForSpeed with ticks', () => {
  it('keeps a trip shorter than a tick, but never too quick to see', () => {
    expect(travelMsForSpeed(0.1, 1000)).toBe(800);
    expect(travelMsForSpeed(1, 100)).toBe(250);
    expect(travelMsForSpeed(0.01, 10_000)).toBe(4000);
  });
});
