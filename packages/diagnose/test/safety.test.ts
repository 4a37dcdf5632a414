import { describe, expect, it } from 'vitest';
import { type Finding, SafetyMonitor } from '../src/index.ts';
import { healthySnapshot, Scenario } from './support/builders.ts';

const codes = (fs: readonly Finding[]) => fs.map((f) => f.code);

function clusterAt(lastIndex = 5, term = 2) {
  return new Scenario(healthySnapshot({ lastIndex, term }));
}

describe('SafetyMonitor', () => {
  it('stays silent over a healthy snapshot and its events', () => {
    const s = clusterAt();
    s.state(1, 'BecomeLeader');
    s.state(1, 'Commit');
    const m = new SafetyMonitor();

    expect(m.observe(s.events)).toEqual([]);
    expect(m.observe(s.input().snapshot)).toEqual([]);
  });

  it('catches two leaders in one term from the trace', () => {
    const s = clusterAt();
    const first = s.state(1, 'BecomeLeader');
    const second = s.state(2, 'BecomeLeader', { role: 'StateLeader' });
    const m = new SafetyMonitor();

    const fs = m.observe(s.events);

    expect(codes(fs)).toEqual(['TwoLeadersInTerm']);
    expect(fs[0]?.severity).toBe('critical');
    expect(fs[0]?.nodes).toEqual([1, 2]);
    expect(fs[0]?.evidence).toEqual([
      { kind: 'event', seq: first.seq },
      { kind: 'event', seq: second.seq },
    ]);
  });

  it('catches two leaders in one term from snapshots', () => {
    const s = clusterAt();
    s.set(3, { role: 'StateLeader' });
    const m = new SafetyMonitor();

    expect(codes(m.observe(s.input().snapshot))).toEqual(['TwoLeadersInTerm']);
  });

  it('accepts one leader per term, and the same leader seen again', () => {
    const s = clusterAt();
    s.state(1, 'BecomeLeader');
    s.state(1, 'Commit');
    s.state(2, 'BecomeLeader', { role: 'StateLeader', term: 3 });
    const m = new SafetyMonitor();

    expect(m.observe(s.events)).toEqual([]);
  });

  it('catches logs that share an entry but not what comes before it', () => {
    const s = clusterAt(5, 2);
    s.append(2, 3, 3, 1).append(2, 4, 5, 2);
    s.set(2, { commit: 2, applied: 2 });
    const m = new SafetyMonitor();

    const fs = m.observe(s.input().snapshot);

    expect(codes(fs)).toEqual(['LogMismatch']);
    expect(fs[0]?.entries).toEqual([4]);
  });

  it('catches one entry with two contents', () => {
    const s = clusterAt();
    const entry = s.view(3).log.entries[4];
    if (entry) entry.summary = 'put other';
    s.set(3, { commit: 4, applied: 4 });

    expect(codes(new SafetyMonitor().observe(s.input().snapshot))).toEqual(['LogMismatch']);
  });

  it('catches a committed entry replaced by another', () => {
    const m = new SafetyMonitor();
    const before = clusterAt(5, 2);
    before.set(2, { applied: 4 }).set(3, { applied: 4 });
    m.observe(before.input().snapshot);
    const after = clusterAt(5, 2);
    after.append(2, 5, 5, 3).set(2, { applied: 4 });

    const fs = m.observe(after.input().snapshot);

    expect(codes(fs)).toContain('CommittedEntryChanged');
  });

  it('catches two nodes applying different entries at one index', () => {
    const s = clusterAt(5, 2);
    s.append(3, 5, 5, 3);
    for (const n of [1, 2, 3]) s.set(n, { role: 'StateFollower' });

    const fs = new SafetyMonitor().observe(s.input().snapshot);

    expect(codes(fs)).toEqual(['AppliedEntriesDiffer']);
    expect(fs[0]?.entries).toEqual([5]);
  });

  it('catches a commit index that goes back', () => {
    const s = clusterAt();
    s.state(2, 'Commit', { commit: 5 });
    s.state(2, 'Commit', { commit: 4 });

    const fs = new SafetyMonitor().observe(s.events);

    expect(codes(fs)).toEqual(['CommitRegressed']);
    expect(fs[0]?.nodes).toEqual([2]);
  });

  it('lets a restarted node resume from a lower commit index', () => {
    const s = clusterAt();
    s.state(2, 'Commit', { commit: 5 });
    s.control('NodeRestarted', { node: 2 });
    s.state(2, 'InitState', { commit: 3 });

    expect(new SafetyMonitor().observe(s.events)).toEqual([]);
  });

  /** Entries 1..5 committed on nodes 1 and 2, while node 3 holds only 1..3. */
  function nodeThreeBehind(): Scenario {
    const s = clusterAt(5, 2);
    s.append(3, 1, 3, 2).set(3, { commit: 3, applied: 3, persisted: 3 });
    return s;
  }

  it('catches a leader elected without a committed entry', () => {
    const m = new SafetyMonitor();
    m.observe(nodeThreeBehind().input().snapshot);
    const s = nodeThreeBehind();
    s.set(3, { term: 3 });

    const fs = m.observe([s.state(3, 'BecomeLeader', { role: 'StateLeader', term: 3 })]);

    expect(codes(fs)).toEqual(['LeaderMissingCommittedEntry']);
    expect(fs[0]?.entries).toEqual([4]);
  });

  it('catches a leader without a committed entry in a snapshot', () => {
    const m = new SafetyMonitor();
    m.observe(nodeThreeBehind().input().snapshot);
    const s = nodeThreeBehind();
    s.set(1, { role: 'StateFollower' });
    s.set(3, { role: 'StateLeader', term: 3 });

    expect(codes(m.observe(s.input().snapshot))).toEqual(['LeaderMissingCommittedEntry']);
  });

  it('catches an acknowledged write whose entry is committed with another term', () => {
    const s = clusterAt(5, 2);
    s.proposal(1, 'Proposed', 'w1');
    s.proposal(1, 'Appended', 'w1', { index: 6, term: 2 });
    const answered = s.proposal(1, 'Answered', 'w1', { ok: true });
    const m = new SafetyMonitor();
    expect(m.observe(s.events)).toEqual([]);
    const later = clusterAt(6, 2);
    later.append(1, 6, 6, 3).append(2, 6, 6, 3).append(3, 6, 6, 3);

    const fs = m.observe(later.input().snapshot);

    expect(codes(fs)).toEqual(['AckedWriteLost']);
    expect(fs[0]?.proposals).toEqual(['w1']);
    expect(fs[0]?.evidence[0]).toEqual({ kind: 'event', seq: answered.seq });
  });

  it('catches an acknowledged write overtaken by a commit of a later term below it', () => {
    const s = clusterAt(5, 2);
    s.proposal(1, 'Appended', 'w1', { index: 7, term: 2 });
    s.proposal(1, 'Answered', 'w1', { ok: true });
    const m = new SafetyMonitor();
    m.observe(s.events);
    const later = clusterAt(5, 2);
    for (const n of [1, 2, 3]) later.append(n, 6, 6, 3).set(n, { commit: 6, applied: 6 });

    expect(codes(m.observe(later.input().snapshot))).toEqual(['AckedWriteLost']);
  });

  it('confirms an acknowledged write once its entry is committed', () => {
    const s = clusterAt(5, 2);
    s.proposal(1, 'Appended', 'w1', { index: 5, term: 2 });
    s.proposal(1, 'Committed', 'w1');
    s.proposal(1, 'Applied', 'w1');
    s.proposal(1, 'Answered', 'w1', { ok: true });
    const m = new SafetyMonitor();

    expect(m.observe(s.events)).toEqual([]);
    expect(m.observe(s.input().snapshot)).toEqual([]);
  });

  it('reports each violation once', () => {
    const s = clusterAt();
    s.set(3, { role: 'StateLeader' });
    const snap = s.input().snapshot;
    const m = new SafetyMonitor();

    expect(m.observe(snap)).toHaveLength(1);
    expect(m.observe(snap)).toEqual([]);
    expect(m.findings).toHaveLength(1);
  });
});
