import { useApiAction } from '../../hooks/useApiAction.ts';
import { nodeName } from '../../model/palette.ts';
import { useStore } from '../../store/appStore.ts';

const ONLY_GROUP_ONE = [1];

/** Adding nodes; removing, promoting and transferring are on each node's card. */
export function MembershipPanel() {
  const { run, busy } = useApiAction();
  const groups = useStore((s) => s.snapshot?.groups ?? ONLY_GROUP_ONE);
  const group = useStore((s) => s.group);
  const setGroup = useStore((s) => s.setGroup);
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
      {groups.length > 1 && (
        <label className="inline">
          Raft group
          <select value={group} onChange={(e) => setGroup(Number(e.target.value))}>
            {groups.map((g) => (
              <option key={g} value={g}>
                group {g}
              </option>
            ))}
          </select>
        </label>
      )}
    </section>
  );
}
