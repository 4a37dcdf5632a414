/**
 * Runs a control action and reports its outcome: failures show the server's sentence, as the
 * server wrote it, in a notice; a success can say what happened.
 */

import { useCallback, useMemo, useState } from 'react';
import { type Api, ApiError, createApi } from '../api/index.ts';
import { useStore } from '../store/appStore.ts';

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
      try {
        const result = await action(api);
        if (success) notify('success', success(result));
        return result;
      } catch (err) {
        notify('error', err instanceof ApiError ? err.message : String(err));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [api, notify],
  );
  return { run, busy };
}
