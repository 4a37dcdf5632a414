import { describe, expect, it } from 'vitest';
import {
  captionPlace,
  clearance,
  labelUnderCaption,
  ringLayout,
  ringSlots,
} from '../src/model/ringLayout.ts';

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

  it("keeps five nodes' captions under their discs and clear of the other nodes", () => {
    for (const [w, h, font] of [
      [990, 620, 15],
      [1240, 470, 20], // large type on a 1280x720 projector
    ] as const) {
      const l = ringLayout([1, 2, 3, 4, 5], w, h, [], font);

      expect([...l.captions.values()].every((c) => c === 'below')).toBe(true);
      expect(clearance(l)).toBeGreaterThan(0);
    }
  });

  it("keeps nine nodes' captions off the node below, and off its crown, with smaller discs", () => {
    // The ring's box on a 1600x1000 screen in normal type, and on a 1920x1080 one.
    for (const [w, h] of [
      [969, 620],
      [1173, 670],
    ] as const) {
      const ids = [1, 2, 3, 4, 5, 6, 7, 8, 9];
      const l = ringLayout(ids, w, h, [], 15);
      const wide = ringLayout(ids, w * 2, h * 2, [], 15);

      expect([...l.captions.values()].every((c) => c === 'below')).toBe(true);
      expect(clearance(l)).toBeGreaterThan(0);
      // The discs give way, by at most a fifth; the ring does not.
      expect(l.nodeR).toBeLessThan(wide.nodeR);
      expect(l.nodeR).toBeGreaterThanOrEqual(0.8 * wide.nodeR - 1e-9);
      expect(l.rx).toBeGreaterThan(0.4 * w);
      for (const [id, p] of l.positions) {
        const { box } = captionPlace(p, 'below', l.nodeR, 15);
        for (const [other, q] of l.positions) {
          if (other === id) continue;
          // The crown's tip, above the disc, is clear of every caption.
          const tipY = q.y - (1 + 0.36 * 1.15) * l.nodeR - 6;
          const under = q.x > box.x0 && q.x < box.x1 && tipY > box.y0 && tipY < box.y1;
          expect(under).toBe(false);
        }
      }
    }
  });

  it('keeps nine nodes split three ways clear, captions beside and discs smaller, on 1920x1080', () => {
    const sides = [
      [1, 2, 7],
      [3, 4, 5],
      [6, 8, 9],
    ];
    const l = ringLayout([1, 2, 3, 4, 5, 6, 7, 8, 9], 1173, 670, sides, 15);

    expect([...l.captions.values()].some((c) => c !== 'below')).toBe(true);
    expect(clearance(l)).toBeGreaterThan(0);
    expect(l.nodeR).toBeGreaterThanOrEqual(0.8 * 46);
  });

  it('writes a caption beside its disc, outside the ring, where under it would hit a node', () => {
    const l = ringLayout([1, 2, 3, 4, 5, 6, 7], 1240, 470, [], 20);

    const beside = [...l.captions].filter(([, c]) => c !== 'below');
    expect(beside.length).toBeGreaterThan(0);
    for (const [id, c] of beside) {
      const p = l.positions.get(id);
      expect(c).toBe((p?.x ?? 0) < l.center.x ? 'left' : 'right');
    }
    expect(clearance(l)).toBeGreaterThan(0);
    for (const [id, p] of l.positions) {
      const { box } = captionPlace(p, l.captions.get(id) ?? 'below', l.nodeR, 20);
      expect(box.x0).toBeGreaterThanOrEqual(0);
      expect(box.x1).toBeLessThanOrEqual(1240);
      expect(box.y0).toBeGreaterThanOrEqual(0);
      expect(box.y1).toBeLessThanOrEqual(470);
    }
  });

  // The ring's box for nine nodes on common projector sizes, as the dashboard gives it.
  const NINE = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  const THREE_WAYS = [
    [1, 2, 7],
    [3, 4, 5],
    [6, 8, 9],
  ];
  const crowded = [
    { screen: '1280x720', w: 766, h: 446, font: 15, sides: [] },
    { screen: '1366x768', w: 820, h: 476, font: 15, sides: [] },
    { screen: '1280x720, large type', w: 1222, h: 470, font: 20, sides: [] },
    { screen: '1600x1000, split 3-3-3', w: 969, h: 620, font: 15, sides: THREE_WAYS },
  ];

  it.each(crowded)(
    "keeps nine nodes' captions clear of each other and the nodes on $screen",
    (c) => {
      const l = ringLayout(NINE, c.w, c.h, c.sides, c.font);

      expect(clearance(l)).toBeGreaterThanOrEqual(2);
      // A node's name, written in the disc at 0.62 of its radius, is no smaller than its caption.
      expect(0.62 * l.nodeR).toBeGreaterThanOrEqual(c.font);
      // Every caption and disc is inside the box.
      for (const [id, p] of l.positions) {
        const { box } = captionPlace(p, l.captions.get(id) ?? 'below', l.nodeR, c.font, l.compact);
        expect(box.x0).toBeGreaterThanOrEqual(0);
        expect(box.x1).toBeLessThanOrEqual(c.w);
        expect(box.y1).toBeLessThanOrEqual(c.h);
        expect(p.y - l.nodeR - 20).toBeGreaterThanOrEqual(0);
      }
    },
  );

  it('writes short captions only where the full ones do not fit', () => {
    expect(ringLayout(NINE, 766, 446, [], 15).compact).toBe(true);
    expect(ringLayout(NINE, 969, 620, [], 15).compact).toBe(false);
    expect(ringLayout(NINE, 969, 620, THREE_WAYS, 15).compact).toBe(false);
    expect(ringLayout([1, 2, 3, 4, 5], 766, 446, [], 15).compact).toBe(false);
    expect(ringLayout([1, 2, 3, 4, 5], 1222, 470, [], 20).compact).toBe(false);
    // Two lines instead of three, and narrower.
    const full = captionPlace({ x: 0, y: 0 }, 'below', 30, 15, false).box;
    const short = captionPlace({ x: 0, y: 0 }, 'below', 30, 15, true).box;
    expect(short.y1 - short.y0).toBeLessThan(0.75 * (full.y1 - full.y0));
    expect(short.x1 - short.x0).toBeLessThan(0.75 * (full.x1 - full.x0));
  });

  it('keeps five nodes evenly spaced by angle, with full captions', () => {
    for (const [w, h, font] of [
      [766, 446, 15],
      [990, 620, 15],
      [1222, 470, 20],
    ] as const) {
      const l = ringLayout([1, 2, 3, 4, 5], w, h, [], font);

      for (const [id, p] of l.positions) {
        const a = -Math.PI / 2 + (2 * Math.PI * (id - 1)) / 5;
        expect(p.x).toBeCloseTo(l.center.x + l.rx * Math.cos(a), 6);
        expect(p.y).toBeCloseTo(l.center.y + l.ry * Math.sin(a), 6);
      }
    }
  });

  it("finds a message label that would run under a node's caption, and only there", () => {
    const l = ringLayout([1, 2, 3, 4, 5], 990, 620, [], 15);
    const top = l.positions.get(1) ?? { x: 0, y: 0 };
    const { box } = captionPlace(top, 'below', l.nodeR, 15);

    expect(labelUnderCaption(l, (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2, 'HB')).toBe(true);
    // Just beside the caption's right edge: a short label clears it, a long one reaches in.
    const beside = box.x1 + 12;
    expect(labelUnderCaption(l, beside, box.y0 + 10, 'HB')).toBe(false);
    expect(labelUnderCaption(l, beside, box.y0 + 10, 'HBResp (dup)')).toBe(true);
    expect(labelUnderCaption(l, l.center.x, l.center.y, 'HBResp')).toBe(false);
  });
});
