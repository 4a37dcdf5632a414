import type { GroupView, NodeView } from '@raftlens/trace';
import type { ScaleLinear } from 'd3';
import { memo } from 'react';
import { type LogCell, logCell } from '../../model/logCells.ts';
import { CRASHED_STYLE, nodeName, ROLE_STYLES, termFill } from '../../model/palette.ts';
import { useStore } from '../../store/appStore.ts';

interface Props {
  node: NodeView;
  g: GroupView;
  leader: GroupView | undefined;
  x: ScaleLinear<number, number>;
  start: number;
  count: number;
  cellW: number;
  rowH: number;
  labelW: number;
  viewW: number;
}

/** One node's log: the visible cells, its commit and applied points, and the leader's marks. */
export function LogRow(props: Props) {
  const { node, g, leader, x, start, count, cellW, rowH, labelW, viewW } = props;
  const askWhy = useStore((s) => s.askWhy);
  const down = node.status !== 'running';
  const style = down ? CRASHED_STYLE : ROLE_STYLES[g.role];
  const progress = leader && leader !== g ? leader.progress?.[String(node.id)] : undefined;
  const cells: LogCell[] = [];
  for (let i = start; i < start + count; i++) cells.push(logCell(g, i, leader));
  const top = 4;
  const h = rowH - 14;

  return (
    <svg
      className={`log-row${down ? ' down' : ''}`}
      width={labelW + viewW}
      height={rowH}
      role="img"
      aria-label={
        `${nodeName(node.id)} log: last index ${g.log.lastIndex}, commit ${g.commit}, ` +
        `applied ${g.applied}` +
        (g.log.snapshotIndex ? `, snapshot at ${g.log.snapshotIndex}` : '')
      }
    >
      <svg
        x={labelW}
        width={viewW}
        height={rowH}
        aria-hidden="true"
        onClick={(e) => {
          const index = (e.target as Element).closest('[data-index]')?.getAttribute('data-index');
          if (index) askWhy(Number(index));
        }}
      >
        {/* Cells sit at fixed places and the group slides, so scrolling moves one attribute. */}
        <g transform={`translate(${x(1)},0)`}>
          {cells.map((c) => (
            <Cell
              key={c.index}
              index={c.index}
              kind={c.kind}
              term={c.term ?? 0}
              type={c.type ?? ''}
              summary={c.summary ?? ''}
              committed={c.committed}
              conflict={c.conflict}
              x={(c.index - 1) * cellW}
              y={top}
              w={cellW}
              h={h}
            />
          ))}
        </g>
        <Marker at={x(g.commit + 1) - 1} h={rowH} cls="commit-mark" label="commit" />
        {progress && (
          <>
            <text x={x(progress.match) + cellW / 2} y={rowH - 1} className="match-mark">
              ▲
            </text>
            <text x={x(progress.next) + cellW / 2} y={rowH - 1} className="next-mark">
              ▷
            </text>
          </>
        )}
        {g.applied < g.commit && (
          <Marker at={x(g.applied + 1) - 1} h={rowH} cls="applied-mark" label="applied" />
        )}
      </svg>
      <text x={8} y={rowH / 2 - 4} className="log-node" fill={style.fill}>
        {nodeName(node.id)} {down ? node.status : style.label}
      </text>
      <text x={8} y={rowH / 2 + 11} className="log-sub">
        commit {g.commit} · applied {g.applied}
      </text>
    </svg>
  );
}

interface CellProps {
  index: number;
  kind: LogCell['kind'];
  term: number;
  type: string;
  summary: string;
  committed: boolean;
  conflict: boolean;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One entry; memoised on plain values, so only cells whose entry changed are touched. */
const Cell = memo(function Cell(p: CellProps) {
  const { x, y, w, h } = p;
  if (p.kind === 'empty') return null;
  if (p.kind === 'compacted' || p.kind === 'unknown') {
    return (
      <rect
        x={x + 1}
        y={y}
        width={w - 2}
        height={h}
        className={`cell ${p.kind}`}
        fill={p.kind === 'compacted' ? 'url(#hatch)' : '#f3f4f6'}
      />
    );
  }
  const cls = `cell${p.committed ? ' committed' : ' uncommitted'}${p.conflict ? ' conflict' : ''}`;
  const conf = p.type.includes('ConfChange');
  const title =
    `index ${p.index}, term ${p.term}${p.type ? `, ${p.type}` : ''}` +
    `${p.summary ? `: ${p.summary}` : ''}${p.committed ? '' : ' (not committed)'}` +
    `${p.conflict ? ' — conflicts with the leader' : ''}. Click to ask why it is not committed.`;
  return (
    <g className={cls} data-index={p.index}>
      <title>{title}</title>
      <rect x={x + 1} y={y} width={w - 2} height={h} rx={3} fill={termFill(p.term)} />
      <text x={x + w / 2} y={y + h / 2} dy="0.35em" textAnchor="middle">
        {conf ? `C${p.term}` : p.term}
      </text>
    </g>
  );
});

function Marker({ at, h, cls, label }: { at: number; h: number; cls: string; label: string }) {
  return (
    <g className={cls} transform={`translate(${at},0)`}>
      <line y1={0} y2={h - 10} />
      <title>{label}</title>
    </g>
  );
}
