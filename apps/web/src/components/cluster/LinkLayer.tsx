import type { ClusterSnapshot } from '@raftlens/trace';
import { memo } from 'react';
import { partitioned, ruleOn, ruleSummary } from '../../model/linkRules.ts';
import { nodeName } from '../../model/palette.ts';
import { along, labelUnderCaption, lane, type RingLayout } from '../../model/ringLayout.ts';
import { useStore } from '../../store/appStore.ts';

/**
 * Where along its link a rule's badge may go, the first clear of node captions: past the held
 * tokens (which queue from halfway back toward the sender) or else behind them.
 */
const RULE_AT = [0.74, 0.26];

interface Props {
  layout: RingLayout;
  ids: readonly number[];
  snapshot: ClusterSnapshot;
}

/**
 * Every pair of nodes as one clickable link. A link cut by the partition is dashed; a rule on
 * either direction shows as a badge on that direction's side of the link.
 */
export const LinkLayer = memo(function LinkLayer({ layout, ids, snapshot }: Props) {
  const selected = useStore((s) => s.selectedLink);
  const selectLink = useStore((s) => s.selectLink);
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) pairs.push([ids[i] as number, ids[j] as number]);
  }
  return (
    <g className="links">
      {pairs.map(([a, b]) => {
        const pa = layout.positions.get(a);
        const pb = layout.positions.get(b);
        if (!pa || !pb) return null;
        const cut = partitioned(snapshot.partitions, a, b);
        const isSelected =
          selected != null &&
          ((selected.from === a && selected.to === b) ||
            (selected.from === b && selected.to === a));
        const ruled = ruleOn(snapshot.links, a, b) || ruleOn(snapshot.links, b, a);
        const open = () => selectLink(isSelected ? null : { from: a, to: b });
        return (
          // biome-ignore lint/a11y/useSemanticElements: SVG has no <button>; the group takes its role
          <g
            key={`${a}-${b}`}
            className={`link${cut ? ' cut' : ''}${isSelected ? ' selected' : ''}${ruled ? ' ruled' : ''}`}
            role="button"
            tabIndex={0}
            aria-label={`link ${nodeName(a)} – ${nodeName(b)}${cut ? ', cut by partition' : ''}`}
            aria-pressed={isSelected}
            onClick={open}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                open();
              }
            }}
          >
            <line x1={pa.x} y1={pa.y} x2={pb.x} y2={pb.y} className="link-line" />
            <line x1={pa.x} y1={pa.y} x2={pb.x} y2={pb.y} className="link-hit" />
          </g>
        );
      })}
      {snapshot.links.map((l) => {
        const pa = layout.positions.get(l.from);
        const pb = layout.positions.get(l.to);
        if (!pa || !pb) return null;
        // Beside the link on its own direction's side, past the point where held tokens park,
        // or behind them where it would run under the receiver's caption.
        const text = `${nodeName(l.from)}→${nodeName(l.to)}: ${ruleSummary(l.rule)}`;
        const beside = lane(pa, pb, layout.nodeR, 24);
        const at =
          RULE_AT.map((t) => along(beside, t)).find(
            (p) => !labelUnderCaption(layout, p.x, p.y, text),
          ) ?? along(beside, RULE_AT[0] ?? 0.74);
        return (
          <g
            key={`rule-${l.from}-${l.to}`}
            className="rule-badge"
            transform={`translate(${at.x},${at.y})`}
          >
            <text dy="0.35em">{text}</text>
          </g>
        );
      })}
    </g>
  );
});
