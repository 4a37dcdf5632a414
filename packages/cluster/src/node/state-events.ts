/**
 * The core's trace events, as the trace format's state events. The core names its events as
 * etcd's TLA+ trace logger does; the few it adds for the dashboard (dropped proposals, a node
 * that cannot campaign, ...) are handled by the group runtime and are not state events. The
 * core's `Ready` marker is left out: the runtime emits a richer `Ready` event of its own.
 */

import { confChangesToString, type RaftTraceEvent } from '@raftlens/raft';
import { STATE_EVENT_NAMES, type StateEvent, type StateEventName } from '@raftlens/trace';
import { summarizeMessage } from '../trace/summary.ts';

const CORE_STATE_EVENTS: ReadonlySet<string> = new Set(
  STATE_EVENT_NAMES.filter((name) => name !== 'Ready'),
);

export type StateFields = Omit<StateEvent, 'seq' | 'wallMs' | 'node' | 'group' | 'tick'>;

/** The state event for a core event, or null for the core's own extra events. */
export function stateEventFrom(e: RaftTraceEvent): StateFields | null {
  if (!CORE_STATE_EVENTS.has(e.name)) return null;
  const out: StateFields = {
    kind: 'state',
    name: e.name as StateEventName,
    term: e.term,
    vote: e.vote,
    commit: e.commit,
    role: e.role,
    lastIndex: e.lastIndex,
    conf: sharedConf(e.conf),
    learners: sharedIds(e.learners),
  };
  if (e.msg !== undefined) out.msg = summarizeMessage(e.msg);
  if (e.confChange !== undefined) out.confChange = confChangesToString(e.confChange.changes);
  if (e.progress !== undefined) {
    out.progress = { match: e.progress.match, next: e.progress.next };
  }
  return out;
}

// Nearly every state event of a cluster carries the same configuration. The trace keeps events
// for seconds (the recorder's ring, the diagnosis window), so copies of the same few arrays in
// each were a good part of what the garbage collector moved. The last arrays handed out are
// handed out again while the configuration stays the same; like message summaries, events are
// never changed once made.
let lastConf: [number[], number[]] = [[], []];
let lastLearners: number[] = [];

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sharedConf(conf: readonly [readonly number[], readonly number[]]): [number[], number[]] {
  if (!sameIds(conf[0], lastConf[0]) || !sameIds(conf[1], lastConf[1])) {
    lastConf = [[...conf[0]], [...conf[1]]];
  }
  return lastConf;
}

function sharedIds(ids: readonly number[]): number[] {
  if (!sameIds(ids, lastLearners)) lastLearners = [...ids];
  return lastLearners;
}
