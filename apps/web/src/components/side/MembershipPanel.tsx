import { useApiAction } from '../../hooks/useApiAction.ts';
import { nodeName } from '../../model/palette.ts';

/**
 * Adding nodes; removing, promoting and transferring are on each node's card. The Raft group is
 * chosen in the header.
 */
export function MembershipPanel() {
  const { run, busy } = useApiAction();
  const added = (r: { node: number }) => `${nodeName(r.node)} added`;
  return (
    <section className="panel" aria-labelledby="members-h">
      <h2 id="members-h">Membership</h2>
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => run((a) => a.addNode(false), added)}>
          Add voter
        </button>
        <button type="button" disabled={busy} onClick={() => run((a) => a.addNode(true), added)}>
          Add learner
        </button>
      </div>
      <p className="muted">Click a node to crash, restart, remove, promote or compact it.</p>
    </section>
  );
}
