import { useMemo } from 'react';
import { nodeName } from '../../model/palette.ts';
import { useStore } from '../../store/appStore.ts';
import { leaderOf, nodeGroups } from '../../store/selectors.ts';

/** One line over the ring: who leads, in which term, and how far the log is committed. */
export function StageSummary() {
  const snapshot = useStore((s) => s.snapshot);
  const group = useStore((s) => s.group);
  const items = useMemo(() => nodeGroups(snapshot, group), [snapshot, group]);
  if (!snapshot) return null;
  const leader = leaderOf(items);
  const up = items.filter((it) => it.node.status === 'running').length;
  return (
    <p className="stage-summary" data-testid="summary">
      {leader?.group ? (
        <>
          <strong className="role-leader">{nodeName(leader.node.id)} leads</strong> · term{' '}
          {leader.group.term} · commit {leader.group.commit}
        </>
      ) : (
        <strong className="no-leader">no leader</strong>
      )}
      {' · '}
      {up} of {items.length} nodes up
      {snapshot.partitions.length > 0 ? ` · partitioned ${sidesText(snapshot.partitions)}` : ''}
      {snapshot.held.length > 0 ? ` · ${snapshot.held.length} held` : ''}
      {snapshot.paused ? ' · paused' : ''}
    </p>
  );
}

function sidesText(partitions: readonly number[][]): string {
  return partitions.map((side) => `{${side.map(nodeName).join(' ')}}`).join(' | ');
}
