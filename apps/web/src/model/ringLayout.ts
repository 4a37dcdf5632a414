/**
 * Where things go in the cluster view: nodes evenly on a ring, each directed link as its own
 * lane (offset to the right of its direction, so a request and its response never overlap), and
 * partitions as padded hulls around their nodes.
 */

import { curveCatmullRomClosed, line, polygonHull } from 'd3';

export interface Point {
  x: number;
  y: number;
}

export interface RingLayout {
  width: number;
  height: number;
  center: Point;
  /** The ring is an ellipse, wider than tall, to use a landscape screen. */
  rx: number;
  ry: number;
  nodeR: number;
  /** The size of the captions' type, which the room around the ring is measured in. */
  fontPx: number;
  positions: Map<number, Point>;
  /**
   * Where each node's caption goes: under its disc, or beside it on the ring's outside where a
   * caption under it would run into the node below (a short, wide box with many nodes).
   */
  captions: Map<number, CaptionSide>;
  /**
   * Whether the captions are in their short form, two lines ("follower", "t3 · c42/42"), for a
   * ring too crowded for three ("follower", "term 3 · vote n2", "commit 42 · applied 42").
   */
  compact: boolean;
}

export type CaptionSide = 'below' | 'left' | 'right';

/** A caption's size, in font sizes: half its longest line's width, and its depth. */
interface CaptionSize {
  /** Half the width of its longest line ("commit 120 · applied 120", "pre-candidate"). */
  halfW: number;
  /** From its first baseline to the bottom of its last line. */
  depth: number;
  /** Half the width of its longest line as it usually is ("commit 12 · applied 12"). */
  typicalHalfW: number;
}

const FULL: CaptionSize = { halfW: 5.6, depth: 2.3, typicalHalfW: 4.6 };
const COMPACT: CaptionSize = { halfW: 3.8, depth: 1.45, typicalHalfW: 2.6 };

export function captionSize(compact: boolean): CaptionSize {
  return compact ? COMPACT : FULL;
}

/** From a caption's first baseline up to the top of its letters, in font sizes. */
const CAPTION_ASCENT = 0.8;
/** How far a caption under a disc starts below the disc's edge: the election arc is between. */
const CAPTION_GAP = 20;
/** A caption beside a disc starts this far from the disc's edge. */
const CAPTION_SIDE_GAP = 14;
/** The largest disc's radius. */
const MAX_R = 46;
/** How far a partition's outline stays from a disc's centre beyond its radius: the crown fits. */
export const HULL_PAD = 28;

/**
 * Nodes evenly on a ring (by angle, or along the ellipse where that keeps captions clear, with
 * short captions if need be). When the network is partitioned, each side's nodes sit together on
 * their own arc with an empty slot between sides, so the split reads at a glance.
 */
export function ringLayout(
  ids: readonly number[],
  width: number,
  height: number,
  partitions: readonly number[][] = [],
  fontPx = 15,
): RingLayout {
  // Nodes evenly spaced by angle and full captions where they fit. Where they do not (many
  // nodes in a short, wide box), nodes evenly spaced along the ellipse instead: the ones at its
  // ends, stacked one above another, move apart. Then the short captions, either way, whichever
  // leaves the larger discs.
  let best: RingLayout | null = null;
  let clear: RingLayout | null = null;
  for (const form of FORMS) {
    const l = arrange(ids, width, height, partitions, fontPx, form);
    if (clearance(l) >= CAPTION_AIR) {
      if (!form.compact) return l;
      if (!clear || l.nodeR > clear.nodeR) clear = l;
    }
    if (!best || clearance(l) > clearance(best)) best = l;
  }
  return clear ?? (best as RingLayout);
}

/** How the captions are written and the nodes spaced, tried in this order. */
interface Form {
  compact: boolean;
  /** Nodes evenly spaced along the ellipse rather than by angle. */
  spread: boolean;
}

