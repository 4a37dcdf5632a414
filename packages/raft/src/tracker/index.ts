/** The leader's tracking of its followers: inflights windows, progress, configuration. */

export { Inflights } from './inflights.ts';
export {
  Progress,
  type ProgressInit,
  type ProgressMap,
  type ProgressPlain,
  type ProgressState,
  progressMapToString,
} from './progress.ts';
export {
  cloneTrackerConfig,
  emptyTrackerConfig,
  ProgressTracker,
  type TrackerConfig,
  trackerConfigToString,
  type VoteTally,
} from './tracker.ts';
