import { memo } from 'react';
import { hullPath, type RingLayout } from '../../model/ringLayout.ts';

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
        const top = points.reduce((a, b) => (b.y < a.y ? b : a));
        return (
          <g key={members.join(',')} className={`partition p${i % 4}`}>
            <path d={hullPath(points, layout.nodeR + 34)} />
            <text x={top.x} y={top.y - layout.nodeR - 40} className="partition-label">
              side {GROUP_NAMES[i] ?? i + 1}
            </text>
          </g>
        );
      })}
    </g>
  );
});
