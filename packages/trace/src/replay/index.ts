/**
 * Replay of recorded traces: open a trace, build the cluster at any moment, jump between
 * moments, and view a moment as the dashboard's `ClusterSnapshot`.
 */

export type { EntryInfo } from './entry-book.ts';
export { termAt } from './log-runs.ts';
export { MOMENT_KINDS, type MomentKind } from './navigation.ts';
export {
  createTraceReader,
  type OpenTraceStreamOptions,
  openTrace,
  openTraceStream,
  type TraceReader,
  type TraceReaderOptions,
  type TraceTextSource,
} from './reader.ts';
export {
  DEFAULT_CHECKPOINT_EVERY,
  type LogEntryView,
  type OpenTraceResult,
  type ReplayStats,
  TraceReplay,
  type TraceReplayOptions,
} from './replay.ts';
export {
  type EntryLookup,
  isUnknownField,
  REPLAY_LOG_WINDOW_ENTRIES,
  type ReplaySnapshot,
  toSnapshot,
  UNKNOWN,
} from './snapshot-view.ts';
export type {
  ActiveFinding,
  InFlightMessage,
  ReplayGroupState,
  ReplayLog,
  ReplayNodeState,
  ReplayProgress,
  ReplayState,
  TermRun,
} from './state.ts';
