import { useMemo, useState } from 'react';
import { useApiAction } from '../../hooks/useApiAction.ts';
import { nodeName, ROLE_STYLES } from '../../model/palette.ts';
import { useStore } from '../../store/appStore.ts';
import { Card } from './Card.tsx';

/** A node's details and the actions one can take on it. */
export function NodeCard({ id, side }: { id: number; side: 'left' | 'right' }) {
  const node = useStore((s) => s.snapshot?.nodes.find((n) => n.id === id));
  const nodes = useStore((s) => s.snapshot?.nodes);
  const allIds = useMemo(() => (nodes ?? []).map((n) => n.id), [nodes]);
  const groupId = useStore((s) => s.group);
  const close = useStore((s) => s.selectNode);
  const { run, busy } = useApiAction();
  const [confirmRemove, setConfirmRemove] = useState(false);
  if (!node) return null;
  const g = node.groups.find((x) => x.group === groupId);
  const running = node.status === 'running';
  const leader = g?.role === 'StateLeader';
  const learner = g?.confState.learners.includes(id) ?? false;
  const name = nodeName(id);
  const others = allIds.filter((n) => n !== id);
  const role = running && g ? ROLE_STYLES[g.role].label : node.status;

  return (
    <Card title={`${name} · ${role}`} onClose={() => close(null)} side={side}>
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
      {g && !g.promotable && running && (
        <p className="warning">
          {name} cannot campaign: no configuration it knows includes it as a voter.
        </p>
      )}
      {node.faults.length > 0 && <p className="warning">Faults: {node.faults.join(', ')}</p>}
      <div className="actions">
        {running ? (
          <button type="button" disabled={busy} onClick={() => run((api) => api.crash(id))}>
            Crash {name}
          </button>
        ) : (
          <button type="button" disabled={busy} onClick={() => run((api) => api.restart(id))}>
            Restart {name}
          </button>
        )}
        <button
          type="button"
          disabled={busy || !running || leader || learner}
          onClick={() =>
            run(
              (api) => api.transferLeader(id),
              () => `transfer to ${name} asked`,
            )
          }
        >
          Transfer leadership here
        </button>
        {learner && (
          <button type="button" disabled={busy} onClick={() => run((api) => api.promote(id))}>
            Promote to voter
          </button>
        )}
        <button
          type="button"
          disabled={busy || !running || leader}
          onClick={() => run((api) => api.campaign(id))}
        >
          Start an election here
        </button>
        <button
          type="button"
          disabled={busy || others.length === 0}
          onClick={() => run((api) => api.partition([others, [id]]))}
        >
          Isolate {name}
        </button>
        <button
          type="button"
          disabled={busy || !running}
          onClick={() =>
            run(
              (api) => api.compact(id),
              (r) => `${name} compacted${r?.index ? ` up to ${r.index}` : ''}`,
            )
          }
        >
          Compact log
        </button>
        {confirmRemove ? (
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => {
              setConfirmRemove(false);
              void run((api) => api.removeNode(id));
            }}
          >
            Really remove {name}?
          </button>
        ) : (
          <button type="button" className="danger" onClick={() => setConfirmRemove(true)}>
            Remove {name}
          </button>
        )}
      </div>
    </Card>
  );
}
