import { useStore } from '../../store/appStore.ts';
import { LinkCard } from './LinkCard.tsx';
import { NodeCard } from './NodeCard.tsx';

/** The card for whatever node or link is selected, if any. */
export function Inspector() {
  const node = useStore((s) => s.selectedNode);
  const link = useStore((s) => s.selectedLink);
  if (node !== null) return <NodeCard key={node} id={node} />;
  if (link !== null) return <LinkCard key={`${link.from}-${link.to}`} link={link} />;
  return null;
}
