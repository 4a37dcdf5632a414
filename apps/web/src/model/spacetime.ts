/**
 * The geometry of the space-time diagram: which messages and state changes fall in the window,
 * and at what height. Two spacings: by time (wall clock, honest about waiting) and by order
 * (every event one row, so a burst that happened within a millisecond is still readable).
 */

import type { NetEvent, TraceEvent } from '@raftlens/trace';
import type { TraceRing } from './ring.ts';

export type Spacing = 'time' | 'order';
export type ArrowFate = 'delivered' | 'dropped' | 'held' | 'flying';

export interface StArrow {
  msgId: string;
  type: string;
  from: number;
  to: number;
  y1: number;
  y2: number;
  fate: ArrowFate;
}

export interface StMark {
  node: number;
  y: number;
  label: string;
  kind: 'leader' | 'candidate' | 'follower' | 'precandidate';
}

export interface StWindow {
  spacing: Spacing;
  /** The window ends at this wall time (display clock). */
  endMs: number;
  /** Time mode: the span shown. */
  spanMs: number;
  /** Order mode: height of one event row. */
  rowPx: number;
  height: number;
  group: number;
  hiddenTypes: readonly string[];
  hiddenNodes: readonly number[];
}

export interface StGeometry {
  arrows: StArrow[];
  marks: StMark[];
  /** Maps a wall time to a height, for drawing timeline marks; null outside the window. */
  yOfWall(wallMs: number): number | null;
  /** The wall times at the top and bottom of the window. */
  topMs: number;
  bottomMs: number;
}

const NET_SHOWN = new Set(['Send', 'Deliver', 'Drop', 'Hold']);
const TERMINAL = new Set(['Deliver', 'Drop']);

export function buildSpaceTime(ring: TraceRing, w: StWindow): StGeometry {
  const pad = 8;
  const wanted = (e: TraceEvent): boolean => {
    if (e.group !== w.group) return false;
    if (e.kind === 'state') return e.name.startsWith('Become') && !w.hiddenNodes.includes(e.node);
    if (e.kind !== 'net' || !NET_SHOWN.has(e.name)) return false;
    if (w.hiddenTypes.includes(e.msg.type)) return false;
    return !w.hiddenNodes.includes(e.msg.from) && !w.hiddenNodes.includes(e.msg.to);
  };

  const endIdx = ring.lowerBoundWall(w.endMs + 1) - 1;
  const picked: TraceEvent[] = [];
  let topMs = w.endMs - w.spanMs;
  if (w.spacing === 'order') {
    const rows = Math.max(1, Math.floor((w.height - 2 * pad) / w.rowPx));
    for (let i = endIdx; i >= 0 && picked.length < rows; i--) {
      const e = ring.at(i);
      if (e && wanted(e)) picked.push(e);
    }
    topMs = picked.at(-1)?.wallMs ?? w.endMs;
  } else {
    for (let i = endIdx; i >= 0; i--) {
      const e = ring.at(i);
      if (!e || e.wallMs < topMs) break;
      if (wanted(e)) picked.push(e);
    }
  }
  picked.reverse();

  const ySeq = new Map<number, number>();
  const ySpan = w.height - 2 * pad;
  const yTime = (ms: number) => pad + ((ms - topMs) / Math.max(1, w.endMs - topMs)) * ySpan;
  picked.forEach((e, k) => {
    const y = w.spacing === 'order' ? pad + k * w.rowPx : yTime(e.wallMs);
    ySeq.set(e.seq, y);
  });
  const lastSeq = picked.at(-1)?.seq ?? 0;
  const bottom = w.height + 4;
  const top = -4;

  const arrows: StArrow[] = [];
  const marks: StMark[] = [];
  const drawn = new Set<string>();
  for (const e of picked) {
    if (e.kind === 'state') {
      marks.push({ node: e.node, y: ySeq.get(e.seq) ?? 0, ...stateMark(e.name, e.term) });
      continue;
    }
    if (e.kind !== 'net' || drawn.has(e.msgId)) continue;
    drawn.add(e.msgId);
    arrows.push(arrowFor(ring.messageEvents(e.msgId), e, ySeq, lastSeq, top, bottom));
  }

  const yOfWall = (ms: number): number | null => {
    if (ms < topMs || ms > w.endMs) return null;
    if (w.spacing === 'time') return yTime(ms);
    const after = picked.find((e) => e.wallMs >= ms);
    const y = after ? ySeq.get(after.seq) : undefined;
    return y === undefined ? null : y - w.rowPx / 2;
  };
  const bottomMs = Number.isFinite(w.endMs) ? w.endMs : (picked.at(-1)?.wallMs ?? 0);
  return { arrows, marks, yOfWall, topMs: Math.min(topMs, bottomMs), bottomMs };
}

function arrowFor(
  life: readonly NetEvent[],
  first: NetEvent,
  ySeq: Map<number, number>,
  lastSeq: number,
  top: number,
  bottom: number,
): StArrow {
  const send = life.find((x) => x.name === 'Send');
  const end = life.find((x) => TERMINAL.has(x.name));
  const held = life.some((x) => x.name === 'Hold') && !life.some((x) => x.name === 'Release');
  const y1 = send ? (ySeq.get(send.seq) ?? (send.seq > lastSeq ? bottom : top)) : top;
  let y2 = bottom;
  let fate: ArrowFate = held ? 'held' : 'flying';
  if (end) {
    fate = end.name === 'Drop' ? 'dropped' : 'delivered';
    y2 = ySeq.get(end.seq) ?? (end.seq > lastSeq ? bottom : top);
  }
  const m = first.msg;
  return { msgId: first.msgId, type: m.type, from: m.from, to: m.to, y1, y2, fate };
}

function stateMark(name: string, term: number): Pick<StMark, 'label' | 'kind'> {
  switch (name) {
    case 'BecomeLeader':
      return { label: `leader t${term}`, kind: 'leader' };
    case 'BecomeCandidate':
      return { label: `candidate t${term}`, kind: 'candidate' };
    case 'BecomePreCandidate':
      return { label: `pre-vote t${term}`, kind: 'precandidate' };
    default:
      return { label: `follower t${term}`, kind: 'follower' };
  }
}

/** Distance from a point to a segment, for picking the arrow under the pointer. */
export function distanceToSegment(
  px: number,
  py: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / len2));
  return Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
}
