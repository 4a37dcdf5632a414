import { describe, expect, it } from 'vitest';
import { ringLayout, ringSlots } from '../src/model/ringLayout.ts';

describe('ringSlots', () => {
  it('keeps the id order when the network is whole', () => {
    expect(ringSlots([1, 2, 3, 4, 5], [])).toEqual([1, 2, 3, 4, 5]);
  });

  it('puts each partition side on its own arc with a gap after it', () => {
    expect(
      ringSlots(
        [1, 2, 3, 4, 5],
        [
          [1, 3],
          [2, 4, 5],
        ],
      ),
    ).toEqual([1, 3, null, 2, 4, 5, null]);
  });
});

describe('ringLayout', () => {
  it('keeps every node, with its text, inside the box', () => {
    const w = 900;
    const h = 520;

    const l = ringLayout([1, 2, 3, 4, 5, 6, 7], w, h, [], 15);

    for (const p of l.positions.values()) {
      expect(p.x - l.nodeR).toBeGreaterThanOrEqual(0);
      expect(p.x + l.nodeR).toBeLessThanOrEqual(w);
      expect(p.y - l.nodeR - 20).toBeGreaterThanOrEqual(0);
      expect(p.y + l.nodeR + 60).toBeLessThanOrEqual(h);
    }
  });

  it('puts the first node at the top', () => {
    const l = ringLayout([1, 2, 3], 800, 600);

    const first = l.positions.get(1);
    const ys = [...l.positions.values()].map((p) => p.y);
    expect(first?.y).toBe(Math.min(...ys));
  });
});
