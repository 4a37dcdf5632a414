/**
 * Undoes the newest action taken on the cluster on screen: runs its inverse calls straight
 * through the API (an undo is not itself recorded) and says what was undone.
 */

import { useCallback } from 'react';
import { ApiError } from '../../api/index.ts';
import { useApi } from '../../hooks/useApiAction.ts';
import { useStore } from '../../store/appStore.ts';

export function useUndo(): () => Promise<void> {
  const api = useApi();
  return useCallback(async () => {
    const s = useStore.getState();
    const entry = s.takeUndo(s.clusterName);
    if (!entry) {
      s.notify('info', 'nothing to undo');
      return;
    }
    try {
      for (const step of entry.steps) await step(api);
      useStore.getState().notify('success', `undone: ${entry.did} (${entry.undo})`);
    } catch (err) {
      const why = err instanceof ApiError ? err.message : String(err);
      useStore.getState().notify('error', `could not undo ${entry.did}: ${why}`);
    }
  }, [api]);
}
