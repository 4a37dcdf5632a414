/**
 * Election timers as arcs around followers and candidates, filling up as ticks pass and emptying
 * when the leader's message lands. D3 owns this layer's DOM and redraws it every frame.
 */

import { arc, select } from 'd3';
import { useRef } from 'react';
import { useAnimationFrame } from '../../hooks/useAnimationFrame.ts';
import { electionTimerFraction } from '../../model/electionTimer.ts';
import { ROLE_STYLES } from '../../model/palette.ts';
import type { RingLayout } from '../../model/ringLayout.ts';
import { useStore } from '../../store/appStore.ts';
import { msPerTick } from '../../store/selectors.ts';

interface TimerDatum {
  id: number;
  x: number;
  y: number;
  fraction: number;
  colour: string;
  urgent: boolean;
}

export function TimerLayer({ layout }: { layout: RingLayout }) {
  const ref = useRef<SVGGElement>(null);
  const layoutRef = useRef(layout);
  layoutRef.current = layout;

  useAnimationFrame((localNow) => {
    const g = ref.current;
    const s = useStore.getState();
    const snap = s.snapshot;
    if (!g || !snap) return;
    // A simulated cluster's clock stands still between a scenario's steps, and so do its
    // timers: they run on at most two ticks past the last moment the cluster was at.
    const displayNow = localNow + s.clockOffsetMs;
    const now =
      snap.mode === 'simulated' && s.replay === null
        ? Math.min(displayNow, s.serverWallMs + 2 * msPerTick(snap))
        : displayNow;
    const data: TimerDatum[] = [];
    for (const node of snap.nodes) {
      const group = node.groups.find((x) => x.group === s.group);
      const at = layoutRef.current.positions.get(node.id);
      if (!group || !at || node.status !== 'running') continue;
      const fraction = electionTimerFraction(
        {
          group,
          snapshotWallMs: snap.wallMs,
          msPerTick: msPerTick(snap),
          paused: snap.paused,
          arrivals: s.flights.arrivals.get(node.id),
          roleChangeMs: s.roleChanges.get(node.id, s.group),
        },
        now,
      );
      if (fraction === null) continue;
      const colour = ROLE_STYLES[group.role].fill;
      data.push({ id: node.id, x: at.x, y: at.y, fraction, colour, urgent: fraction > 0.8 });
    }
    draw(g, data, layoutRef.current.nodeR);
  });

  // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a group is not focusable; nodes say their state
  return <g ref={ref} className="timers" aria-hidden="true" />;
}

function draw(g: SVGGElement, data: TimerDatum[], r: number): void {
  const shape = arc<number>()
    .innerRadius(r + 3)
    .outerRadius(r + 8)
    .startAngle(0)
    .endAngle((f) => f * 2 * Math.PI);
  const track = shape(1) ?? '';
  select(g)
    .selectAll<SVGGElement, TimerDatum>('g.timer')
    .data(data, (d) => d.id)
    .join((enter) => {
      const e = enter.append('g').attr('class', 'timer');
      e.append('path').attr('class', 'timer-track');
      e.append('path').attr('class', 'timer-fill');
      return e;
    })
    .attr('transform', (d) => `translate(${d.x},${d.y})`)
    .call((sel) => {
      sel.select('.timer-track').attr('d', track);
      sel
        .select('.timer-fill')
        .attr('d', (d) => shape(d.fraction) ?? '')
        .attr('fill', (d) => (d.urgent ? '#dc2626' : d.colour));
    });
}
