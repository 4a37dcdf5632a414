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
  radius: number;
  nodeR: number;
  positions: Map<number, Point>;
}

export function ringLayout(ids: readonly number[], width: number, height: number): RingLayout {
  const center = { x: width / 2, y: height / 2 };
  const margin = 64;
  const radius = Math.max(40, Math.min(width, height) / 2 - margin);
  const n = Math.max(1, ids.length);
  // The disc shrinks as neighbours get closer: a fraction of the chord between two neighbours.
  const chord = n === 1 ? radius : 2 * radius * Math.sin(Math.PI / n);
  const nodeR = Math.max(18, Math.min(46, chord * 0.28, radius * 0.3));
  const positions = new Map<number, Point>();
  ids.forEach((id, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / n;
    const r = n === 1 ? 0 : radius;
    positions.set(id, { x: center.x + r * Math.cos(angle), y: center.y + r * Math.sin(angle) });
  });
  return { width, height, center, radius, nodeR, positions };
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
