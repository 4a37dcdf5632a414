/**
 * Links to a moment: what the page's address says so that the same moment opens again.
 * `?trace=<url>&at=`, `?cluster=<c>&at=`, `?seed=&size=&at=` for a simulated run.
 */

import type { OpenReplay } from '../../store/replaySlice.ts';

/**
 * The query of a link to a moment: the recording's URL, the cluster's, or a simulated run's
 * seed and size. Null for a file opened from disk (it has no address) unless it is a simulated
 * run, which its seed names. With no replay, the present moment of the live cluster.
 */
export function linkParams(
  replay: OpenReplay | null,
  cluster: string,
  liveSeq?: number,
): URLSearchParams | null {
  const q = new URLSearchParams();
  if (replay === null) {
    q.set('cluster', cluster);
    if (liveSeq !== undefined) q.set('at', String(liveSeq));
    return q;
  }
  const at = String(replay.seq);
  const src = replay.source;
  const { header } = replay.info;
  if (src.kind === 'url') q.set('trace', src.url);
  else if (src.kind === 'cluster') q.set('cluster', src.cluster);
  else if (src.kind === 'seed') {
    q.set('seed', String(src.seed));
    q.set('size', String(src.size));
  } else if (header.mode === 'simulated' && header.seed !== undefined && replay.info.size > 0) {
    q.set('seed', String(header.seed));
    q.set('size', String(replay.info.size));
  } else return null;
  q.set('at', at);
  return q;
}
