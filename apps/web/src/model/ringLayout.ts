/**
 * Where things go in the cluster view: nodes evenly on a ring, each directed link as its own
 * lane (offset to the right of its direction, so a request and its response never overlap), and
 * partitions as padded hulls around their nodes.
 */

import { curveCatmullRomClosed, line, polygonHull } from 'd3';

export interface Point {
  x: number;
  y: number;
}

export interface RingLayout {
  width: number;
  height: number;
  center: Point;
  /** The ring is an ellipse, wider than tall, to use a landscape screen. */
  rx: number;
  ry: number;
  nodeR: number;
  positions: Map<number, Point>;
}

/**
 * Nodes evenly on a ring. When the network is partitioned, each side's nodes sit together on
 * their own arc with an empty slot between sides, so the split reads at a glance.
 */
export function ringLayout(
  ids: readonly number[],
  width: number,
  height: number,
  partitions: readonly number[][] = [],
  fontPx = 15,
): RingLayout {
  const slots = ringSlots(ids, partitions);
  const turns = slots.reduce<number>((sum, s) => sum + (s === null ? GAP_SLOTS : 1), 0) || 1;
  const angles = new Map<number, number>();
  let at = 0;
  for (const id of slots) {
    if (id === null) {
      at += GAP_SLOTS;
      continue;
    }
    angles.set(id, -Math.PI / 2 + (2 * Math.PI * at) / turns);
    at += 1;
  }
  // Fit the ring's actual extent (five nodes reach less far down than up) into the box, with
  // room for the crown above a disc, three lines of text below it and text beside it.
  const sin = [...angles.values()].map(Math.sin);
  const cos = [...angles.values()].map(Math.cos);
  const ySpan = Math.max(1, Math.max(...sin) - Math.min(...sin));
  const xSpan = Math.max(1, Math.max(...cos) - Math.min(...cos));
  const fit = (r: number) => {
    const top = r + 1.6 * fontPx;
    const bottom = r + 4.8 * fontPx;
    const side = Math.max(r, 5.6 * fontPx) + 8;
    let ry = Math.max(30, (height - top - bottom) / ySpan);
    const rx = Math.max(30, Math.min((width - 2 * side) / xSpan, ry * 2));
    ry = Math.min(ry, rx);
    // The disc shrinks as neighbours get closer: a fraction of the chord between neighbours.
    const mean = (rx + ry) / 2;
    const chord = turns <= 1 ? mean : 2 * mean * Math.sin(Math.PI / turns);
    const nodeR = Math.max(18, Math.min(46, chord * 0.27, ry * 0.32));
    return { top, side, rx, ry, nodeR };
  };
  // The margins depend on the disc size and the disc size on the room left: settle twice.
  const { top, side, rx, ry, nodeR } = fit(fit(46).nodeR);
  const single = ids.length <= 1;
  const center = {
    x: single ? width / 2 : side - Math.min(...cos) * rx + (width - 2 * side - xSpan * rx) / 2,
    y: single ? height / 2 : top - Math.min(...sin) * ry,
  };
  const positions = new Map<number, Point>();
  for (const [id, a] of angles) {
    const k = single ? 0 : 1;
    positions.set(id, { x: center.x + k * rx * Math.cos(a), y: center.y + k * ry * Math.sin(a) });
  }
  return { width, height, center, rx, ry, nodeR, positions };
}

/** How much of the ring the gap between two partition sides takes, in node slots. */
const GAP_SLOTS = 0.7;

/** The ring's slots in order: node ids, with null for the gap between partition sides. */
export function ringSlots(
  ids: readonly number[],
  partitions: readonly number[][],
): Array<number | null> {
  const sides = partitions
    .map((side) => ids.filter((id) => side.includes(id)))
    .filter((side) => side.length > 0);
  if (sides.length < 2) return [...ids];
  const placed = new Set(sides.flat());
  const rest = ids.filter((id) => !placed.has(id));
  const slots: Array<number | null> = [];
  for (const side of [...sides, ...(rest.length ? [rest] : [])]) slots.push(...side, null);
  return slots;
}

export interface Lane {
  start: Point;
  end: Point;
}

/** The lane a message from `a` to `b` travels, between the two discs' edges. */
export function lane(a: Point, b: Point, nodeR: number, offset = 6): Lane {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  // Right-hand normal of the direction of travel.
  const px = -uy * offset;
  const py = ux * offset;
  const gap = nodeR + 6;
  return {
    start: { x: a.x + ux * gap + px, y: a.y + uy * gap + py },
    end: { x: b.x - ux * gap + px, y: b.y - uy * gap + py },
  };
}

export function along(l: Lane, t: number): Point {
  return { x: l.start.x + (l.end.x - l.start.x) * t, y: l.start.y + (l.end.y - l.start.y) * t };
}

/** A smooth closed outline around a group of nodes, padded by `pad`. */
export function hullPath(points: readonly Point[], pad: number): string {
  const ring: Array<[number, number]> = [];
  for (const p of points) {
    for (let k = 0; k < 16; k++) {
      const a = (2 * Math.PI * k) / 16;
      ring.push([p.x + pad * Math.cos(a), p.y + pad * Math.sin(a)]);
    }
  }
  const hull = polygonHull(ring);
  if (!hull) return '';
  return line().curve(curveCatmullRomClosed.alpha(0.5))(hull) ?? '';
}