const FORMS: readonly Form[] = [
  { compact: false, spread: false },
  { compact: false, spread: true },
  { compact: true, spread: false },
  { compact: true, spread: true },
];

function arrange(
  ids: readonly number[],
  width: number,
  height: number,
  partitions: readonly number[][],
  fontPx: number,
  form: Form,
): RingLayout {
  const slots = ringSlots(ids, partitions);
  const turns = slots.reduce<number>((sum, s) => sum + (s === null ? GAP_SLOTS : 1), 0) || 1;
  const angles = new Map<number, number>();
  let at = 0;
  for (const id of slots) {
    if (id === null) {
      at += GAP_SLOTS;
      continue;
    }
    angles.set(id, -Math.PI / 2 + (2 * Math.PI * at) / turns);
    at += 1;
  }
  const below = new Map([...angles.keys()].map((id) => [id, 'below' as CaptionSide]));
  const first = place(angles, turns, width, height, fontPx, form, below);
  // Where a caption under a disc would run into the node below it, smaller discs may be
  // enough: the caption starts higher and the node below begins lower. Discs are made at most
  // a fifth smaller for it; the ring itself keeps its size.
  const crowded = crowdedCaptions(first);
  if (crowded.length === 0) return first;
  for (const scale of DISC_SCALES) {
    const smaller = place(angles, turns, width, height, fontPx, form, below, first.nodeR * scale);
    if (clearance(smaller) >= CAPTION_AIR) return smaller;
  }
  // Otherwise a crowded caption may go on the ring's outside. The ring then leaves room at the
  // sides for it and is narrower, and its discs may again be made smaller: kept where the
  // captions then clear the other nodes, or, with discs of full size, where they are at least
  // clearer of them than before.
  const captions = new Map(below);
  for (const id of crowded) {
    captions.set(id, (first.positions.get(id)?.x ?? 0) < first.center.x ? 'left' : 'right');
  }
  const second = place(angles, turns, width, height, fontPx, form, captions);
  for (const scale of DISC_SCALES) {
    const smaller = place(
      angles,
      turns,
      width,
      height,
      fontPx,
      form,
      captions,
      second.nodeR * scale,
    );
    if (clearance(smaller) >= CAPTION_AIR) return smaller;
  }
  return clearance(second) > clearance(first) ? second : first;
}

/** How much smaller discs may be made, step by step, to keep captions off the nodes below. */
const DISC_SCALES = [0.96, 0.92, 0.88, 0.84, 0.8];
/** The room, in pixels, that smaller discs must leave between a caption and any other node. */
const CAPTION_AIR = 2;

function place(
  angles: Map<number, number>,
  turns: number,
  width: number,
  height: number,
  fontPx: number,
  form: Form,
  captions: Map<number, CaptionSide>,
  maxR = MAX_R,
): RingLayout {
  let l = placeAt(angles, turns, width, height, fontPx, form.compact, captions, maxR);
  if (!form.spread) return l;
  // How the nodes are spread depends on the ellipse's shape and its shape on where the nodes
  // reach: settle a few times.
  for (let k = 0; k < 3; k++) {
    const along = evenAlong(angles, l.rx / l.ry);
    l = placeAt(along, turns, width, height, fontPx, form.compact, captions, maxR);
  }
  return l;
}

/**
 * The angles (as an ellipse's parameter, from the top) at which nodes are evenly spaced along an
 * ellipse `ratio` times as wide as tall, for nodes evenly spaced by angle on a circle.
 */
