import type { ClusterSnapshot } from '@raftlens/trace';
import type { SliceCreator } from './types.ts';

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting';

/** The cluster as it is now: the latest snapshot with the events since folded in. */
export interface ClusterSlice {
  clusterName: string;
  snapshot: ClusterSnapshot | null;
  connection: ConnectionStatus;
  /** Add to local `Date.now()` to get the display clock (server wall time, slightly behind). */
  clockOffsetMs: number;
  setConnection(status: ConnectionStatus): void;
  /** Replaces the snapshot directly (from an HTTP fetch rather than the stream). */
  setSnapshot(snapshot: ClusterSnapshot): void;
}

export const createClusterSlice =
  (clusterName: string): SliceCreator<ClusterSlice> =>
  (set) => ({
    clusterName,
    snapshot: null,
    connection: 'connecting',
    clockOffsetMs: 0,
    setConnection: (connection) => set({ connection }),
    setSnapshot: (snapshot) => set({ snapshot }),
  });
