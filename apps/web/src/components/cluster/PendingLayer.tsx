import type { HeldMessageView } from '@raftlens/trace';
import { memo } from 'react';
import { WAIT_AT } from '../../model/flights.ts';
import { messageStyle, nodeName } from '../../model/palette.ts';
import { along, lane, type RingLayout } from '../../model/ringLayout.ts';

interface Props {
  layout: RingLayout;
  pending: readonly HeldMessageView[] | undefined;
  group: number;
}

/** How many queued messages carry their place in line; the rest are plain dots. */
const NUMBERED = 9;

/**
 * While paused, the messages waiting in their receivers' inboxes, numbered in the order the
 * steps will deliver them: "Step message" delivers number 1.
 */
export const PendingLayer = memo(function PendingLayer({ layout, pending, group }: Props) {
  const mine = (pending ?? []).filter((p) => p.group === group);
  if (mine.length === 0) return null;
  const seen = new Map<string, number>();
  return (
    <g className="pending-layer">
      {mine.map((p, order) => {
        const a = layout.positions.get(p.from);
        const b = layout.positions.get(p.to);
        if (!a || !b) return null;
        const key = `${p.from}>${p.to}`;
        const k = seen.get(key) ?? 0;
        seen.set(key, k + 1);
        if (k >= 3) return null;
        const at = along(lane(a, b, layout.nodeR), WAIT_AT - k * 0.07);
        const style = messageStyle(p.type);
        const next = order === 0;
        return (
          <g
            key={p.msgId}
            className={`pending${next ? ' next' : ''}`}
            transform={`translate(${at.x},${at.y})`}
          >
            <title>
              {`${order + 1}. ${p.type} ${nodeName(p.from)} → ${nodeName(p.to)}, ` +
                'waiting for a step'}
            </title>
            {next && <circle r={13} className="pending-next" />}
            <circle
              r={8}
              fill={style.hollow ? '#ffffff' : style.colour}
              stroke={style.colour}
              strokeWidth={2.5}
            />
            {order < NUMBERED && (
              <text className="pending-order" x={11} y={-9}>
                {order + 1}
              </text>
            )}
          </g>
        );
      })}
    </g>
  );
});
