import type { GroupView, NodeView } from '@raftlens/trace';
import { nodeName } from '../../model/palette.ts';

/** What a node knows: its term and vote, its leader, and where its log stands. */
export function NodeFacts({ node, g }: { node: NodeView; g: GroupView | undefined }) {
  const name = nodeName(node.id);
  return (
    <>
      {g && (
        <dl className="facts">
          <dt>term</dt>
          <dd>{g.term}</dd>
          <dt>vote</dt>
          <dd>{g.vote ? nodeName(g.vote) : 'none'}</dd>
          <dt>leader</dt>
          <dd>{g.lead ? nodeName(g.lead) : 'unknown'}</dd>
          <dt>commit / applied</dt>
          <dd>
            {g.commit} / {g.applied}
          </dd>
          <dt>log</dt>
          <dd>
            {g.log.firstIndex}…{g.log.lastIndex} (persisted {g.persisted})
          </dd>
          <dt>snapshot</dt>
          <dd>
            {g.log.snapshotIndex ? `index ${g.log.snapshotIndex}, term ${g.log.snapshotTerm}` : '–'}
          </dd>
        </dl>
      )}
      {g && !g.promotable && node.status === 'running' && (
        <p className="warning">
          {name} cannot campaign: no configuration it knows includes it as a voter.
        </p>
      )}
      {node.faults.length > 0 && <p className="warning">Faults: {node.faults.join(', ')}</p>}
    </>
  );
}
