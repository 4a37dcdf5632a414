import type { StateCreator } from 'zustand';
import type { ClusterSlice } from './clusterSlice.ts';
import type { ReplaySlice } from './replaySlice.ts';
import type { ScenarioSlice } from './scenarioSlice.ts';
import type { TimelineSlice } from './timelineSlice.ts';
import type { TraceSlice } from './traceSlice.ts';
import type { UiSlice } from './uiSlice.ts';

/** The whole dashboard state: four slices in one store. */
export type AppState = ClusterSlice &
  TraceSlice &
  TimelineSlice &
  UiSlice &
  ReplaySlice &
  ScenarioSlice;

export type SliceCreator<T> = StateCreator<AppState, [], [], T>;
