import { describe, expect, it } from 'vitest';
import { positionToSpeed, speedToPosition } from '../src/components/controls/speedScale.ts';
import { electionTimerFraction } from '../src/model/electionTimer.ts';
import { group, msg } from './fixtures.ts';

describe('speed slider scale', () => {
  it.each([
    [0, 0.01],
    [50, 0.1],
    [100, 1],
  ])('position %i is speed %f', (position, speed) => {
    expect(positionToSpeed(position)).toBeCloseTo(speed);
    expect(speedToPosition(speed)).toBeCloseTo(position);
  });
});

describe('electionTimerFraction', () => {
  const input = (extra = {}) => ({
    group: group({ electionElapsedTicks: 2, randomizedElectionTimeoutTicks: 10 }),
    snapshotWallMs: 1000,
    msPerTick: 100,
    paused: false,
    arrivals: undefined,
    roleChangeMs: undefined,
    ...extra,
  });

  it('fills as ticks pass after the snapshot', () => {
    expect(electionTimerFraction(input(), 1000)).toBeCloseTo(0.2);
    expect(electionTimerFraction(input(), 1500)).toBeCloseTo(0.7);
    expect(electionTimerFraction(input(), 9000)).toBe(1);
  });

  it('stands still while the cluster is paused', () => {
    expect(electionTimerFraction(input({ paused: true }), 5000)).toBeCloseTo(0.2);
  });

  it("empties when the leader's heartbeat lands", () => {
    const arrivals = [
      { atMs: 1300, flight: { type: 'MsgHeartbeat', msg: msg('MsgHeartbeat', 1, 2) } },
    ];

    expect(electionTimerFraction(input({ arrivals }), 1200)).toBeCloseTo(0.4);
    expect(electionTimerFraction(input({ arrivals }), 1400)).toBeCloseTo(0.1);
  });

  it('has no timer on a leader', () => {
    expect(
      electionTimerFraction(input({ group: group({ role: 'StateLeader' }) }), 1000),
    ).toBeNull();
  });
});
