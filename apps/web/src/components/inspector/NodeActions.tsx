import { useState } from 'react';
import { useApiAction } from '../../hooks/useApiAction.ts';
import { nodeName } from '../../model/palette.ts';

interface Props {
  id: number;
  running: boolean;
  leader: boolean;
  learner: boolean;
  /** Every other node, for isolating this one. */
  others: number[];
}

/** What one can do to a node: its lifecycle, its part in elections, its log, its membership. */
export function NodeActions({ id, running, leader, learner, others }: Props) {
  const { run, busy } = useApiAction();
  const [confirmRemove, setConfirmRemove] = useState(false);
  const name = nodeName(id);
  const compacted = (r: { index: number }) => `${name} compacted up to ${r.index}`;
  return (
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
        onClick={() => run((api) => api.compact(id), compacted)}
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
  );
}
