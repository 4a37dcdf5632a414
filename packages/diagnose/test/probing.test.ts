/**
 * A follower that rejects appends is either behind (its log is a shorter copy of the leader's,
 * for instance after a partition) or divergent (it holds entries of another term). The
 * diagnosis must say which, from the follower's log and the rejection's hint.
 */

import { describe, expect, it } from 'vitest';
import { diagnose, type Finding } from '../src/index.ts';
import { healthySnapshot, Scenario } from './support/builders.ts';
import { init } from './support/histories.ts';

const probing = (fs: Finding[]) => fs.find((f) => f.code === 'FollowerProbing');

/**
 * Leader 1 of term 3 has entries 1..5 of term 1 and 6..8 of term 3; node 2 has them all. Node 3
 * holds entries 1..5 and, when `stray` is set, entries 6..7 of term 2 from an earlier leader.
 */
function cluster(stray: boolean): Scenario {
  const s = new Scenario(healthySnapshot({ size: 3, term: 3, lastIndex: 5 }));
  for (const id of [1, 2, 3]) s.append(id, 1, 5, 1);
  for (const id of [1, 2]) s.append(id, 6, 8, 3).set(id, { commit: 8, applied: 8, persisted: 8 });
  if (stray) s.append(3, 6, 7, 2).set(3, { persisted: 7 });
  s.progress(1, 1, { match: 8, next: 9 }).progress(1, 2, { match: 8, next: 9 });
  init(s);
  s.state(1, 'BecomeLeader');
  return s;
}

/** Node 3 rejects the leader's append after entry 8 with the hint its log gives. */
function rejects(s: Scenario, hint: number, hintTerm: number): Scenario {
  s.exchange('MsgAppResp', 3, 1, {
    term: 3,
    reject: true,
    index: 8,
    rejectHint: hint,
    logTerm: hintTerm,
  });
  s.progress(1, 3, { state: 'StateProbe', match: 0, next: hint + 1, paused: true });
  return s;
}

describe('a follower that rejects appends', () => {
  it("is called behind when its log is a prefix of the leader's", () => {
    const s = rejects(cluster(false), 5, 1).elapse(30);

    const f = probing(diagnose(s.input()));

    expect(f?.nodes).toEqual([3]);
    expect(f?.summary).toContain('Node 3 is behind, not divergent');
    expect(f?.summary).toContain("matched the leader's up to entry 5");
    expect(f?.summary).not.toContain('disagrees');
    expect(f?.evidence).toContainEqual({
      kind: 'field',
      node: 3,
      path: 'groups.1.log.lastIndex',
      value: 5,
    });
  });

  it('is called divergent when it holds entries of another term', () => {
    const s = rejects(cluster(true), 7, 2).elapse(30);

    const f = probing(diagnose(s.input()));

    expect(f?.summary).toContain("Node 3's log disagrees with the leader's at entry 6");
    expect(f?.summary).toContain('term 2 there, the leader');
    expect(f?.summary).not.toContain('behind');
  });

  it('is called divergent from the hint alone when its log window shows nothing', () => {
    const s = rejects(cluster(true), 7, 2);
    s.view(3).log.entries = [];
    s.elapse(30);

    const f = probing(diagnose(s.input()));

    expect(f?.summary).toContain("Node 3's log disagrees with the leader's at entry 7");
  });

  it('says, as information only, that a follower only behind is being caught up', () => {
    const s = cluster(false).elapse(30);
    rejects(s, 5, 1).elapse(1);

    const fs = diagnose(s.input());

    expect(fs.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(probing(fs)?.severity).toBe('info');
    expect(probing(fs)?.summary).toContain('Node 3 is behind, not divergent');
  });

  it('warns at once about a divergent follower whose entries have waited long', () => {
    const s = cluster(true).elapse(30);
    rejects(s, 7, 2).elapse(1);

    expect(probing(diagnose(s.input()))?.severity).toBe('warning');
  });

  it('warns when the catching up lasts an election timeout', () => {
    const s = cluster(false).elapse(30);
    rejects(s, 5, 1).elapse(15);

    expect(probing(diagnose(s.input()))?.severity).toBe('warning');
  });
});
