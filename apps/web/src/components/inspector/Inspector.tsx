import { useStore } from '../../store/appStore.ts';
import { LinkCard } from './LinkCard.tsx';
import { NodeCard } from './NodeCard.tsx';

/** The card for whatever node or link is selected, if any. */
export function Inspector() {
  const node = useStore((s) => s.selectedNode);
  const link = useStore((s) => s.selectedLink);
  const nodes = useStore((s) => s.snapshot?.nodes);
  const ids = (nodes ?? []).map((n) => n.id);
  if (node !== null) return <NodeCard key={node} id={node} side={awaySide(ids, [node])} />;
  if (link !== null) {
    const key = `${link.from}-${link.to}`;
    return <LinkCard key={key} link={link} side={awaySide(ids, [link.from, link.to])} />;
  }
  return null;
}

/** The stage side away from the given nodes, by where they sit on the ring. */
export function awaySide(ids: readonly number[], of: readonly number[]): 'left' | 'right' {
  const x = of.reduce((sum, id) => {
    const i = ids.indexOf(id);
    return sum + (i < 0 ? 0 : Math.cos(-Math.PI / 2 + (2 * Math.PI * i) / ids.length));
  }, 0);
  return x > 0.01 ? 'left' : 'right';
}
