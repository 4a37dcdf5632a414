/**
 * Replay: a recorded trace open at one moment instead of the live stream. While a replay is
 * open every view draws the frame at the cursor (see components/replay/controller.ts, which
 * fills the other slices from it); this slice holds what the replay bar shows.
 */

import type { ActiveFinding, TraceError } from '@raftlens/trace';
import type { JumpKind, OpenPhase, ReplayInfo } from '../components/replay/engine.ts';
import type { SliceCreator } from './types.ts';

/** Where the open trace came from, which decides what a link to it says. */
export type ReplaySource =
  | { kind: 'file'; label: string }
  | { kind: 'url'; label: string; url: string }
  | { kind: 'cluster'; label: string; cluster: string }
  | { kind: 'seed'; label: string; cluster: string; seed: number; size: number };

export interface OpenReplay {
  source: ReplaySource;
  info: ReplayInfo;
  /** The moment shown: the sequence number of the last event applied, and its position. */
  seq: number;
  position: number;
  wallMs: number;
  /** Findings active at the moment, as the trace recorded them. */
  findings: ActiveFinding[];
}

export interface ReplayLoading {
  label: string;
  phase: OpenPhase;
  /** 0..1, or null when unknown (a download without a length). */
  fraction: number | null;
}

export interface ReplaySlice {
  replay: OpenReplay | null;
  replayLoading: ReplayLoading | null;
  /** The last trace refused, with the line at fault; cleared by the next success. */
  replayError: (TraceError & { label: string }) | null;
  /** The kind of moment [ and ] jump to. */
  jumpKind: JumpKind;
  setJumpKind(kind: JumpKind): void;
  dismissReplayError(): void;
}

export const createReplaySlice: SliceCreator<ReplaySlice> = (set) => ({
  replay: null,
  replayLoading: null,
  replayError: null,
  jumpKind: 'election',
  setJumpKind: (jumpKind) => set({ jumpKind }),
  dismissReplayError: () => set({ replayError: null }),
});
