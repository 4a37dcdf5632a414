import { memo } from 'react';
import {
  captionPlace,
  HULL_PAD,
  hullPath,
  type Point,
  type RingLayout,
  type Round,
} from '../../model/ringLayout.ts';

const GROUP_NAMES = 'ABCDEFGH';

/** Each partition group as a shaded island around its nodes. */
export const PartitionLayer = memo(function PartitionLayer({
  layout,
  partitions,
}: {
  layout: RingLayout;
  partitions: number[][];
}) {
  if (partitions.length === 0) return null;
  return (
    <g className="partitions" aria-label="network partition">
      {partitions.map((members, i) => {
        const points = members.flatMap((id) => {
          const p = layout.positions.get(id);
          return p ? [p] : [];
        });
        if (points.length === 0) return null;
        return (
          <g key={members.join(',')} className={`partition p${i % 4}`}>
            <path d={hullPath(members.flatMap((id) => outlined(layout, id)))} />
          </g>
        );
      })}
    </g>
  );
});

/**
 * Each side's name ("SIDE A"), drawn above the links: the cut links' dashed lines pass under
 * it instead of striking it through.
 */
export const PartitionLabels = memo(function PartitionLabels({
  layout,
  partitions,
}: {
  layout: RingLayout;
  partitions: number[][];
}) {
  if (partitions.length === 0) return null;
  return (
    <g className="partition-labels">
      {partitions.map((members, i) => {
        const points = members.flatMap((id) => {
          const p = layout.positions.get(id);
          return p ? [p] : [];
        });
        if (points.length === 0) return null;
        const at = labelPoint(layout, points);
        return (
          <text key={members.join(',')} x={at.x} y={at.y} className="partition-label" dy="0.35em">
            side {GROUP_NAMES[i] ?? i + 1}
          </text>
        );
      })}
    </g>
  );
});

/** Inside the ring, toward the side's nodes: the one place free of node text. */
function labelPoint(layout: RingLayout, points: readonly Point[]): Point {
  const c = layout.center;
  const mx = points.reduce((sum, p) => sum + p.x, 0) / points.length - c.x;
  const my = points.reduce((sum, p) => sum + p.y, 0) / points.length - c.y;
  const first = points[0] ?? c;
  const [dx, dy] = Math.hypot(mx, my) > 1 ? [mx, my] : [first.x - c.x, first.y - c.y];
  const len = Math.hypot(dx, dy) || 1;
  const rx = Math.max(0, layout.rx - layout.nodeR - 70);
  const ry = Math.max(0, layout.ry - layout.nodeR - 50);
  return { x: c.x + (dx / len) * rx, y: c.y + (dy / len) * ry };
}

/** What a side's outline goes around for one node: its disc, crown and arc, and its caption. */
function outlined(layout: RingLayout, id: number): Round[] {
  const p = layout.positions.get(id);
  if (!p) return [];
  const side = layout.captions.get(id) ?? 'below';
  const { box } = captionPlace(p, side, layout.nodeR, layout.fontPx, layout.compact);
  const corner = 10;
  return [
    { ...p, r: layout.nodeR + HULL_PAD },
    { x: box.x0, y: box.y0, r: corner },
    { x: box.x1, y: box.y0, r: corner },
    { x: box.x0, y: box.y1, r: corner },
    { x: box.x1, y: box.y1, r: corner },
  ];
}
