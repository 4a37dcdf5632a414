import type { SliceCreator } from './types.ts';

export interface TimelineMark {
  wallMs: number;
  kind: 'leader' | 'gap' | 'control';
  label: string;
}

export const MARKS_CAPACITY = 200;
export const SPAN_MS_MIN = 500;
export const SPAN_MS_MAX = 10 * 60_000;

/**
 * The time window the space-time diagram shows. Following, the window ends at the newest event;
 * scrolled back, it stays where the reader put it while the cluster runs on.
 */
export interface TimelineSlice {
  follow: boolean;
  /** End of the window (display clock) when not following. */
  windowEndMs: number;
  windowSpanMs: number;
  /** Notable moments drawn across the diagram: new leaders, gaps, faults. */
  marks: TimelineMark[];
  setFollow(follow: boolean): void;
  /** Stops following and moves the window so that it ends at `endMs`. */
  scrollTo(endMs: number): void;
  zoom(factor: number): void;
}

export const createTimelineSlice: SliceCreator<TimelineSlice> = (set) => ({
  follow: true,
  windowEndMs: 0,
  windowSpanMs: 8000,
  marks: [],
  setFollow: (follow) => set({ follow }),
  scrollTo: (endMs) => set({ follow: false, windowEndMs: endMs }),
  zoom: (factor) =>
    set((s) => ({
      windowSpanMs: Math.min(SPAN_MS_MAX, Math.max(SPAN_MS_MIN, s.windowSpanMs * factor)),
    })),
});
