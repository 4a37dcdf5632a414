import type { GroupView, NodeView } from '@raftlens/trace';
import { memo } from 'react';
import { CRASHED_STYLE, nodeName, ROLE_STYLES } from '../../model/palette.ts';
import { type CaptionSide, captionPlace, type Point } from '../../model/ringLayout.ts';
import { membershipTag } from './NodeGlyph.tsx';

/** A replayed trace marks what it does not record as -1: drawn as a dash, never as a number. */
const known = (n: number) => (n < 0 ? '–' : n);

interface Props {
  node: NodeView;
  group: GroupView | undefined;
  at: Point;
  r: number;
  /** Under the disc, or beside it on the ring's outside. */
  side: CaptionSide;
  fontPx: number;
  /**
   * On a crowded ring, two short lines: the role, then "t3 · c42/42" (term, commit/applied).
   * The vote is left out; the node's label and its card still say it.
   */
  compact: boolean;
}

/**
 * A node's role, term, vote and commit/applied, written under its disc (or beside it). Captions live in their
 * own layer above the moving messages, so a dot or its label passing by never covers them; the
 * node's own group keeps an invisible hit area in their place, and says the same in its label.
 */
export const NodeCaption = memo(function NodeCaption({
  node,
  group: g,
  at,
  r,
  side,
  fontPx,
  compact,
}: Props) {
  const down = node.status !== 'running';
  const style = down || !g ? CRASHED_STYLE : ROLE_STYLES[g.role];
  const tag = g ? membershipTag(node.id, g) : null;
  const place = captionPlace(at, side, r, fontPx, compact);
  return (
    <g
      className="node-text"
      data-caption={node.id}
      data-side={side}
      transform={`translate(${place.x},${place.y})`}
      textAnchor={place.anchor}
    >
      <text className="node-role" fill={down ? '#4b5563' : style.fill}>
        {down ? node.status : style.label}
        {tag ? ` · ${tag}` : ''}
      </text>
      {g && compact && (
        <text y="1.25em" className="node-detail">
          t{known(g.term)} · c{known(g.commit)}/{known(g.applied)}
        </text>
      )}
      {g && !compact && (
        <>
          <text y="1.25em" className="node-detail">
            term {known(g.term)} · vote {g.vote > 0 ? nodeName(g.vote) : '–'}
          </text>
          <text y="2.4em" className="node-detail">
            commit {known(g.commit)} · applied {known(g.applied)}
          </text>
        </>
      )}
    </g>
  );
});
