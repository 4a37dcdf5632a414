/**
 * The cluster's size: how many nodes it has now, and a small form that starts a new cluster of
 * N nodes beside this one and switches to it, or re-creates this one (same name) with N nodes.
 * The new cluster keeps the current one's groups, mode and tick length.
 */

import { useId, useState } from 'react';
import { ApiError } from '../../api/index.ts';
import { useStore } from '../../store/appStore.ts';
import { switchCluster } from '../../stream/connect.ts';
import {
  clusterNames,
  createCluster,
  deleteCluster,
  describeLike,
  SIZE_MAX,
  sizedName,
} from './clusterApi.ts';

export function ClusterSizeControl() {
  const count = useStore((s) => s.snapshot?.nodes.length ?? 0);
  const [size, setSize] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  if (count === 0) return null;
  const wanted = Math.min(SIZE_MAX, Math.max(1, size ?? count));

  const act = async (how: 'new' | 'recreate') => {
    const s = useStore.getState();
    setBusy(true);
    try {
      const name =
        how === 'new' ? sizedName(s.clusterName, wanted, await clusterNames()) : s.clusterName;
      if (how === 'recreate') await deleteCluster(name);
      await createCluster(describeLike(s.snapshot, name, wanted));
      switchCluster(name, { push: how === 'new' });
      // What was done to the old run cannot be undone on the new one.
      if (how === 'recreate') s.clearUndo();
      s.notify(
        'success',
        how === 'new'
          ? `started ${name} with ${wanted} nodes`
          : `re-created ${name} with ${wanted} nodes`,
      );
    } catch (err) {
      s.notify('error', err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <details className="cluster-size">
      <summary title="Start a cluster of another size">{count} nodes</summary>
      <div className="cluster-size-panel">
        <label htmlFor={id}>Nodes</label>
        <input
          id={id}
          type="number"
          min={1}
          max={SIZE_MAX}
          value={wanted}
          onChange={(e) => setSize(Number(e.target.value))}
        />
        <button type="button" disabled={busy} onClick={() => void act('new')}>
          New cluster
        </button>
        <button
          type="button"
          disabled={busy}
          title="Stop this cluster and start it again, empty, with this many nodes"
          onClick={() => void act('recreate')}
        >
          Re-create this one
        </button>
      </div>
    </details>
  );
}
