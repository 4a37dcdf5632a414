import { describe, expect, it } from 'vitest';
import { type Finding, whyNotCommitted } from '../src/index.ts';
import { healthySnapshot, message, Scenario } from './support/builders.ts';
import { init, write } from './support/histories.ts';

const codes = (fs: Finding[]) => fs.map((f) => f.code);

function elected(size = 3, lastIndex = 5, term = 2): Scenario {
  const s = new Scenario(healthySnapshot({ size, lastIndex, term }));
  init(s);
  s.state(1, 'BecomeLeader');
  return s;
}

/** Leader 1 appends entry 6 now; followers have it on disk but have not answered yet. */
function inFlight(): Scenario {
  const s = elected().quiet(1, 3);
  s.append(1, 6, 6, 2).set(1, { persisted: 6 }).progress(1, 1, { match: 6, next: 7 });
  s.ready(1, { entries: [6, 6], messages: 2 });
  for (const p of [2, 3]) {
    s.exchange('MsgApp', 1, p, { index: 5, logTerm: 2, entries: [[2, 6, 'EntryNormal', 8]] });
    s.append(p, 6, 6, 2).set(p, { persisted: 6 });
  }
  return s.elapse(1);
}

describe('whyNotCommitted', () => {
  it('says an entry at or below the commit index is committed', () => {
    const input = elected().quiet(1, 3).input();

    const fs = whyNotCommitted(input, 3);

    expect(codes(fs)).toEqual(['AlreadyCommitted']);
    expect(fs[0]?.entries).toEqual([3]);
  });

  it('says a fresh entry is on its way when nothing holds it up', () => {
    const input = inFlight().input();

    const fs = whyNotCommitted(input, 6);

    expect(codes(fs)).toEqual(['InFlight']);
    expect(fs[0]?.severity).toBe('info');
  });

  it('names the missing voters of a stuck entry and why each is missing', () => {
    const s = inFlight();
    s.node(2).status = 'crashed';
    s.snapshot.links = [{ from: 3, to: 1, rule: { hold: true } }];
    s.elapse(30);

    const fs = whyNotCommitted(s.input(), 6);

    expect(codes(fs)).toEqual(['NodeDown', 'LinkHeld', 'QuorumShort']);
    expect(fs.every((f) => f.severity === 'error')).toBe(true);
    expect(fs[2]?.nodes).toEqual([2, 3]);
    expect(fs[2]?.summary).toContain('2 (down)');
    expect(fs[2]?.summary).toContain('3 (link held)');
  });

  it('explains in-flight causes too, without calling them errors', () => {
    const s = inFlight();
    s.node(2).status = 'crashed';

    const fs = whyNotCommitted(s.input(), 6);

    expect(codes(fs)).toContain('QuorumShort');
    expect(fs.find((f) => f.code === 'QuorumShort')?.severity).toBe('info');
  });

  it('explains an entry of an older term waiting for one of the current term', () => {
    const s = elected(3, 5, 2);
    s.set(1, { term: 3, commit: 3 });
    s.append(1, 6, 6, 3).set(1, { persisted: 6 }).progress(1, 1, { match: 6, next: 7 });
    s.progress(1, 2, { match: 5, next: 7 });
    s.progress(1, 3, { match: 3, next: 4 });
    s.node(3).status = 'crashed';
    s.snapshot.links = [{ from: 1, to: 2, rule: { hold: true } }];
    s.elapse(30);

    const fs = whyNotCommitted(s.input(), 4);

    expect(codes(fs)).toContain('OlderTermEntry');
    const older = fs.find((f) => f.code === 'OlderTermEntry');
    expect(older?.entries).toEqual([4, 5]);
    expect(older?.summary).toContain('entry 6');
    const short = fs.find((f) => f.code === 'QuorumShort');
    expect(short?.entries).toEqual([6]);
    expect(codes(fs)).toEqual(expect.arrayContaining(['NodeDown', 'LinkHeld']));
  });

  it('answers with the reasons there is no leader when there is none', () => {
    const s = elected();
    for (const n of [1, 2, 3]) s.set(n, { role: 'StateFollower', lead: 0, progress: undefined });
    s.node(2).status = 'crashed';
    s.node(3).status = 'crashed';
    s.elapse(40);

    const fs = whyNotCommitted(s.input(), 6);

    expect(codes(fs)).toEqual(['NodeDown', 'NodeDown', 'QuorumUnreachable', 'NoLeader']);
  });

  it("says a follower learns of the leader's commit with the next message", () => {
    const s = elected().quiet(1, 2);
    s.set(3, { commit: 4 });

    const fs = whyNotCommitted(s.input(), 5, { node: 3 });

    expect(codes(fs)).toEqual(['CommitNotYetKnown']);
  });

  it("adds the blocked link when the follower cannot hear the leader's commit", () => {
    const s = elected().quiet(1, 2);
    s.set(3, { commit: 4 });
    s.snapshot.partitions = [[1, 2], [3]];

    const fs = whyNotCommitted(s.input(), 5, { node: 3 });

    expect(codes(fs)).toEqual(['Partitioned', 'CommitNotYetKnown']);
  });

  it("says a follower's entry of another term will be replaced", () => {
    const s = elected(3, 5, 3);
    s.append(3, 6, 7, 2);

    const fs = whyNotCommitted(s.quiet(1, 2).input(), 6, { node: 3 });

    expect(codes(fs)[0]).toBe('EntryWillBeReplaced');
    expect(fs[0]?.nodes).toEqual([3, 1]);
  });

  it('explains a dropped proposal by its reason', () => {
    const s = elected().quiet(1, 2);
    s.proposal(2, 'Proposed', 'w1');
    s.proposal(2, 'Dropped', 'w1', { reason: 'proposal dropped: leader transfer in progress' });
    s.proposal(2, 'Proposed', 'w2');
    s.proposal(2, 'Dropped', 'w2', { reason: 'proposal dropped: leader transfer in progress' });

    const fs = whyNotCommitted(s.input(), 'w1');

    expect(codes(fs)).toEqual(['ProposalDropped']);
    expect(fs[0]?.proposals).toEqual(['w1']);
    expect(fs[0]?.summary).toContain('leadership was being transferred');
  });

  it('says an answered write is committed, and warns when it was answered too early', () => {
    const s = elected().quiet(1, 2);
    write(s, 1, 6, 'good');
    s.proposal(1, 'Proposed', 'early');
    s.append(1, 7, 7, 2);
    s.proposal(1, 'Appended', 'early', { index: 7, term: 2 });
    s.proposal(1, 'Answered', 'early', { index: 7, term: 2, ok: true });
    const input = s.input();

    expect(codes(whyNotCommitted(input, 'good'))).toEqual(['AlreadyCommitted']);
    expect(codes(whyNotCommitted(input, 'early'))).toEqual([
      'AckedBeforeApplied',
      'AlreadyCommitted',
    ]);
  });

  it('reports a write answered with an error, and why its entry is not committed', () => {
    const s = inFlight();
    s.proposal(1, 'Proposed', 'w1');
    s.proposal(1, 'Appended', 'w1', { index: 6, term: 2 });
    s.node(2).status = 'crashed';
    s.node(3).status = 'crashed';
    s.elapse(30);
    s.proposal(1, 'Answered', 'w1', { ok: false, reason: 'Timeout' });

    const fs = whyNotCommitted(s.input(), 'w1');

    expect(codes(fs)).toEqual(['NodeDown', 'NodeDown', 'QuorumShort', 'ProposalFailed']);
    expect(fs.every((f) => f.proposals?.includes('w1'))).toBe(true);
  });

  it('follows a pending proposal to its entry', () => {
    const s = inFlight();
    s.proposal(1, 'Proposed', 'w1');
    s.proposal(1, 'Appended', 'w1', { index: 6, term: 2 });

    const fs = whyNotCommitted(s.input(), 'w1');

    expect(codes(fs)).toEqual(['InFlight']);
    expect(fs[0]?.proposals).toEqual(['w1']);
  });

  it('says a forwarded proposal has not reached the leader, and why', () => {
    const s = elected().quiet(1, 2);
    s.proposal(2, 'Proposed', 'w1');
    s.proposal(2, 'Forwarded', 'w1');
    s.snapshot.links = [{ from: 2, to: 1, rule: { dropRate: 1 } }];
    s.quiet(1, 15);

    const fs = whyNotCommitted(s.input(), 'w1');

    expect(codes(fs)).toEqual(['LinkDropping', 'ProposalNotAppended']);
    expect(fs[1]?.severity).toBe('warning');
  });

  it('says when the selected entry waits on a snapshot being sent', () => {
    const s = inFlight();
    s.progress(1, 3, { state: 'StateSnapshot', pendingSnapshot: 5, match: 0 });
    s.node(2).status = 'crashed';
    s.net('Send', message('MsgSnap', 1, 3, { snapshot: { index: 5, term: 2 } }));

    const fs = whyNotCommitted(s.input(), 6);

    expect(codes(fs)).toEqual(expect.arrayContaining(['AwaitingSnapshot', 'QuorumShort']));
  });

  it('mentions a configuration change pending at the selected entry', () => {
    const s = elected().quiet(1, 2);
    s.append(1, 6, 6, 2, 'EntryConfChangeV2').set(1, { persisted: 6 });
    s.progress(1, 1, { match: 6, next: 7 });
    s.ready(1, { entries: [6, 6] });

    const fs = whyNotCommitted(s.elapse(1).input(), 6);

    expect(codes(fs)).toEqual(['PendingConfChange', 'InFlight']);
  });

  it('answers nothing for a proposal the trace does not mention', () => {
    expect(whyNotCommitted(elected().input(), 'nope')).toEqual([]);
  });
});
