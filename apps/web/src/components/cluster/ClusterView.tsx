/**
 * The cluster as a ring of nodes with the messages between them. D3 computes the layout; React
 * draws the nodes, links, partitions and held messages; two D3-owned layers animate the moving
 * messages and the election timers every frame; the nodes' captions are drawn above all of it.
 */

import { useEffect, useMemo, useRef } from 'react';
import { useElementSize } from '../../hooks/useElementSize.ts';
import { selectSnapshot, useThrottledStore } from '../../hooks/useThrottledStore.ts';
import { useTweenedLayout } from '../../hooks/useTweenedLayout.ts';
import { ringLayout } from '../../model/ringLayout.ts';
import { useStore } from '../../store/appStore.ts';
import { nodeGroups } from '../../store/selectors.ts';
import { HeldLayer } from './HeldLayer.tsx';
import { LinkLayer } from './LinkLayer.tsx';
import { MessageLayer } from './MessageLayer.tsx';
import { NodeCaption } from './NodeCaption.tsx';
import { NodeGlyph } from './NodeGlyph.tsx';
import { PartitionLabels, PartitionLayer } from './PartitionLayer.tsx';
import { PendingLayer } from './PendingLayer.tsx';
import { TimerLayer } from './TimerLayer.tsx';

export function ClusterView() {
  const box = useRef<HTMLDivElement>(null);
  const { width, height } = useElementSize(box);
  // Nodes, links and captions redraw at most 20 times a second: their numbers cannot be read
  // faster, and under load redrawing them every frame cost more than the moving messages, which
  // keep their own per-frame layer.
  const snapshot = useThrottledStore(selectSnapshot, 50);
  const group = useStore((s) => s.group);
  const items = useMemo(() => nodeGroups(snapshot, group), [snapshot, group]);
  const ids = useMemo(() => items.map((it) => it.node.id), [items]);
  const partitions = snapshot?.partitions;
  const fontPx = useStore((s) => (s.largeType ? 20 : 15));
  const shapeKey = `${ids.join(',')}|${JSON.stringify(partitions ?? [])}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key stands for ids and partitions
  const target = useMemo(
    () => ringLayout(ids, width, height, partitions, fontPx),
    [shapeKey, width, height, fontPx],
  );
  const layout = useTweenedLayout(target);
  const setShortCaptions = useStore((s) => s.setShortCaptions);
  useEffect(() => setShortCaptions(target.compact), [target.compact, setShortCaptions]);

  return (
    <div className="cluster-view" ref={box}>
      {snapshot && width > 0 && (
        // biome-ignore lint/a11y/useSemanticElements: an SVG drawing cannot be a fieldset
        <svg
          width={width}
          height={height}
          role="group"
          aria-label={`Cluster ${snapshot.cluster}: ${items.length} nodes`}
        >
          <PartitionLayer layout={layout} partitions={snapshot.partitions} />
          <LinkLayer layout={layout} ids={ids} snapshot={snapshot} />
          <PartitionLabels layout={layout} partitions={snapshot.partitions} />
          <HeldLayer layout={layout} held={snapshot.held} group={group} />
          <PendingLayer layout={layout} pending={snapshot.pending} group={group} />
          <g className="nodes">
            {items.map((it) => (
              <NodeGlyph
                key={it.node.id}
                node={it.node}
                group={it.group}
                at={layout.positions.get(it.node.id) ?? layout.center}
                r={layout.nodeR}
                caption={layout.captions.get(it.node.id) ?? 'below'}
                fontPx={layout.fontPx}
                compact={layout.compact}
              />
            ))}
          </g>
        </svg>
      )}
      {snapshot && width > 0 && (
        // What moves every frame has its own layer, so the rest of the picture is not repainted.
        // Messages go over the timer rings: a message just leaving a node keeps its label whole.
        <svg width={width} height={height} className="motion" aria-hidden="true">
          <TimerLayer layout={layout} />
          <MessageLayer layout={layout} />
        </svg>
      )}
      {snapshot && width > 0 && (
        // Captions go above the moving messages so traffic never covers them. The nodes' own
        // labels already say all of this to a screen reader, and clicks pass to the nodes below.
        <svg width={width} height={height} className="captions" aria-hidden="true">
          {items.map((it) => (
            <NodeCaption
              key={it.node.id}
              node={it.node}
              group={it.group}
              at={layout.positions.get(it.node.id) ?? layout.center}
              r={layout.nodeR}
              side={layout.captions.get(it.node.id) ?? 'below'}
              fontPx={layout.fontPx}
              compact={layout.compact}
            />
          ))}
        </svg>
      )}
      {!snapshot && <p className="placeholder">Waiting for the cluster…</p>}
    </div>
  );
}
