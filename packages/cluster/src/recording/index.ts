/** Recording traces to disk, bounded, for download at any time. */

export {
  createTraceRecorder,
  type DiskTraceRecorder,
  type TraceRecorderOptions,
  type TraceRecorderStats,
} from './recorder.ts';
export { segmentName } from './segments.ts';
