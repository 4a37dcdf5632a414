import type { ScaleLinear } from 'd3';

/** Half the width of one digit of the axis's numbers, in pixels (its type is at most 15 px). */
const DIGIT_HALF_W = 4.5;

/**
 * Index numbers over the log rows; every index when there is room, every fifth otherwise. A
 * number that would be cut at either edge of the view (half a "24") is left out.
 */
export function LogAxis(props: {
  x: ScaleLinear<number, number>;
  start: number;
  count: number;
  cellW: number;
  labelW: number;
  viewW: number;
}) {
  const { x, start, count, cellW, labelW, viewW } = props;
  const every = cellW >= 30 ? 1 : 5;
  const ticks: number[] = [];
  for (let i = start; i < start + count; i++) {
    if (i % every !== 0 && every !== 1) continue;
    const mid = x(i) + cellW / 2;
    const half = String(i).length * DIGIT_HALF_W;
    if (mid - half >= 0 && mid + half <= viewW) ticks.push(i);
  }
  return (
    <svg className="log-axis" height={20} width="100%" aria-hidden="true">
      <text x={8} y={14} className="axis-title">
        index
      </text>
      <g transform={`translate(${labelW},0)`}>
        {ticks.map((i) => (
          <text key={i} x={x(i) + cellW / 2} y={14} textAnchor="middle">
            {i}
          </text>
        ))}
      </g>
    </svg>
  );
}
