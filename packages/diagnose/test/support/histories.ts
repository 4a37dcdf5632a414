/**
 * Healthy activity, played into a `Scenario` the way a correct runtime would trace it: a write
 * proposed, appended, replicated, acknowledged, committed, applied and answered.
 */

import { message, type Scenario } from './builders.ts';

/** Writes entry `index` through `leader` to every running follower, to the end. */
export function write(s: Scenario, leader: number, index: number, id = `p${index}`): Scenario {
  const term = s.view(leader).term;
  const followers = s.snapshot.nodes.filter((n) => n.id !== leader && n.status === 'running');
  s.proposal(leader, 'Proposed', id);
  s.append(leader, index, index, term);
  s.set(leader, { persisted: index });
  s.ready(leader, { entries: [index, index], messages: followers.length, mustSync: true });
  s.proposal(leader, 'Appended', id, { index, term });
  s.progress(leader, leader, { match: index, next: index + 1 });
  const entry: [number, number, string, number] = [term, index, 'EntryNormal', 8];
  for (const f of followers) {
    const app = message('MsgApp', leader, f.id, {
      term,
      index: index - 1,
      logTerm: term,
      entries: [entry],
      commit: s.view(leader).commit,
    });
    s.net('Send', app);
    s.net('Deliver', app);
    s.append(f.id, index, index, term);
    s.set(f.id, { persisted: index });
    s.ready(f.id, { entries: [index, index], messages: 1, mustSync: true });
    s.exchange('MsgAppResp', f.id, leader, { term, index });
    s.progress(leader, f.id, { match: index, next: index + 1 });
  }
  s.elapse(1);
  s.set(leader, { commit: index, applied: index });
  s.ready(leader, { committed: [index, index], hardState: { term, vote: leader, commit: index } });
  s.state(leader, 'Commit');
  s.proposal(leader, 'Committed', id, { index, term });
  s.proposal(leader, 'Applied', id, { index, term });
  s.proposal(leader, 'Answered', id, { index, term, ok: true });
  for (const f of followers) {
    s.exchange('MsgHeartbeat', leader, f.id, { term, commit: index });
    s.set(f.id, { commit: index, applied: index });
    s.ready(f.id, { committed: [index, index], hardState: { term, vote: leader, commit: index } });
    s.exchange('MsgHeartbeatResp', f.id, leader, { term });
  }
  return s;
}

/** Every node records `InitState` at its present tick: the start of the trace window. */
export function init(s: Scenario): Scenario {
  for (const n of s.snapshot.nodes) {
    if (n.status === 'running') s.state(n.id, 'InitState');
  }
  return s;
}
