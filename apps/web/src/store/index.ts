import { create } from 'zustand';
import { createClusterSlice } from './clusterSlice.ts';
import { createReplaySlice } from './replaySlice.ts';
import { createScenarioSlice } from './scenarioSlice.ts';
import { createTimelineSlice } from './timelineSlice.ts';
import { createTraceSlice } from './traceSlice.ts';
import type { AppState } from './types.ts';
import { createUiSlice } from './uiSlice.ts';

export type { AppState } from './types.ts';

/** Builds a store; the app makes one, tests make their own. */
export function createAppStore(clusterName: string) {
  return create<AppState>()((...a) => ({
    ...createClusterSlice(clusterName)(...a),
    ...createTraceSlice(...a),
    ...createTimelineSlice(...a),
    ...createUiSlice(...a),
    ...createScenarioSlice(...a),
    ...createReplaySlice(...a),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;
