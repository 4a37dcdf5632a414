import { useMemo, useState } from 'react';
import type { MembershipChange, MembershipTransition } from '../../api/index.ts';
import { useApiAction } from '../../hooks/useApiAction.ts';
import { selectSnapshot, useThrottledStore } from '../../hooks/useThrottledStore.ts';
import { nodeName } from '../../model/palette.ts';
import { useStore } from '../../store/appStore.ts';
import { leaderOf, nodeGroups } from '../../store/selectors.ts';

type Part = 'keep' | MembershipChange['type'];

const TRANSITIONS: Array<[MembershipTransition, string]> = [
  ['auto', 'auto'],
  ['implicit', 'joint, left at once'],
  ['explicit', 'joint, left by hand'],
];

/**
 * Several membership changes in one ConfChangeV2, to watch joint consensus: while joint, the
 * progress tab shows both halves of the commit rule.
 */
export function JointChangePanel() {
  const snapshot = useThrottledStore(selectSnapshot, 250);
  const group = useStore((s) => s.group);
  const { run, busy } = useApiAction();
  const [parts, setParts] = useState<Record<number, Part>>({});
  const [transition, setTransition] = useState<MembershipTransition>('explicit');
  const conf = useMemo(
    () => leaderOf(nodeGroups(snapshot, group))?.group?.confState,
    [snapshot, group],
  );
  if (!snapshot) return null;
  const ids = snapshot.nodes.map((n) => n.id);
  const newId = Math.max(0, ...ids) + 1;
  const changes: MembershipChange[] = Object.entries(parts).flatMap(([id, part]) =>
    part === 'keep' ? [] : [{ type: part, node: Number(id) }],
  );
  const joint = (conf?.votersOutgoing.length ?? 0) > 0;
  const now = (id: number) =>
    conf?.voters.includes(id) ? 'voter' : conf?.learners.includes(id) ? 'learner' : 'not a member';

  return (
    <section className="panel" aria-labelledby="joint-h">
      <h2 id="joint-h">Change several at once</h2>
      {joint && conf && (
        <p className="warning">
          Joint configuration: {conf.voters.map(nodeName).join(' ')} and{' '}
          {conf.votersOutgoing.map(nodeName).join(' ')} must both agree.{' '}
          <button type="button" disabled={busy} onClick={() => run((api) => api.leaveJoint())}>
            Leave joint configuration
          </button>
        </p>
      )}
      <div className="joint-grid">
        {[...ids, newId].map((id) => (
          <label key={id}>
            {nodeName(id)} <small>({id === newId ? 'new' : now(id)})</small>
            <select
              value={parts[id] ?? 'keep'}
              onChange={(e) => setParts({ ...parts, [id]: e.target.value as Part })}
            >
              <option value="keep">{id === newId ? 'leave out' : 'keep'}</option>
              <option value="add-voter">make voter</option>
              <option value="add-learner">make learner</option>
              {id !== newId && <option value="remove">remove</option>}
            </select>
          </label>
        ))}
      </div>
      <label className="inline">
        transition
        <select
          value={transition}
          onChange={(e) => setTransition(e.target.value as MembershipTransition)}
        >
          {TRANSITIONS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={busy || changes.length === 0}
          onClick={async () => {
            const done = await run((api) => api.changeMembership(changes, transition));
            if (done) setParts({});
          }}
        >
          Propose {changes.length || ''} change{changes.length === 1 ? '' : 's'}
        </button>
      </div>
    </section>
  );
}
