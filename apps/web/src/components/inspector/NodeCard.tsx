import { useMemo } from 'react';
import { nodeName, ROLE_STYLES } from '../../model/palette.ts';
import { useStore } from '../../store/appStore.ts';
import { Card } from './Card.tsx';
import { NodeActions } from './NodeActions.tsx';
import { NodeFacts } from './NodeFacts.tsx';

/** A node's details and the actions one can take on it. */
export function NodeCard({ id, side }: { id: number; side: 'left' | 'right' }) {
  const node = useStore((s) => s.snapshot?.nodes.find((n) => n.id === id));
  const nodes = useStore((s) => s.snapshot?.nodes);
  const others = useMemo(() => (nodes ?? []).map((n) => n.id).filter((n) => n !== id), [nodes, id]);
  const groupId = useStore((s) => s.group);
  const close = useStore((s) => s.selectNode);
  if (!node) return null;
  const g = node.groups.find((x) => x.group === groupId);
  const running = node.status === 'running';
  const role = running && g ? ROLE_STYLES[g.role].label : node.status;
  return (
    <Card title={`${nodeName(id)} · ${role}`} onClose={() => close(null)} side={side}>
      <NodeFacts node={node} g={g} />
      <NodeActions
        id={id}
        running={running}
        leader={g?.role === 'StateLeader'}
        learner={g?.confState.learners.includes(id) ?? false}
        others={others}
      />
    </Card>
  );
}
