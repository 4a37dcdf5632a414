/**
 * Runs a control action and reports its outcome: failures show the server's sentence, as the
 * server wrote it, in a notice; a success can say what happened. What the action did that can
 * be taken back goes on the undo stack as one entry.
 */

import { useCallback, useMemo, useState } from 'react';
import { type Api, ApiError, createApi } from '../api/index.ts';
import { useStore } from '../store/appStore.ts';
import { recordUndo } from '../store/undoRecorder.ts';

export function useApi(): Api {
  const cluster = useStore((s) => s.clusterName);
  return useMemo(() => createApi(cluster), [cluster]);
}

export function useApiAction() {
  const api = useApi();
  const notify = useStore((s) => s.notify);
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async <T>(
      action: (api: Api) => Promise<T>,
      success?: (result: T) => string,
    ): Promise<T | undefined> => {
      setBusy(true);
      const recording = recordUndo(api, () => useStore.getState().snapshot);
      try {
        const result = await action(recording.api);
        if (success) notify('success', success(result));
        return result;
      } catch (err) {
        notify('error', err instanceof ApiError ? err.message : String(err));
        return undefined;
      } finally {
        // Calls that went through before a failure still changed the cluster.
        const s = useStore.getState();
        const entry = recording.entry(s.clusterName);
        if (entry) s.pushUndo(entry);
        setBusy(false);
      }
    },
    [api, notify],
  );
  return { run, busy };
}
