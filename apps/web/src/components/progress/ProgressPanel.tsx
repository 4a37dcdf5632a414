import { useMemo } from 'react';
import { selectSnapshot, useThrottledStore } from '../../hooks/useThrottledStore.ts';
import { nodeName } from '../../model/palette.ts';
import { useStore } from '../../store/appStore.ts';
import { leaderOf, nodeGroups } from '../../store/selectors.ts';
import { CommitExplainer } from './CommitExplainer.tsx';
import { ConfStates } from './ConfStates.tsx';
import { ProgressTable } from './ProgressTable.tsx';

/** The leader's view of replication: progress per peer, the commit rule, and the configs. */
export function ProgressPanel() {
  const snapshot = useThrottledStore(selectSnapshot, 150);
  const group = useStore((s) => s.group);
  const items = useMemo(() => nodeGroups(snapshot, group), [snapshot, group]);
  const leader = leaderOf(items);
  return (
    <div className="progress-panel">
      {leader?.group ? (
        <>
          {snapshot && (
            <ProgressTable leaderId={leader.node.id} g={leader.group} snapshot={snapshot} />
          )}
          <CommitExplainer g={leader.group} />
        </>
      ) : (
        <p className="warning">No leader: no node is tracking progress. {whyNoLeader(items)}</p>
      )}
      <ConfStates items={items} />
    </div>
  );
}

function whyNoLeader(items: ReturnType<typeof nodeGroups>): string {
  const up = items.filter((it) => it.node.status === 'running');
  const candidates = up.filter((it) => it.group?.role === 'StateCandidate');
  if (up.length === 0) return 'Every node is down.';
  if (candidates.length > 0) {
    return `${candidates.map((c) => nodeName(c.node.id)).join(', ')} asking for votes.`;
  }
  if (up.every((it) => it.group && !it.group.promotable)) {
    return 'No node can campaign: none has a configuration that includes it.';
  }
  return 'Waiting for an election timeout.';
}
