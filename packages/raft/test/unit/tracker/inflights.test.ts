import { describe, expect, it } from 'vitest';
import { Inflights } from '../../../src/tracker/inflights.ts';
import type { LogIndex } from '../../../src/types.ts';

const idx = (n: number) => n as LogIndex;

/** Adds messages ending at `indexes`, each of `bytes` bytes. */
function filled(size: number, maxBytes: number, indexes: number[], bytes = 1): Inflights {
  const in_ = new Inflights(size, maxBytes);
  for (const i of indexes) in_.add(idx(i), bytes);
  return in_;
}

describe('Inflights by count', () => {
  it('is full exactly when size messages are in flight', () => {
    const in_ = new Inflights(3, 0);

    in_.add(idx(1), 100);
    in_.add(idx(2), 100);
    const beforeLast = in_.full();
    in_.add(idx(3), 100);

    expect(beforeLast).toBe(false);
    expect(in_.full()).toBe(true);
    expect(in_.count()).toBe(3);
  });

  it('refuses to add to a full window', () => {
    const in_ = filled(2, 0, [1, 2]);

    expect(() => in_.add(idx(3), 1)).toThrow(/full/);
  });

  it('frees every message at or below the acknowledged index', () => {
    const in_ = filled(10, 0, [1, 2, 3, 4, 5]);

    in_.freeLE(idx(3));

    expect(in_.count()).toBe(2);
    expect(in_.indexes()).toEqual([4, 5]);
  });

  it('ignores an acknowledgement below the window', () => {
    const in_ = filled(10, 0, [5, 6]);

    in_.freeLE(idx(4));

    expect(in_.indexes()).toEqual([5, 6]);
  });

  it('frees messages whose last index lies between acknowledgements', () => {
    const in_ = filled(10, 0, [3, 7, 9]);

    in_.freeLE(idx(8));

    expect(in_.indexes()).toEqual([9]);
  });

  it('wraps around the ring and keeps the order of the window', () => {
    const in_ = filled(4, 0, [1, 2, 3]);

    in_.freeLE(idx(2));
    in_.add(idx(4), 1);
    in_.add(idx(5), 1);
    in_.add(idx(6), 1);

    expect(in_.full()).toBe(true);
    expect(in_.indexes()).toEqual([3, 4, 5, 6]);
    in_.freeLE(idx(5));
    expect(in_.indexes()).toEqual([6]);
  });

  it('empties completely and can be refilled from the start', () => {
    const in_ = filled(3, 0, [1, 2, 3]);

    in_.freeLE(idx(3));
    in_.add(idx(4), 1);

    expect(in_.count()).toBe(1);
    expect(in_.indexes()).toEqual([4]);
  });

  it('forgets everything on reset', () => {
    const in_ = filled(3, 100, [1, 2, 3], 10);

    in_.reset();

    expect(in_.count()).toBe(0);
    expect(in_.bytes()).toBe(0);
    expect(in_.full()).toBe(false);
  });

  it('clones into an independent window', () => {
    const in_ = filled(5, 0, [1, 2]);

    const copy = in_.clone();
    copy.add(idx(3), 1);
    in_.freeLE(idx(1));

    expect(in_.indexes()).toEqual([2]);
    expect(copy.indexes()).toEqual([1, 2, 3]);
  });

  it('is always full with a size of 0, as etcd treats it', () => {
    expect(new Inflights(0, 0).full()).toBe(true);
  });
});

describe('Inflights by bytes', () => {
  it('becomes full once the bytes in flight reach the limit', () => {
    const in_ = new Inflights(10, 100);

    in_.add(idx(1), 60);
    const below = in_.full();
    in_.add(idx(2), 40);

    expect(below).toBe(false);
    expect(in_.bytes()).toBe(100);
    expect(in_.full()).toBe(true);
  });

  it('lets a single message overshoot the limit, then waits', () => {
    const in_ = new Inflights(10, 100);

    in_.add(idx(1), 10);
    in_.add(idx(2), 500);

    expect(in_.bytes()).toBe(510);
    expect(in_.full()).toBe(true);
    expect(() => in_.add(idx(3), 1)).toThrow();
  });

  it('gives the freed bytes back', () => {
    const in_ = new Inflights(10, 100);
    in_.add(idx(1), 30);
    in_.add(idx(2), 50);
    in_.add(idx(3), 20);

    in_.freeLE(idx(2));

    expect(in_.bytes()).toBe(20);
    expect(in_.full()).toBe(false);
  });

  it('has no byte limit when maxBytes is 0', () => {
    const in_ = new Inflights(3, 0);

    in_.add(idx(1), 1e12);

    expect(in_.full()).toBe(false);
  });

  it('applies whichever limit is reached first', () => {
    const byCount = filled(2, 1000, [1, 2], 1);
    const byBytes = filled(100, 10, [1, 2], 5);

    expect(byCount.full()).toBe(true);
    expect(byBytes.full()).toBe(true);
    expect(byBytes.count()).toBe(2);
  });
});
