/**
 * Chooses the Raft group every view shows, when the cluster runs more than one. A cluster with
 * a single group shows nothing here; when the cluster on screen no longer has the chosen group
 * (a switch to another cluster), the choice falls back to group 1.
 */

import { useEffect, useId } from 'react';
import { useStore } from '../../store/appStore.ts';

export function GroupSelect() {
  // A string, so the component renders only when the list itself changes.
  const groupList = useStore((s) => s.snapshot?.groups.join(',') ?? '');
  const group = useStore((s) => s.group);
  const setGroup = useStore((s) => s.setGroup);
  const id = useId();
  const groups = parseGroups(groupList);

  useEffect(() => {
    const known = parseGroups(groupList);
    if (known.length > 0 && !known.includes(group)) setGroup(known[0] ?? 1);
  }, [groupList, group, setGroup]);

  if (groups.length < 2) return null;
  return (
    <div className="group-select">
      <label htmlFor={id}>Raft group</label>
      <select id={id} value={group} onChange={(e) => setGroup(Number(e.target.value))}>
        {groups.map((g) => (
          <option key={g} value={g}>
            group {g}
          </option>
        ))}
      </select>
    </div>
  );
}

function parseGroups(list: string): number[] {
  return list ? list.split(',').map(Number) : [];
}
