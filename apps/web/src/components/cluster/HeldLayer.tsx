import type { HeldMessageView } from '@raftlens/trace';
import { memo } from 'react';
import { HOLD_AT } from '../../model/flights.ts';
import { entriesWord, messageStyle, nodeName } from '../../model/palette.ts';
import { along, lane, type Point, type RingLayout } from '../../model/ringLayout.ts';
import { useStore } from '../../store/appStore.ts';

interface Props {
  layout: RingLayout;
  held: readonly HeldMessageView[];
  group: number;
}

const TOKENS_PER_LINK = 3;

/** Held messages parked on their link, each a "paused" token in its type's colour. */
export const HeldLayer = memo(function HeldLayer({ layout, held, group }: Props) {
  const selectLink = useStore((s) => s.selectLink);
  const mine = held.filter((h) => h.group === group);
  const seen = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const h of mine) counts.set(`${h.from}-${h.to}`, (counts.get(`${h.from}-${h.to}`) ?? 0) + 1);
  const labelled = counts.size <= 6;
  return (
    <g className="held-layer">
      {mine.map((h) => {
        const pa = layout.positions.get(h.from);
        const pb = layout.positions.get(h.to);
        if (!pa || !pb) return null;
        const key = `${h.from}-${h.to}`;
        const k = seen.get(key) ?? 0;
        seen.set(key, k + 1);
        // A few tokens per link show that messages queue; the label says how many.
        if (k >= TOKENS_PER_LINK) return null;
        const p = along(lane(pa, pb, layout.nodeR), HOLD_AT - k * 0.06);
        const label = heldLabelPlace(pa, pb);
        const style = messageStyle(h.type);
        const name = `${h.type} ${nodeName(h.from)} → ${nodeName(h.to)}, held`;
        return (
          // biome-ignore lint/a11y/useSemanticElements: SVG has no <button>; the group takes its role
          <g
            key={h.msgId}
            className="held"
            transform={`translate(${p.x},${p.y})`}
            role="button"
            tabIndex={0}
            aria-label={name}
            onClick={() => selectLink({ from: h.from, to: h.to })}
            onKeyDown={(e) => {
              if (e.key === 'Enter') selectLink({ from: h.from, to: h.to });
            }}
          >
            <title>{`${name} (term ${h.term}, index ${h.index}, ${entriesWord(h.entries)})`}</title>
            <rect x={-11} y={-11} width={22} height={22} rx={5} fill={style.colour} />
            <rect x={-5} y={-6} width={3.5} height={12} fill="#fff" />
            <rect x={1.5} y={-6} width={3.5} height={12} fill="#fff" />
            {labelled && k === 0 && (
              <text
                x={label.x}
                y={label.y}
                dy="0.35em"
                textAnchor={label.anchor}
                className="held-label"
              >
                {style.short} held{(counts.get(key) ?? 1) > 1 ? ` ×${counts.get(key)}` : ''}
              </text>
            )}
          </g>
        );
      })}
    </g>
  );
});

/**
 * Where a link's "App held ×7" goes, from its first token. The other tokens queue behind it,
 * toward the sender; the label goes ahead of it, toward the receiver, so it never runs over
 * them (to the token's right it did, on a link running right to left). Beside a link that runs
 * up or down, the queue is above or below, and the label to the right is clear of it.
 */
function heldLabelPlace(a: Point, b: Point): { x: number; y: number; anchor: 'start' | 'end' } {
  const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  const ux = (b.x - a.x) / len;
  const uy = (b.y - a.y) / len;
  if (Math.abs(ux) < 0.3) return { x: 15, y: 0, anchor: 'start' };
  return { x: ux * 15, y: uy * 15, anchor: ux < 0 ? 'end' : 'start' };
}
