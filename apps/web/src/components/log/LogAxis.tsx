import type { ScaleLinear } from 'd3';

/** Index numbers over the log rows; every index when there is room, every fifth otherwise. */
export function LogAxis(props: {
  x: ScaleLinear<number, number>;
  start: number;
  count: number;
  cellW: number;
  labelW: number;
}) {
  const { x, start, count, cellW, labelW } = props;
  const every = cellW >= 30 ? 1 : 5;
  const ticks: number[] = [];
  for (let i = start; i < start + count; i++) if (i % every === 0 || every === 1) ticks.push(i);
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
