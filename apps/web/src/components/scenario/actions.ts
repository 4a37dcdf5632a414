/**
 * What the scenario buttons and keys do: ask the server's runner, keep the answer in the store,
 * and keep the page's address pointing at the scenario. Plain functions over the store, so the
 * buttons, the keyboard and the opening of a link share them.
 */

import { ApiError } from '../../api/index.ts';
import { useStore } from '../../store/appStore.ts';
import { alarmsFrom, type ScenarioAction } from '../../store/scenarioSlice.ts';
import { switchCluster } from '../../stream/connect.ts';
import { type RunnerAction, scenarioApi } from './api.ts';
import type { RunnerState } from './types.ts';

/** The address names the scenario and its step, next to the cluster that shows it. */
export function rememberInAddress(state: RunnerState | null): void {
  const url = new URL(window.location.href);
  if (state) {
    url.searchParams.set('scenario', state.scenarioId);
    url.searchParams.set('step', String(state.position));
  } else {
    url.searchParams.delete('scenario');
    url.searchParams.delete('step');
  }
  if (url.href !== window.location.href) window.history.replaceState(null, '', url);
}

async function guarded(
  action: ScenarioAction,
  call: () => Promise<RunnerState>,
): Promise<RunnerState | null> {
  const s = useStore.getState();
  if (s.scenarioPending) return null;
  s.setScenarioPending(action);
  try {
    const state = await call();
    useStore.getState().setScenario(state);
    useStore.getState().raiseAlarms(alarmsFrom(state.violations));
    rememberInAddress(state);
    return state;
  } catch (err) {
    useStore.getState().notify('error', err instanceof ApiError ? err.message : String(err));
    return null;
  } finally {
    useStore.getState().setScenarioPending(null);
  }
}

/** Resolves once the stream shows `cluster` (its `hello` arrived), or after `withinMs`. */
function streamShows(cluster: string, withinMs = 5000): Promise<void> {
  return new Promise((done) => {
    const shows = (s = useStore.getState()) =>
      s.clusterName === cluster && s.connection === 'open' && s.snapshot !== null;
    if (shows()) return done();
    const timer = setTimeout(finish, withinMs);
    const stop = useStore.subscribe((s) => {
      if (shows(s)) finish();
    });
    function finish() {
      clearTimeout(timer);
      stop();
      done();
    }
  });
}

/**
 * Starts scenario `id` (from its seed, before step 1), shows its cluster, and plays it forward
 * to `step`. The page connects before the steps play, so that their messages are in the
 * space-time diagram and their findings' evidence can be pointed at.
 */
export async function startScenario(id: string, step = 0): Promise<RunnerState | null> {
  const s = useStore.getState();
  s.setPickerOpen(false);
  return guarded('start', async () => {
    let state = await scenarioApi.start(id, {});
    useStore.getState().setHighlight(null);
    rememberInAddress(state);
    if (useStore.getState().clusterName !== state.cluster) switchCluster(state.cluster);
    if (step > 0) {
      useStore.getState().setScenario(state);
      await streamShows(state.cluster);
      state = await scenarioApi.goto(state.cluster, Math.min(step, state.total));
    }
    return state;
  });
}

/** Next, Back, Restart or Hand over, on the scenario this page shows. */
export function scenarioStep(action: RunnerAction): Promise<RunnerState | null> {
  const s = useStore.getState();
  const current = s.scenario;
  if (!current) return Promise.resolve(null);
  if (action === 'forward' && (current.done || current.handedOver)) return Promise.resolve(null);
  if (action === 'back' && current.position === 0) return Promise.resolve(null);
  return guarded(action, () => scenarioApi.act(current.cluster, action));
}

/** The catalogue, fetched once. */
export async function loadCatalogue(): Promise<void> {
  if (useStore.getState().catalogue) return;
  try {
    useStore.getState().setCatalogue(await scenarioApi.list());
  } catch (err) {
    useStore.getState().notify('error', err instanceof ApiError ? err.message : String(err));
  }
}
