/**
 * Keeps the scenario panel true to the server. The runner may be driven from another screen
 * (the teacher's laptop while the projector shows the class), so its state is fetched when the
 * page's cluster changes, after every `reset`, and every two seconds while the cluster is a
 * scenario's. A page opened from a `?scenario=<id>&step=<n>` link starts that scenario and plays
 * it forward to step n.
 */

import { useEffect } from 'react';
import { ApiError } from '../../api/index.ts';
import { useStore } from '../../store/appStore.ts';
import { loadCatalogue, rememberInAddress, startScenario } from './actions.ts';
import { scenarioApi } from './api.ts';

const POLL_MS = 2000;

export function useScenarioSync(): void {
  const cluster = useStore((s) => s.clusterName);
  const resetCount = useStore((s) => s.resetCount);
  const isScenario = useStore((s) => s.scenario !== null);

  // A link: start the scenario it names, once.
  useEffect(() => {
    const opening = useStore.getState().scenarioOpening;
    if (!opening) return;
    void startScenario(opening.id, opening.step).finally(() =>
      useStore.getState().setScenarioOpening(null),
    );
  }, []);

  // Fetch on a new cluster or a reset; keep polling while it is a scenario.
  // biome-ignore lint/correctness/useExhaustiveDependencies: resetCount is the trigger
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const fetchState = async () => {
      const s = useStore.getState();
      if (s.scenarioOpening) return schedule();
      try {
        const state = await scenarioApi.state(cluster);
        if (stopped) return;
        if (!s.scenarioPending) useStore.getState().setScenario(state);
        rememberInAddress(state);
        void loadCatalogue();
        schedule();
      } catch (err) {
        if (stopped) return;
        if (err instanceof ApiError && err.status === 404) {
          // Not a scenario's cluster (any more): no panel, and no stale scenario in the address.
          if (useStore.getState().scenario) useStore.getState().setScenario(null);
          rememberInAddress(null);
        } else schedule();
      }
    };
    const schedule = () => {
      if (!stopped) timer = setTimeout(fetchState, POLL_MS);
    };
    void fetchState();
    return () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
    };
  }, [cluster, resetCount, isScenario]);
}
