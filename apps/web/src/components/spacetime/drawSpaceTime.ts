/**
 * Paints the space-time diagram on a canvas: lanes, state changes, message arrows and timeline
 * marks. Canvas because a busy minute is thousands of arrows, which SVG would not keep smooth.
 */

import { messageStyle, nodeName, ROLE_STYLES } from '../../model/palette.ts';
import type { StArrow, StGeometry } from '../../model/spacetime.ts';
import type { TimelineMark } from '../../store/timelineSlice.ts';

export interface Lanes {
  ids: number[];
  x: Map<number, number>;
  down: Set<number>;
}

export interface PaintInput {
  ctx: CanvasRenderingContext2D;
  width: number;
  height: number;
  lanes: Lanes;
  geo: StGeometry;
  marks: readonly TimelineMark[];
  selected: string | null;
  fontPx: number;
  /** Evidence to point at: messages get a halo, nodes an amber lane. */
  highlight?: { msgIds: ReadonlySet<string>; nodes: ReadonlySet<number> } | null;
}

/** Highlighter yellow: every view marks evidence with it (selection is amber). */
export const HIGHLIGHT_COLOUR = '#facc15';

const MARK_COLOURS = {
  leader: ROLE_STYLES.StateLeader.fill,
  candidate: ROLE_STYLES.StateCandidate.fill,
  precandidate: ROLE_STYLES.StatePreCandidate.fill,
  follower: ROLE_STYLES.StateFollower.fill,
};

export function paintSpaceTime(p: PaintInput): void {
  const { ctx, width, height, lanes, geo, fontPx } = p;
  ctx.clearRect(0, 0, width, height);
  ctx.font = `${fontPx}px system-ui, sans-serif`;

  for (const mark of p.marks) {
    const y = geo.yOfWall(mark.wallMs);
    if (y === null) continue;
    ctx.strokeStyle = mark.kind === 'gap' ? '#dc2626' : '#94a3b8';
    ctx.setLineDash([4, 4]);
    ctx.beginPath();
    ctx.moveTo(0, y);
    ctx.lineTo(width, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = mark.kind === 'gap' ? '#b91c1c' : '#475569';
    ctx.fillText(mark.label, 4, y - 3);
  }

  for (const id of lanes.ids) {
    const x = lanes.x.get(id) ?? 0;
    const lit = p.highlight?.nodes.has(id) ?? false;
    ctx.strokeStyle = lit ? HIGHLIGHT_COLOUR : lanes.down.has(id) ? '#d1d5db' : '#cbd5e1';
    ctx.lineWidth = lit ? 4 : 2;
    ctx.setLineDash(lanes.down.has(id) ? [6, 6] : []);
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, height);
    ctx.stroke();
  }
  ctx.setLineDash([]);

  const lit = p.highlight?.msgIds;
  if (lit && lit.size > 0) {
    for (const a of geo.arrows) if (lit.has(a.msgId)) halo(ctx, lanes, a);
  }
  let selectedArrow: StArrow | undefined;
  for (const a of geo.arrows) {
    if (a.msgId === p.selected) selectedArrow = a;
    else paintArrow(ctx, lanes, a, false);
  }
  if (selectedArrow) {
    paintArrow(ctx, lanes, selectedArrow, true);
    labelArrow(ctx, lanes, selectedArrow, width, fontPx);
  }

  for (const m of geo.marks) {
    const x = lanes.x.get(m.node);
    if (x === undefined) continue;
    ctx.fillStyle = MARK_COLOURS[m.kind];
    ctx.beginPath();
    ctx.arc(x, m.y, m.kind === 'leader' ? 6 : 4.5, 0, 2 * Math.PI);
    ctx.fill();
    if (m.kind !== 'follower') {
      ctx.fillText(m.label, x + 8, m.y + fontPx * 0.35);
    }
  }
}

/** The lane x of each end; a message is drawn from sender lane to receiver lane. */
function ends(lanes: Lanes, a: StArrow) {
  const x1 = lanes.x.get(a.from);
  const x2 = lanes.x.get(a.to);
  if (x1 === undefined || x2 === undefined) return null;
  return { x1, x2 };
}

