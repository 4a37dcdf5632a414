/**
 * One lane per node, one arrow per message, time running down. The canvas is drawn
 * imperatively on animation frames, and only when something it shows has changed.
 */

import { useMemo, useRef, useState } from 'react';
import { useAnimationFrame } from '../../hooks/useAnimationFrame.ts';
import { useElementSize } from '../../hooks/useElementSize.ts';
import { nodeName } from '../../model/palette.ts';
import {
  buildSpaceTime,
  distanceToSegment,
  type Spacing,
  type StGeometry,
} from '../../model/spacetime.ts';
import { useStore } from '../../store/appStore.ts';
import { arrowEnd, type Lanes, paintSpaceTime } from './drawSpaceTime.ts';
import { MessageDetails } from './MessageDetails.tsx';
import { SpaceTimeToolbar } from './SpaceTimeToolbar.tsx';

/** New events redraw the diagram at most this often: smooth enough to read, cheap to keep. */
const REDRAW_MS = 66;

export function SpaceTime() {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const { width } = useElementSize(box);
  const large = useStore((s) => s.largeType);
  const nodes = useStore((s) => s.snapshot?.nodes);
  const hiddenNodes = useStore((s) => s.hiddenNodes);
  const selectMessage = useStore((s) => s.selectMessage);
  const [spacing, setSpacing] = useState<Spacing>('order');
  const height = large ? 460 : 340;
  const geo = useRef<StGeometry | null>(null);
  const lastKey = useRef('');
  const drawnVersion = useRef(-1);
  const drawnAt = useRef(0);

  const lanes = useMemo<Lanes>(() => {
    const ids = (nodes ?? []).map((n) => n.id).filter((id) => !hiddenNodes.includes(id));
    const margin = 40;
    const step = (width - 2 * margin) / Math.max(1, ids.length);
    const x = new Map(ids.map((id, i) => [id, margin + (i + 0.5) * step]));
    const down = new Set((nodes ?? []).filter((n) => n.status !== 'running').map((n) => n.id));
    return { ids, x, down };
  }, [nodes, hiddenNodes, width]);

  useAnimationFrame((localNow) => {
    const el = canvas.current;
    const s = useStore.getState();
    if (!el || width === 0) return;
    const now = localNow + s.clockOffsetMs;
    // Following in order spacing shows every event up to the newest, even one stamped a little
    // ahead of the display clock; in time spacing the window ends at the clock.
    const endMs = !s.follow ? s.windowEndMs : spacing === 'order' ? Number.POSITIVE_INFINITY : now;
    // What the reader changed redraws at once; new events at most every REDRAW_MS.
    const key = [
      s.follow,
      s.windowEndMs,
      s.windowSpanMs,
      s.hiddenTypes.join(),
      s.selectedMsgId,
      s.highlight?.label,
      s.highlight?.msgIds.join(),
      s.marks.length,
      s.group,
      spacing,
      width,
      height,
      lanes.ids.join(),
    ].join('|');
    // In time spacing the window slides with the clock, so every frame is new.
    const sliding = spacing === 'time' && s.follow;
    const fresh = s.traceVersion !== drawnVersion.current || sliding;
    if (key === lastKey.current && (!fresh || localNow - drawnAt.current < REDRAW_MS)) return;
    drawnVersion.current = s.traceVersion;
    drawnAt.current = localNow;
    lastKey.current = key;
    const g = buildSpaceTime(s.ring, {
      spacing,
      endMs,
      spanMs: s.windowSpanMs,
      rowPx: large ? 14 : 10,
      height,
      group: s.group,
      hiddenTypes: s.hiddenTypes,
      hiddenNodes: s.hiddenNodes,
    });
    geo.current = g;
    const dpr = window.devicePixelRatio || 1;
    if (el.width !== Math.round(width * dpr)) el.width = Math.round(width * dpr);
    if (el.height !== Math.round(height * dpr)) el.height = Math.round(height * dpr);
    const ctx = el.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    paintSpaceTime({
      ctx,
      width,
      height,
      lanes,
      geo: g,
      marks: s.marks,
      selected: s.selectedMsgId,
      fontPx: large ? 16 : 12,
      highlight: s.highlight
        ? { msgIds: new Set(s.highlight.msgIds), nodes: new Set(s.highlight.nodes) }
        : null,
    });
    el.setAttribute('aria-label', `Space-time diagram, ${g.arrows.length} messages in view`);
  });

  const pick = (clientX: number, clientY: number) => {
    const el = canvas.current;
    const g = geo.current;
    if (!el || !g) return;
    const r = el.getBoundingClientRect();
    const px = clientX - r.left;
    const py = clientY - r.top;
    let best: { id: string; d: number } | null = null;
    for (const a of g.arrows) {
      const seg = arrowEnd(lanes, a);
      if (!seg) continue;
      const d = distanceToSegment(px, py, seg.x1, seg.y1, seg.x2, seg.y2);
      if (d < 8 && (!best || d < best.d)) best = { id: a.msgId, d };
    }
    selectMessage(best?.id ?? null);
  };

  const stepSelection = (delta: number) => {
    const arrows = geo.current?.arrows ?? [];
    if (arrows.length === 0) return;
    const current = arrows.findIndex((a) => a.msgId === useStore.getState().selectedMsgId);
    const next = current < 0 ? arrows.length - 1 : current + delta;
    selectMessage(arrows[Math.max(0, Math.min(arrows.length - 1, next))]?.msgId ?? null);
  };

  const onWheel = (deltaY: number) => {
    const s = useStore.getState();
    const g = geo.current;
    if (!g) return;
    const msPerPx = Math.max(1, g.bottomMs - g.topMs) / height;
    const end = (s.follow ? g.bottomMs : s.windowEndMs) + deltaY * msPerPx;
    const newest = s.ring.last?.wallMs ?? end;
    if (end >= newest) s.setFollow(true);
    else s.scrollTo(end);
  };

  return (
    <div className="spacetime">
      <SpaceTimeToolbar spacing={spacing} setSpacing={setSpacing} />
      <div className="st-body">
        <div className="st-canvas" ref={box}>
          <div className="st-lanes" aria-hidden="true">
            {lanes.ids.map((id) => (
              <span key={id} style={{ left: lanes.x.get(id) }}>
                {nodeName(id)}
              </span>
            ))}
          </div>
          <canvas
            ref={canvas}
            style={{ width, height }}
            tabIndex={0}
            role="img"
            aria-label="Space-time diagram"
            aria-describedby="st-help"
            onClick={(e) => pick(e.clientX, e.clientY)}
            onWheel={(e) => onWheel(e.deltaY)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
                e.preventDefault();
                stepSelection(e.key === 'ArrowUp' ? -1 : 1);
              }
            }}
          />
          <p id="st-help" className="sr-only">
            Use the up and down arrow keys to select messages; their fields appear beside.
          </p>
        </div>
        <MessageDetails />
      </div>
    </div>
  );
}
