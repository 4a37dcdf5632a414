/**
 * Every node's log side by side, one row per node, aligned by index. Only the cells in view are
 * drawn: the rows are a fixed-size drawing over a scrolling spacer, so a log of a million entries
 * costs the same as one of ten.
 */

import { scaleLinear } from 'd3';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useElementSize } from '../../hooks/useElementSize.ts';
import { selectSnapshot, useThrottledStore } from '../../hooks/useThrottledStore.ts';
import { indexRange } from '../../model/logCells.ts';
import { useStore } from '../../store/appStore.ts';
import { leaderOf, nodeGroups } from '../../store/selectors.ts';
import { LogAxis } from './LogAxis.tsx';
import { LogRow } from './LogRow.tsx';

/**
 * Room for a row's label: its longest line, "commit 1024 · applied 1024", at the normal and at
 * the large type size (it ran under the first cells in large type, and past 99 in normal).
 */
const LABEL_W = 176;
const LABEL_W_LARGE = 232;

export function LogView() {
  const snapshot = useThrottledStore(selectSnapshot, 100);
  const group = useStore((s) => s.group);
  const large = useStore((s) => s.largeType);
  const items = useMemo(() => nodeGroups(snapshot, group), [snapshot, group]);
  const leader = leaderOf(items)?.group;
  const scroller = useRef<HTMLDivElement>(null);
  const { width } = useElementSize(scroller);
  const [scrollLeft, setScrollLeft] = useState(0);
  const cellW = large ? 46 : 34;
  const rowH = large ? 50 : 40;
  const labelW = large ? LABEL_W_LARGE : LABEL_W;

  const groups = items.flatMap((it) => (it.group ? [it.group] : []));
  const { first, last } = indexRange(groups);
  const totalW = (last - first + 1) * cellW;
  const viewW = Math.max(0, width - labelW);

  // Stay at the newest entries while the reader is there. The drawing follows at once; the
  // native scrollbar catches up a few times a second, because moving it forces a layout.
  const atEnd = useRef(true);
  const following = atEnd.current;
  const offset = following ? Math.max(0, totalW - viewW) : scrollLeft;
  useEffect(() => {
    if (!following) return;
    const timer = setTimeout(() => {
      const el = scroller.current;
      if (el && atEnd.current) el.scrollLeft = totalW + labelW;
    }, 250);
    return () => clearTimeout(timer);
  }, [following, totalW, labelW]);

  const startIndex = first + Math.floor(offset / cellW);
  const count = Math.ceil(viewW / cellW) + 1;
  const x = scaleLinear()
    .domain([first, first + 1])
    .range([-offset, -offset + cellW]);

  return (
    <div className="log-view">
      <div
        className="log-scroller"
        ref={scroller}
        onScroll={(e) => {
          const el = e.currentTarget;
          atEnd.current = el.scrollLeft + el.clientWidth >= el.scrollWidth - cellW;
          setScrollLeft(el.scrollLeft);
        }}
      >
        <div style={{ width: totalW + labelW, height: 1 }} />
        <div className="log-sticky" style={{ width }}>
          <LogAxis
            x={x}
            start={startIndex}
            count={count}
            cellW={cellW}
            labelW={labelW}
            viewW={viewW}
          />
          {items.map((it) =>
            it.group ? (
              <LogRow
                key={it.node.id}
                node={it.node}
                g={it.group}
                leader={leader}
                x={x}
                start={startIndex}
                count={count}
                cellW={cellW}
                rowH={rowH}
                labelW={labelW}
                viewW={viewW}
              />
            ) : null,
          )}
        </div>
      </div>
      <LogLegend />
    </div>
  );
}

function LogLegend() {
  return (
    <p className="log-legend">
      <span className="sr-only">Legend: </span>
      {/* Each sign with its words, so a line never breaks between them. */}
      <span className="lg-item">
        <span className="lg-cell committed">3</span> committed (number = term)
      </span>
      <span className="lg-item">
        <span className="lg-cell uncommitted">3</span> not yet committed
      </span>
      <span className="lg-item">
        <span className="lg-cell conflict">2</span> conflicts with the leader
      </span>
      <span className="lg-item">
        <span className="lg-cell compacted" /> compacted into a snapshot
      </span>
      <span className="lg-item">
        <span className="lg-mark">▲</span> match <span className="lg-mark">▷</span> next (the
        leader's progress)
      </span>
    </p>
  );
}
