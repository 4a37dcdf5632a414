/**
 * The most recent events of a cluster's trace, kept for the diagnostics, which explain the
 * present from what happened just before it. A ring of references to the runtime's own event
 * objects: it costs a slot per event, not a copy.
 */

import type { Cluster } from '@raftlens/cluster';
import type { TraceEvent } from '@raftlens/trace';

export class TraceWindow {
  private readonly ring: (TraceEvent | undefined)[];
  /** Total events seen; the next one goes to `ring[count % ring.length]`. */
  private count = 0;
  private readonly unsubscribe: () => void;

  constructor(
    cluster: Cluster,
    readonly eventsMax: number,
  ) {
    if (!(eventsMax >= 1)) throw new Error(`a trace window holds at least one event: ${eventsMax}`);
    this.ring = new Array(eventsMax);
    // From the first retained event: a cluster that replaced another under its name has run a
    // little before the window is made, and its first events explain its start.
    this.unsubscribe = cluster.subscribe(
      (event) => {
        this.ring[this.count % this.eventsMax] = event;
        this.count++;
      },
      { fromSeq: 1 },
    );
  }

  /** The retained events, oldest first. */
  events(): TraceEvent[] {
    const kept = Math.min(this.count, this.eventsMax);
    const out: TraceEvent[] = new Array(kept);
    const first = this.count - kept;
    for (let i = 0; i < kept; i++) out[i] = this.ring[(first + i) % this.eventsMax] as TraceEvent;
    return out;
  }

  close(): void {
    this.unsubscribe();
    this.ring.fill(undefined);
  }
}
