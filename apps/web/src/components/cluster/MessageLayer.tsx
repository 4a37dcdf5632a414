/**
 * Messages in flight, animated. D3 owns this layer's DOM: every frame it joins the visible
 * flights to dots and moves them, without React rendering anything. Dots are keyed by their
 * place on a lane, not by message: under load a lane's newest few messages change many times a
 * second, and reusing the lane's elements (moved, restyled only when the look changes) spares
 * creating and removing thousands of SVG elements a second.
 */

import { select } from 'd3';
import { useRef } from 'react';
import { useAnimationFrame } from '../../hooks/useAnimationFrame.ts';
import { DROP_FADE_MS, type Flight, flightProgress, flightVisible } from '../../model/flights.ts';
import { messageStyle } from '../../model/palette.ts';
import { along, labelUnderCaption, lane, type RingLayout } from '../../model/ringLayout.ts';
import { useStore } from '../../store/appStore.ts';
import type { AppState } from '../../store/index.ts';

interface Dot {
  /** The dot's place, not its message: `from>to#k`, the k-th newest shown on that lane. */
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

/**
 * On a busy link only the newest few dots of each direction are drawn: at a hundred messages a
 * second single dots mean nothing, a steady stream of a few reads as traffic and stays smooth.
 * Beyond LABEL_MAX dots in all, dots lose their labels.
 */
const DOTS_PER_LANE = 4;
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

let lastPending: unknown = null;
let lastPendingIds = new Set<string>();

/** The ids of the queued messages, recomputed only when the list changes. */
function pendingIds(pending: ReadonlyArray<{ msgId: string }> | undefined): Set<string> {
  if (pending !== lastPending) {
    lastPending = pending;
    lastPendingIds = new Set((pending ?? []).map((p) => p.msgId));
  }
  return lastPendingIds;
}

function visibleDots(s: AppState, layout: RingLayout, now: number): Dot[] {
  const hiddenTypes = s.hiddenTypes;
  const hiddenNodes = s.hiddenNodes;
  const lanes = new Map<string, Flight[]>();
  const queued = pendingIds(s.snapshot?.pending);
  for (const f of s.flights.flights.values()) {
    if (f.group !== s.group || f.state === 'held' || !flightVisible(f, now)) continue;
    // A message waiting for a step is drawn, numbered, by the pending layer.
    if (f.state === 'flying' && queued.has(f.msgId)) continue;
    if (hiddenTypes.includes(f.type)) continue;
    if (hiddenNodes.includes(f.from) || hiddenNodes.includes(f.to)) continue;
    const key = `${f.from}>${f.to}`;
    const lane = lanes.get(key);
    if (lane) lane.push(f);
    else lanes.set(key, [f]);
  }
  const shown: Array<[slot: string, f: Flight]> = [];
  for (const [key, lane] of lanes) {
    // Flights are kept in send order, so the newest are last.
    const from = Math.max(0, lane.length - DOTS_PER_LANE);
    for (let i = from; i < lane.length; i++)
      shown.push([`${key}#${lane.length - 1 - i}`, lane[i] as Flight]);
  }
  const labelled = shown.length <= LABEL_MAX;
  const dots: Dot[] = [];
  for (const [slot, f] of shown) {
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
    const lx = nx * 16;
    const ly = ny * 16;
    let label = labelled ? `${style.short}${f.duplicate ? ' (dup)' : ''}` : '';
    if (label && labelUnderCaption(layout, p.x + lx, p.y + ly, label)) label = '';
    dots.push({
      id: slot,
      x: p.x,
      y: p.y,
      colour: style.colour,
      hollow: style.hollow,
      dropped,
      delayed: f.delayed,
      opacity: Math.max(0, fade),
      label,
      lx,
      ly,
    });
  }
  return dots;
}

/** What a dot looks like apart from where it is; the DOM is touched only when this changes. */
function lookOf(d: Dot): string {
  return `${d.colour}|${d.hollow}|${d.dropped}|${d.delayed}|${d.label}`;
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
    .attr('opacity', (d) => (d.dropped ? d.opacity.toFixed(2) : null))
    .each(function restyle(d) {
      const look = lookOf(d);
      if (this.dataset.look === look) return;
      this.dataset.look = look;
      const el = select(this);
      el.select('circle')
        .attr('fill', d.hollow ? '#ffffff' : d.colour)
        .attr('stroke', d.colour)
        .attr('stroke-dasharray', d.delayed ? '3 2' : null)
        .attr('opacity', d.dropped ? 0.35 : 1);
      el.select('path').attr('visibility', d.dropped ? 'visible' : 'hidden');
      el.select('text').attr('x', d.lx).attr('y', d.ly).attr('fill', d.colour).text(d.label);
    });
}
