/**
 * Keeps the scenario panel true to the server. The runner may be driven from another screen
 * (the teacher's laptop while the projector shows the class), so its state is fetched when the
 * page's cluster changes, after every `reset`, and every two seconds while the cluster is a
 * scenario's. A page opened from a `?scenario=<id>&step=<n>` link starts that scenario and plays
 * it forward to step n.
 *
 * A safety violation is an alarm for everyone watching, including a viewer who arrived after it
 * was raised: on every (re)connection the server's diagnosis, whose safety monitor has watched
 * the whole run, is asked for critical findings. A live cluster's trace carries its findings
 * from then on; a simulated one's does not (a replay from the seed must number its events as
 * the original did), so there the diagnosis is asked every few seconds, and a scenario's state
 * brings its safety monitor's violations.
 */

import { useEffect, useRef } from 'react';
import { ApiError } from '../../api/index.ts';
import { useStore } from '../../store/appStore.ts';
import { alarmsFrom } from '../../store/scenarioSlice.ts';
import { loadCatalogue, rememberInAddress, startScenario } from './actions.ts';
import { scenarioApi } from './api.ts';

const POLL_MS = 2000;
/** How often a simulated cluster's diagnosis is asked for safety violations. */
const SAFETY_POLL_MS = 3000;

export function useScenarioSync(): void {
  const cluster = useStore((s) => s.clusterName);
  const resetCount = useStore((s) => s.resetCount);
  const isScenario = useStore((s) => s.scenario !== null);
  const open = useStore((s) => s.connection === 'open');
  const simulated = useStore((s) => s.snapshot?.mode === 'simulated');
  const shown = useRef(cluster);

  // Another cluster: its findings and alarms are not this one's.
  useEffect(() => {
    if (shown.current === cluster) return;
    shown.current = cluster;
    useStore.getState().clearFindings();
  }, [cluster]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a reset or a new connection asks again
  useEffect(() => {
    if (!open) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const ask = () => {
      if (!useStore.getState().pageHidden) {
        scenarioApi.diagnosis(cluster).then(
          (findings) => {
            if (stopped || useStore.getState().clusterName !== cluster) return;
            useStore.getState().raiseAlarms(alarmsFrom(findings));
          },
          () => {
            // No diagnosis (a replay, a server going away): the trace's finding events remain.
          },
        );
      }
      if (simulated && !stopped) timer = setTimeout(ask, SAFETY_POLL_MS);
    };
    ask();
    return () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
    };
  }, [cluster, resetCount, open, simulated]);

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
        useStore.getState().raiseAlarms(alarmsFrom(state.violations));
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
