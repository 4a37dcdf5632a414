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
): RingLayout {
  const slots = ringSlots(ids, partitions);
  const turns = slots.reduce<number>((sum, s) => sum + (s === null ? GAP_SLOTS : 1), 0) || 1;
  // Room for the crown above a disc, three lines of text below it, and text beside it.
  const estimateR = 46;
  const top = estimateR + 34;
  const bottom = estimateR + 78;
  const side = estimateR + 56;
  const ry = Math.max(40, (height - top - bottom) / 2);
  const rx = Math.max(40, Math.min((width - 2 * side) / 2, ry * 1.45));
  const center = { x: width / 2, y: top + ry };
  // The disc shrinks as neighbours get closer: a fraction of the chord between two neighbours.
  const mean = (rx + ry) / 2;
  const chord = turns <= 1 ? mean : 2 * mean * Math.sin(Math.PI / turns);
  const nodeR = Math.max(18, Math.min(estimateR, chord * 0.27, ry * 0.3));
  const positions = new Map<number, Point>();
  let at = 0;
  for (const id of slots) {
    if (id === null) {
      at += GAP_SLOTS;
      continue;
    }
    const angle = -Math.PI / 2 + (2 * Math.PI * at) / turns;
    const k = ids.length === 1 ? 0 : 1;
    positions.set(id, {
      x: center.x + k * rx * Math.cos(angle),
      y: center.y + k * ry * Math.sin(angle),
    });
    at += 1;
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
