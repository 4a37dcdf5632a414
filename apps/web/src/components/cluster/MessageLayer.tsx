/**
 * Messages in flight, animated. D3 owns this layer's DOM: every frame it joins the visible
 * flights to dots (keyed by message id) and moves them, without React rendering anything.
 */

import { select } from 'd3';
import { useRef } from 'react';
import { useAnimationFrame } from '../../hooks/useAnimationFrame.ts';
import { DROP_FADE_MS, type Flight, flightProgress, flightVisible } from '../../model/flights.ts';
import { messageStyle } from '../../model/palette.ts';
import { along, lane, type RingLayout } from '../../model/ringLayout.ts';
import { useStore } from '../../store/appStore.ts';
import type { AppState } from '../../store/index.ts';

interface Dot {
  id: string;
  x: number;
  y: number;
  colour: string;
  hollow: boolean;
  dropped: boolean;
  delayed: boolean;
  opacity: number;
  label: string;
  /** Where the label goes: to the right of the direction of travel, so replies label apart. */
  lx: number;
  ly: number;
}

/** Beyond this many dots only the newest are drawn; beyond LABEL_MAX, dots lose their labels. */
const DOTS_MAX = 400;
const LABEL_MAX = 14;
const CROSS = 'M-7,-7L7,7M-7,7L7,-7';

export function MessageLayer({ layout }: { layout: RingLayout }) {
  const ref = useRef<SVGGElement>(null);
  const layoutRef = useRef(layout);
  layoutRef.current = layout;

  useAnimationFrame((localNow) => {
    const g = ref.current;
    if (!g) return;
    const s = useStore.getState();
    const dots = visibleDots(s, layoutRef.current, localNow + s.clockOffsetMs);
    drawDots(g, dots);
  });

  // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a group is not focusable; the feed tells it
  return <g ref={ref} className="messages" aria-hidden="true" />;
}

function visibleDots(s: AppState, layout: RingLayout, now: number): Dot[] {
  const hiddenTypes = s.hiddenTypes;
  const hiddenNodes = s.hiddenNodes;
  const picked: Flight[] = [];
  for (const f of s.flights.flights.values()) {
    if (f.group !== s.group || f.state === 'held' || !flightVisible(f, now)) continue;
    if (hiddenTypes.includes(f.type)) continue;
    if (hiddenNodes.includes(f.from) || hiddenNodes.includes(f.to)) continue;
    picked.push(f);
  }
  const shown = picked.length > DOTS_MAX ? picked.slice(-DOTS_MAX) : picked;
  const labelled = shown.length <= LABEL_MAX;
  const dots: Dot[] = [];
  for (const f of shown) {
    const a = layout.positions.get(f.from);
    const b = layout.positions.get(f.to);
    if (!a || !b) continue;
    const l = lane(a, b, layout.nodeR);
    const p = along(l, flightProgress(f, now));
    const len = Math.hypot(l.end.x - l.start.x, l.end.y - l.start.y) || 1;
    const nx = -(l.end.y - l.start.y) / len;
    const ny = (l.end.x - l.start.x) / len;
    const style = messageStyle(f.type);
    const dropped = f.state === 'dropped';
    const fade = dropped ? 1 - Math.max(0, now - f.anchorMs) / DROP_FADE_MS : 1;
    dots.push({
      id: f.msgId,
      x: p.x,
      y: p.y,
      colour: style.colour,
      hollow: style.hollow,
      dropped,
      delayed: f.delayed,
      opacity: Math.max(0, fade),
      label: labelled ? `${style.short}${f.duplicate ? ' (dup)' : ''}` : '',
      lx: nx * 16,
      ly: ny * 16,
    });
  }
  return dots;
}

function drawDots(g: SVGGElement, dots: Dot[]): void {
  select(g)
    .selectAll<SVGGElement, Dot>('g.msg')
    .data(dots, (d) => d.id)
    .join((enter) => {
      const e = enter.append('g').attr('class', 'msg');
      e.append('circle').attr('r', 6.5);
      e.append('path').attr('class', 'cross').attr('d', CROSS);
      e.append('text').attr('dy', '0.35em').attr('text-anchor', 'middle');
      return e;
    })
    .attr('transform', (d) => `translate(${d.x.toFixed(1)},${d.y.toFixed(1)})`)
    .attr('opacity', (d) => d.opacity)
    .call((sel) => {
      sel
        .select('circle')
        .attr('fill', (d) => (d.hollow ? '#ffffff' : d.colour))
        .attr('stroke', (d) => d.colour)
        .attr('stroke-dasharray', (d) => (d.delayed ? '3 2' : null))
        .attr('opacity', (d) => (d.dropped ? 0.35 : 1));
      sel.select('path').attr('visibility', (d) => (d.dropped ? 'visible' : 'hidden'));
      sel
        .select('text')
        .attr('x', (d) => d.lx)
        .attr('y', (d) => d.ly)
        .text((d) => d.label)
        .attr('fill', (d) => d.colour);
    });
}
