import type { GroupView, NodeView } from '@raftlens/trace';
import { memo } from 'react';
import { CRASHED_STYLE, nodeName, ROLE_STYLES } from '../../model/palette.ts';
import { type CaptionSide, captionPlace, type Point } from '../../model/ringLayout.ts';
import { useStore } from '../../store/appStore.ts';

interface Props {
  node: NodeView;
  group: GroupView | undefined;
  at: Point;
  r: number;
  /** Where the caption is written, and in what size of type: the hit area goes there. */
  caption: CaptionSide;
  fontPx: number;
  /** The caption's short form: its hit area is smaller. */
  compact: boolean;
}

/** The words a screen reader says for a node, and the title a mouse user sees. */
export function nodeLabel(node: NodeView, g: GroupView | undefined): string {
  const parts = [nodeName(node.id)];
  if (node.status !== 'running') parts.push(node.status);
  if (g) {
    parts.push(ROLE_STYLES[g.role].label, `term ${g.term}`);
    const tag = membershipTag(node.id, g);
    if (tag) parts.push(tag);
    // The vote, which a crowded ring's short caption leaves out, and applied.
    if (g.vote > 0) parts.push(`voted for ${nodeName(g.vote)}`);
    parts.push(`commit ${g.commit}`, `applied ${g.applied}`);
  }
  return parts.join(', ');
}

function isLearner(id: number, g: GroupView): boolean {
  return g.confState.learners.includes(id) || g.confState.learnersNext.includes(id);
}

/** In a joint configuration: a voter of only the new half is joining, of only the old leaving. */
export function membershipTag(id: number, g: GroupView): string | null {
  if (isLearner(id, g)) return 'learner';
  const c = g.confState;
  if (c.votersOutgoing.length === 0) return null;
  const incoming = c.voters.includes(id);
  const outgoing = c.votersOutgoing.includes(id);
  if (incoming && !outgoing) return 'joining';
  if (outgoing && !incoming) return 'leaving';
  return null;
}

/** One node: a disc in its role's colour and its id; its caption is `NodeCaption`. */
export const NodeGlyph = memo(function NodeGlyph({
  node,
  group: g,
  at,
  r,
  caption,
  fontPx,
  compact,
}: Props) {
  const selected = useStore((s) => s.selectedNode === node.id);
  const evidence = useStore((s) => s.highlight?.nodes.includes(node.id) ?? false);
  const selectNode = useStore((s) => s.selectNode);
  const down = node.status !== 'running';
  const style = down || !g ? CRASHED_STYLE : ROLE_STYLES[g.role];
  const leader = !down && g?.role === 'StateLeader';
  const learner = g ? isLearner(node.id, g) : false;
  const open = () => selectNode(selected ? null : node.id);
  const hit = captionPlace({ x: 0, y: 0 }, caption, r, fontPx, compact).box;

  return (
    // biome-ignore lint/a11y/useSemanticElements: SVG has no <button>; the group takes its role
    <g
      className={`node${down ? ' down' : ''}${selected ? ' selected' : ''}${evidence ? ' evidence' : ''}`}
      transform={`translate(${at.x},${at.y})`}
      role="button"
      tabIndex={0}
      aria-label={nodeLabel(node, g)}
      aria-pressed={selected}
      data-node={node.id}
      data-role={g?.role ?? 'none'}
      data-status={node.status}
      data-term={g?.term}
      data-commit={g?.commit}
      data-last={g?.log.lastIndex}
      onClick={open}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          e.stopPropagation();
          open();
        }
      }}
    >
      <title>{nodeLabel(node, g)}</title>
      {selected && <circle r={r + 13} className="node-halo" />}
      {evidence && <circle r={r + 8} className="node-evidence" />}
      <circle
        r={r}
        fill={style.fill}
        className={`node-disc${learner ? ' learner' : ''}${leader ? ' leader' : ''}`}
      />
      {leader && <LeaderMark r={r} />}
      <text className="node-id" fill={style.ink} dy="0.35em" style={{ fontSize: r * 0.62 }}>
        {nodeName(node.id)}
      </text>
      {down && <line className="strike" x1={-r * 0.8} y1={r * 0.8} x2={r * 0.8} y2={-r * 0.8} />}
      {/* The caption itself is drawn by NodeCaption above the messages; this keeps it clickable. */}
      <rect
        className="node-text-hit"
        x={hit.x0}
        y={hit.y0}
        width={hit.x1 - hit.x0}
        height={hit.y1 - hit.y0}
      />
    </g>
  );
});

/** A small crown above the leader: the role is also written out, this is for the eye. */
function LeaderMark({ r }: { r: number }) {
  const w = r * 0.7;
  const y = -r - 6;
  const h = r * 0.36;
  const d = `M${-w / 2},${y} L${-w / 2},${y - h} L${-w / 4},${y - h * 0.55} L0,${y - h * 1.15}
    L${w / 4},${y - h * 0.55} L${w / 2},${y - h} L${w / 2},${y} Z`;
  // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a path is not focusable; the label says leader
  return <path d={d} className="leader-mark" aria-hidden="true" />;
}