export function arrowEnd(lanes: Lanes, a: StArrow) {
  const e = ends(lanes, a);
  if (!e) return null;
  if (a.fate !== 'dropped') return { x1: e.x1, y1: a.y1, x2: e.x2, y2: a.y2 };
  // A drop is a short stub from its sender toward where it was going, ending in a cross, so
  // it never seems to land in a lane between.
  const dx = e.x2 - e.x1;
  const reach = Math.min(Math.abs(dx) * 0.4, 56) * Math.sign(dx);
  return { x1: e.x1, y1: a.y1, x2: e.x1 + reach, y2: a.y1 + (a.y2 - a.y1) * 0.3 + 3 };
}

/** A wide amber band under an arrow that is evidence, so it stands out among hundreds. */
function halo(ctx: CanvasRenderingContext2D, lanes: Lanes, a: StArrow) {
  const seg = arrowEnd(lanes, a);
  if (!seg) return;
  ctx.strokeStyle = HIGHLIGHT_COLOUR;
  ctx.globalAlpha = 0.55;
  ctx.lineWidth = 10;
  ctx.lineCap = 'round';
  ctx.beginPath();
  ctx.moveTo(seg.x1, seg.y1);
  ctx.lineTo(seg.x2, seg.y2);
  ctx.stroke();
  ctx.lineCap = 'butt';
  ctx.globalAlpha = 1;
}

function paintArrow(ctx: CanvasRenderingContext2D, lanes: Lanes, a: StArrow, selected: boolean) {
  const seg = arrowEnd(lanes, a);
  if (!seg) return;
  const style = messageStyle(a.type);
  ctx.strokeStyle = style.colour;
  ctx.fillStyle = style.colour;
  ctx.lineWidth = selected ? 3.5 : 1.6;
  ctx.globalAlpha = selected ? 1 : 0.85;
  ctx.setLineDash(a.fate === 'held' || a.fate === 'flying' ? [5, 4] : style.hollow ? [2, 2] : []);
  ctx.beginPath();
  ctx.moveTo(seg.x1, seg.y1);
  ctx.lineTo(seg.x2, seg.y2);
  ctx.stroke();
  ctx.setLineDash([]);
  if (a.fate === 'dropped') {
    cross(ctx, seg.x2, seg.y2);
    ctx.fillStyle = '#b91c1c';
    ctx.fillText(`→${nodeName(a.to)}`, seg.x2 + (seg.x2 > seg.x1 ? 7 : -34), seg.y2 + 4);
  } else if (a.fate === 'delivered') head(ctx, seg.x1, seg.y1, seg.x2, seg.y2, style.hollow);
  ctx.globalAlpha = 1;
}

/** The selected message's name beside its arrow head, on a white plate, kept inside the canvas. */
function labelArrow(
  ctx: CanvasRenderingContext2D,
  lanes: Lanes,
  a: StArrow,
  width: number,
  fontPx: number,
) {
  const seg = arrowEnd(lanes, a);
  if (!seg) return;
  const text = `${a.type} ${nodeName(a.from)}→${nodeName(a.to)}`;
  const w = ctx.measureText(text).width;
  const x = seg.x2 + 8 + w > width ? seg.x2 - w - 10 : seg.x2 + 8;
  const y = seg.y2 - fontPx * 0.9;
  ctx.fillStyle = 'rgba(255, 255, 255, 0.92)';
  ctx.fillRect(x - 3, y - 2, w + 6, fontPx + 6);
  ctx.fillStyle = '#111827';
  ctx.fillText(text, x, y + fontPx);
}

function head(
  ctx: CanvasRenderingContext2D,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  hollow: boolean,
) {
  const angle = Math.atan2(y2 - y1, x2 - x1);
  const size = 8;
  ctx.beginPath();
  ctx.moveTo(x2, y2);
  ctx.lineTo(x2 - size * Math.cos(angle - 0.4), y2 - size * Math.sin(angle - 0.4));
  ctx.lineTo(x2 - size * Math.cos(angle + 0.4), y2 - size * Math.sin(angle + 0.4));
  ctx.closePath();
  if (hollow) {
    ctx.fillStyle = '#ffffff';
    ctx.fill();
    ctx.stroke();
  } else {
    ctx.fill();
  }
}

function cross(ctx: CanvasRenderingContext2D, x: number, y: number) {
  ctx.strokeStyle = '#dc2626';
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  ctx.moveTo(x - 5, y - 5);
  ctx.lineTo(x + 5, y + 5);
  ctx.moveTo(x - 5, y + 5);
  ctx.lineTo(x + 5, y - 5);
  ctx.stroke();
}
