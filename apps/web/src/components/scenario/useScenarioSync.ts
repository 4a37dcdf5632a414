/**
 * Keeps the scenario panel true to the server. The runner may be driven from another screen
 * (the teacher's laptop while the projector shows the class), so its state is fetched when the
 * page's cluster changes, after every `reset`, and every two seconds while the cluster is a
 * scenario's. A page opened from a `?scenario=<id>&step=<n>` link starts that scenario and plays
 * it forward to step n.
 *
 * A safety violation is an alarm for everyone watching, including a viewer who arrived after it
 * was raised: on every (re)connection the server's diagnosis, whose safety monitor has watched
 * the whole run, is asked for critical findings.
 */

import { useEffect, useRef } from 'react';
import { ApiError } from '../../api/index.ts';
import { useStore } from '../../store/appStore.ts';
import { type Alarm, findingKey } from '../../store/scenarioSlice.ts';
import { loadCatalogue, rememberInAddress, startScenario } from './actions.ts';
import { scenarioApi } from './api.ts';

const POLL_MS = 2000;

export function useScenarioSync(): void {
  const cluster = useStore((s) => s.clusterName);
  const resetCount = useStore((s) => s.resetCount);
  const isScenario = useStore((s) => s.scenario !== null);
  const open = useStore((s) => s.connection === 'open');
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
    scenarioApi.diagnosis(cluster).then(
      (findings) => {
        if (stopped || useStore.getState().clusterName !== cluster) return;
        const critical: Alarm[] = findings
          .filter((f) => f.severity === 'critical')
          .map((f) => ({
            key: findingKey(f.code, f.nodes),
            code: f.code,
            severity: f.severity,
            summary: f.summary,
            nodes: [...f.nodes],
            seq: f.evidence.find((e) => e.kind === 'event')?.seq ?? 0,
            wallMs: 0,
          }));
        useStore.getState().raiseAlarms(critical);
      },
      () => {
        // No diagnosis (an old server, a replay): the trace's own finding events still alarm.
      },
    );
    return () => {
      stopped = true;
    };
  }, [cluster, resetCount, open]);

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
