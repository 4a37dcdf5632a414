/**
 * A stuck entry's QuorumShort names every voter it lacks and why, one phrase per voter: here
 * node 2 is down, and node 3 is missing for each cause in turn.
 */

import { describe, expect, it } from 'vitest';
import { diagnose } from '../src/index.ts';
import { healthySnapshot, message, Scenario } from './support/builders.ts';
import { init } from './support/histories.ts';

/** Leader 1 of 3 appended entry 6 at tick 2; node 2 has crashed since. */
function stuckWithNode2Down(): Scenario {
  const s = new Scenario(healthySnapshot({ size: 3, lastIndex: 5, term: 2 }));
  init(s);
  s.state(1, 'BecomeLeader');
  s.elapse(2);
  s.append(1, 6, 6, 2).set(1, { persisted: 6 }).progress(1, 1, { match: 6, next: 7 });
  s.ready(1, { entries: [6, 6], messages: 2 });
  for (const p of [2, 3]) s.progress(1, p, { next: 7 });
  s.node(2).status = 'crashed';
  return s;
}

const causes: Array<{ phrase: string; build: (s: Scenario) => Scenario }> = [
  {
    phrase: 'partitioned',
    build: (s) => {
      s.snapshot.partitions = [[1, 2], [3]];
      return s.elapse(30);
    },
  },
  {
    phrase: 'link held',
    build: (s) => {
      s.snapshot.links = [{ from: 1, to: 3, rule: { hold: true } }];
      return s.elapse(30);
    },
  },
  {
    phrase: 'link dropping',
    build: (s) => {
      s.snapshot.links = [{ from: 3, to: 1, rule: { dropRate: 1 } }];
      return s.elapse(30);
    },
  },
  {
    phrase: 'probing',
    build: (s) => {
      s.set(1, { term: 3 });
      s.progress(1, 3, { state: 'StateProbe', match: 0, next: 3, paused: true });
      s.exchange('MsgAppResp', 3, 1, { term: 3, reject: true, index: 4, rejectHint: 2 });
      return s.elapse(30);
    },
  },
  {
    phrase: 'inflight window full',
    build: (s) => {
      s.progress(1, 3, { match: 5, next: 7, inflights: 4, inflightsFull: true });
      return s.quiet(1, 15);
    },
  },
  {
    phrase: 'inactive',
    build: (s) => {
      s.progress(1, 3, { match: 5, next: 7, recentActive: false });
      for (let i = 0; i < 15; i++) s.elapse(2).exchange('MsgHeartbeat', 1, 3);
      return s;
    },
  },
  {
    phrase: 'snapshot never reported',
    build: (s) => {
      s.view(1).log.snapshotIndex = 5;
      s.progress(1, 3, { state: 'StateSnapshot', match: 1, next: 2, pendingSnapshot: 5 });
      // Node 3 lost its log (a restart on empty storage): only the leader's snapshot helps.
      const log = s.view(3).log;
      log.lastIndex = 1;
      log.entries = log.entries.filter((e) => e.index <= 1);
      s.set(3, { commit: 1, applied: 1, persisted: 1 });
      const snap = message('MsgSnap', 1, 3, { snapshot: { index: 5, term: 2 } });
      s.net('Send', snap);
      s.net('Drop', snap, { reason: 'probability' });
      return s.quiet(1, 15);
    },
  },
];

describe('QuorumShort', () => {
  it.each(causes)('names each missing voter with its cause: 3 ($phrase)', ({ phrase, build }) => {
    const findings = diagnose(build(stuckWithNode2Down()).input());
    const short = findings.find((f) => f.code === 'QuorumShort');

    expect(short, JSON.stringify(findings.map((f) => [f.code, f.summary]))).toBeDefined();
    expect(short?.severity).toBe('error');
    expect(short?.nodes).toEqual([2, 3]);
    expect(short?.summary).toContain('2 (down)');
    expect(short?.summary, short?.summary).toContain(`3 (${phrase})`);
  });
});
