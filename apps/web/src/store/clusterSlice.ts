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
  /**
   * The newest server wall time the stream has carried. A simulated cluster's clock stands
   * still between a scenario's steps; this is where it stopped.
   */
  serverWallMs: number;
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
    serverWallMs: 0,
    setConnection: (connection) => set({ connection }),
    setSnapshot: (snapshot) => set({ snapshot }),
  });