function evenAlong(angles: Map<number, number>, ratio: number): Map<number, number> {
  const steps = 720;
  const length = [0];
  for (let k = 1; k <= steps; k++) {
    const a = -Math.PI / 2 + (2 * Math.PI * (k - 1)) / steps;
    const b = -Math.PI / 2 + (2 * Math.PI * k) / steps;
    const d = Math.hypot(ratio * (Math.cos(b) - Math.cos(a)), Math.sin(b) - Math.sin(a));
    length.push((length[k - 1] ?? 0) + d);
  }
  const total = length[steps] ?? 1;
  const out = new Map<number, number>();
  for (const [id, a] of angles) {
    const want = (((a + Math.PI / 2) / (2 * Math.PI)) % 1) * total;
    let k = 1;
    while (k < steps && (length[k] ?? 0) < want) k++;
    const l0 = length[k - 1] ?? 0;
    const l1 = length[k] ?? total;
    const t = l1 > l0 ? (want - l0) / (l1 - l0) : 0;
    out.set(id, -Math.PI / 2 + (2 * Math.PI * (k - 1 + t)) / steps);
  }
  return out;
}

function placeAt(
  angles: Map<number, number>,
  turns: number,
  width: number,
  height: number,
  fontPx: number,
  compact: boolean,
  captions: Map<number, CaptionSide>,
  maxR: number,
): RingLayout {
  const size = captionSize(compact);
  // Fit the ring's actual extent (five nodes reach less far down than up) into the box, with
  // room for the crown above a disc, the caption's lines below it and text beside it.
  const sin = [...angles.values()].map(Math.sin);
  const cos = [...angles.values()].map(Math.cos);
  const ySpan = Math.max(1, Math.max(...sin) - Math.min(...sin));
  const xSpan = Math.max(1, Math.max(...cos) - Math.min(...cos));
  const beside = [...captions.values()].some((c) => c !== 'below');
  const fit = (r: number) => {
    const top = r + Math.max(1.6 * fontPx, HULL_PAD + 2);
    // Full captions keep a little more room under them than they fill; short ones, on a
    // crowded ring, only what they fill.
    const bottom = compact
      ? r + CAPTION_GAP + size.depth * fontPx + 8
      : r + (2.5 + size.depth) * fontPx;
    const side = beside
      ? r + CAPTION_SIDE_GAP + 2 * size.halfW * fontPx + 12
      : Math.max(r, size.halfW * fontPx) + 12;
    let ry = Math.max(30, (height - top - bottom) / ySpan);
    // Up to three times as wide as tall: a projector's short, wide picture is used across.
    const rx = Math.max(30, Math.min((width - 2 * side) / xSpan, ry * 3));
    ry = Math.min(ry, rx);
    // The disc shrinks as neighbours get closer: a fraction of the chord between neighbours.
    const mean = (rx + ry) / 2;
    const chord = turns <= 1 ? mean : 2 * mean * Math.sin(Math.PI / turns);
    const nodeR = Math.max(18, Math.min(maxR, chord * 0.27, ry * 0.32));
    return { top, side, rx, ry, nodeR };
  };
  // The margins depend on the disc size and the disc size on the room left: settle twice.
  const { top, side, rx, ry, nodeR } = fit(fit(maxR).nodeR);
  const single = angles.size <= 1;
  const center = {
    x: single ? width / 2 : side - Math.min(...cos) * rx + (width - 2 * side - xSpan * rx) / 2,
    y: single ? height / 2 : top - Math.min(...sin) * ry,
  };
  const positions = new Map<number, Point>();
  for (const [id, a] of angles) {
    const k = single ? 0 : 1;
    positions.set(id, { x: center.x + k * rx * Math.cos(a), y: center.y + k * ry * Math.sin(a) });
  }
  return { width, height, center, rx, ry, nodeR, fontPx, positions, captions, compact };
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Where a node's caption is written: the first line's baseline, the anchor of its lines, and the
 * box its letters fill (estimated from the font size, for the layout and the partition outline).
 */
export function captionPlace(
  p: Point,
  side: CaptionSide,
  r: number,
  fontPx: number,
  compact = false,
): { x: number; y: number; anchor: 'start' | 'middle' | 'end'; box: Box } {
  const { halfW, depth } = captionSize(compact);
  const w = 2 * halfW * fontPx;
  if (side === 'below') {
    const y = p.y + r + CAPTION_GAP;
    const box = {
      x0: p.x - w / 2,
      x1: p.x + w / 2,
      y0: y - CAPTION_ASCENT * fontPx,
      y1: y + depth * fontPx,
    };
    return { x: p.x, y, anchor: 'middle', box };
  }
  // Beside the disc, the lines centred on it.
  const y = p.y - ((depth - CAPTION_ASCENT) / 2) * fontPx;
  const y0 = y - CAPTION_ASCENT * fontPx;
  const y1 = y + depth * fontPx;
  if (side === 'right') {
    const x = p.x + r + CAPTION_SIDE_GAP;
    return { x, y, anchor: 'start', box: { x0: x, x1: x + w, y0, y1 } };
  }
  const x = p.x - r - CAPTION_SIDE_GAP;
  return { x, y, anchor: 'end', box: { x0: x - w, x1: x, y0, y1 } };
}

/** Room around a disc that captions keep clear of: the election arc and a little air. */
const DISC_CLEAR = 10;
/** The leader's crown (`LeaderMark`), in disc radii: half its width, its tip above the centre. */
const CROWN_HALF_W = 0.35;
const CROWN_TOP = 1 + 0.36 * 1.15;
const CROWN_LIFT = 6;

/**
 * How far a caption's box stays from another node: from its disc with the election arc, and
 * from the crown it wears above the disc when it leads (any node may). Negative where it is in.
 */
function roomToNode(box: Box, q: Point, r: number): number {
  const disc = boxToPoint(box, q) - r - DISC_CLEAR;
  const crown = {
    x0: q.x - CROWN_HALF_W * r,
    x1: q.x + CROWN_HALF_W * r,
    y0: q.y - CROWN_TOP * r - CROWN_LIFT,
    y1: q.y - r,
  };
  const dx = Math.max(box.x0 - crown.x1, crown.x0 - box.x1);
  const dy = Math.max(box.y0 - crown.y1, crown.y0 - box.y1);
  return Math.min(disc, dx < 0 && dy < 0 ? Math.max(dx, dy) : Math.max(dx, dy, 0));
}

/** The nodes whose caption, under the disc, would touch another node (disc, arc or crown). */
function crowdedCaptions(l: RingLayout): number[] {
  const crowded: number[] = [];
  for (const [id, p] of l.positions) {
    const { box } = captionPlace(p, 'below', l.nodeR, l.fontPx, l.compact);
    for (const [other, q] of l.positions) {
      if (other !== id && roomToNode(box, q, l.nodeR) < 0) {
        crowded.push(id);
        break;
      }
    }
  }
  return crowded;
}

/**
 * How far the captions stay from other nodes' discs (with their arcs and crowns) and from each
 * other at the closest, in pixels; negative where they overlap.
 */
export function clearance(l: RingLayout): number {
  const boxes = [...l.positions].map(([id, p]) => ({
    id,
    box: captionPlace(p, l.captions.get(id) ?? 'below', l.nodeR, l.fontPx, l.compact).box,
  }));
  let least = Number.POSITIVE_INFINITY;
  for (const a of boxes) {
    for (const [id, q] of l.positions) {
      if (id !== a.id) least = Math.min(least, roomToNode(a.box, q, l.nodeR));
    }
    for (const b of boxes) {
      if (b.id <= a.id) continue;
      const dx = Math.max(a.box.x0, b.box.x0) - Math.min(a.box.x1, b.box.x1);
      const dy = Math.max(a.box.y0, b.box.y0) - Math.min(a.box.y1, b.box.y1);
      least = Math.min(least, dx < 0 && dy < 0 ? Math.max(dx, dy) : Math.max(dx, dy, 0));
    }
  }
  return least;
}

/**
 * The boxes the layout's captions usually fill, computed once per layout: a moving message's
 * label asks them every frame. The layout keeps room for longer numbers, but a label beside a
 * short caption is not under it.
 */
const captionBoxCache = new WeakMap<RingLayout, Box[]>();

export function captionBoxes(l: RingLayout): Box[] {
  let boxes = captionBoxCache.get(l);
  if (!boxes) {
    const w = 2 * captionSize(l.compact).typicalHalfW * l.fontPx;
    boxes = [...l.positions].map(([id, p]) => {
      const side = l.captions.get(id) ?? 'below';
      const { x, box } = captionPlace(p, side, l.nodeR, l.fontPx, l.compact);
      if (side === 'right') return { ...box, x1: x + w };
      if (side === 'left') return { ...box, x0: x - w };
      return { ...box, x0: x - w / 2, x1: x + w / 2 };
    });
    captionBoxCache.set(l, boxes);
  }
  return boxes;
}

/** A message label's size, in font sizes of the ring: 0.75 em type, bold, centred on its point. */
const LABEL_CHAR_W = 0.47;
const LABEL_HALF_H = 0.45;

/**
 * Whether a message's label, centred at (x, y), would run under a node's caption. The caption
 * is drawn above the moving messages, so such a label shows only in pieces ("HBRe" beside
 * "leader"): better not drawn at all there.
 */
export function labelUnderCaption(l: RingLayout, x: number, y: number, text: string): boolean {
  const hw = (text.length * LABEL_CHAR_W * l.fontPx) / 2;
  const hh = LABEL_HALF_H * l.fontPx;
  for (const b of captionBoxes(l)) {
    if (x + hw > b.x0 && x - hw < b.x1 && y + hh > b.y0 && y - hh < b.y1) return true;
  }
  return false;
}

function boxToPoint(b: Box, q: Point): number {
  return Math.hypot(Math.max(b.x0 - q.x, 0, q.x - b.x1), Math.max(b.y0 - q.y, 0, q.y - b.y1));
}

/** How much of the ring the gap between two partition sides takes, in node slots. */
const GAP_SLOTS = 0.7;

/** The ring's slots in order: node ids, with null for the gap between partition sides. */
export function ringSlots(
  ids: readonly number[],
  partitions: readonly number[][],
): Array<number | null> {
  const sides = partitions
    .map((side) => ids.filter((id) => side.includes(id)))
    .filter((side) => side.length > 0);
  if (sides.length < 2) return [...ids];
  const placed = new Set(sides.flat());
  const rest = ids.filter((id) => !placed.has(id));
  const slots: Array<number | null> = [];
  for (const side of [...sides, ...(rest.length ? [rest] : [])]) slots.push(...side, null);
  return slots;
}

export interface Lane {
  start: Point;
  end: Point;
}

/** The lane a message from `a` to `b` travels, between the two discs' edges. */
export function lane(a: Point, b: Point, nodeR: number, offset = 6): Lane {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  // Right-hand normal of the direction of travel.
  const px = -uy * offset;
  const py = ux * offset;
  const gap = nodeR + 6;
  return {
    start: { x: a.x + ux * gap + px, y: a.y + uy * gap + py },
    end: { x: b.x - ux * gap + px, y: b.y - uy * gap + py },
  };
}

export function along(l: Lane, t: number): Point {
  return { x: l.start.x + (l.end.x - l.start.x) * t, y: l.start.y + (l.end.y - l.start.y) * t };
}

/** A circle for the partition outline to go around. */
export interface Round extends Point {
  r: number;
}

/** A smooth closed outline around circles (a side's discs, the corners of their captions). */
export function hullPath(rounds: readonly Round[]): string {
  const ring: Array<[number, number]> = [];
  for (const p of rounds) {
    for (let k = 0; k < 16; k++) {
      const a = (2 * Math.PI * k) / 16;
      ring.push([p.x + p.r * Math.cos(a), p.y + p.r * Math.sin(a)]);
    }
  }
  const hull = polygonHull(ring);
  if (!hull) return '';
  return line().curve(curveCatmullRomClosed.alpha(0.5))(hull) ?? '';
}
