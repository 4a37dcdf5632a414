import { describe, expect, it } from 'vitest';
import { Changer } from '../../../src/confchange/changer.ts';
import { restore } from '../../../src/confchange/restore.ts';
import { ProgressTracker, trackerConfigToString } from '../../../src/tracker/tracker.ts';
import { type ConfState, emptyConfState, type LogIndex, type NodeId } from '../../../src/types.ts';

const ids = (...n: number[]) => n as NodeId[];

/** A tracker holding the configuration `cs`, every progress probing from index 10. */
function trackerFor(cs: Partial<ConfState>): ProgressTracker {
  const t = new ProgressTracker(4, 0);
  const r = restore(new Changer(t, 10 as LogIndex), { ...emptyConfState(), ...cs });
  if (!r.ok) throw new Error(r.error);
  t.config = r.config;
  t.progress = r.progress;
  return t;
}

function setMatches(t: ProgressTracker, matches: Record<number, number>): void {
  for (const [id, m] of Object.entries(matches)) {
    const pr = t.progress.get(Number(id) as NodeId);
    if (pr === undefined) throw new Error(`no progress for ${id}`);
    pr.match = m as LogIndex;
  }
}

describe('ProgressTracker', () => {
  it('commits what a majority of voters has matched, ignoring learners', () => {
    const t = trackerFor({ voters: ids(1, 2, 3), learners: ids(4, 5) });

    setMatches(t, { 1: 10, 2: 7, 3: 3, 4: 20, 5: 20 });

    expect(t.committed()).toBe(7);
  });

  it('commits in a joint configuration only what both halves have matched', () => {
    const t = trackerFor({ voters: ids(1, 2, 3), votersOutgoing: ids(1, 4, 5) });

    setMatches(t, { 1: 10, 2: 10, 3: 10, 4: 2, 5: 1 });

    expect(t.committed()).toBe(2);
  });

  it('is a singleton with exactly one voter and no joint change', () => {
    expect(trackerFor({ voters: ids(1), learners: ids(2) }).isSingleton()).toBe(true);
    expect(trackerFor({ voters: ids(1, 2) }).isSingleton()).toBe(false);
    expect(trackerFor({ voters: ids(1), votersOutgoing: ids(1, 2) }).isSingleton()).toBe(false);
  });

  it('reports the configuration as a sorted ConfState', () => {
    const cs: ConfState = {
      voters: ids(3, 1, 2),
      learners: ids(6),
      votersOutgoing: ids(4, 1),
      learnersNext: ids(4),
      autoLeave: true,
    };

    const t = trackerFor(cs);

    expect(t.confState()).toEqual({
      voters: [1, 2, 3],
      learners: [6],
      votersOutgoing: [1, 4],
      learnersNext: [4],
      autoLeave: true,
    });
    expect(trackerConfigToString(t.config)).toBe(
      'voters=(1 2 3)&&(1 4) learners=(6) learners_next=(4) autoleave',
    );
  });

  it('lists voters of both halves and learners, sorted', () => {
    const t = trackerFor({ voters: ids(5, 2), votersOutgoing: ids(2, 3), learners: ids(9, 7) });

    expect(t.voterNodes()).toEqual([2, 3, 5]);
    expect(t.learnerNodes()).toEqual([7, 9]);
  });

  it('visits every peer in ascending id order', () => {
    const t = trackerFor({ voters: ids(10, 3, 7), learners: ids(1) });
    const seen: number[] = [];

    t.visit((id) => seen.push(id));

    expect(seen).toEqual([1, 3, 7, 10]);
  });

  it('has an active quorum when a majority of voters was recently heard from', () => {
    const t = trackerFor({ voters: ids(1, 2, 3), learners: ids(4) });
    const activeOnly = (...active: number[]) => {
      t.visit((id, pr) => {
        pr.recentActive = active.includes(id);
      });
      return t.quorumActive();
    };

    expect(activeOnly()).toBe(false);
    expect(activeOnly(1, 4)).toBe(false);
    expect(activeOnly(1, 2)).toBe(true);
  });

  it('counts only the first vote of each node and only voters in the tally', () => {
    const t = trackerFor({ voters: ids(1, 2, 3, 4, 5), learners: ids(6) });

    t.recordVote(1 as NodeId, true);
    t.recordVote(2 as NodeId, false);
    t.recordVote(2 as NodeId, true);
    t.recordVote(6 as NodeId, true);
    t.recordVote(9 as NodeId, true);
    const pending = t.tallyVotes();
    t.recordVote(3 as NodeId, true);
    t.recordVote(4 as NodeId, true);
    const won = t.tallyVotes();

    expect(pending).toEqual({ granted: 1, rejected: 1, result: 'VotePending' });
    expect(won).toEqual({ granted: 3, rejected: 1, result: 'VoteWon' });
  });

  it('loses the vote once a majority refuses, and forgets votes on reset', () => {
    const t = trackerFor({ voters: ids(1, 2, 3) });

    t.recordVote(2 as NodeId, false);
    t.recordVote(3 as NodeId, false);
    const lost = t.tallyVotes().result;
    t.resetVotes();

    expect(lost).toBe('VoteLost');
    expect(t.tallyVotes()).toEqual({ granted: 0, rejected: 0, result: 'VotePending' });
  });
});

describe('restore', () => {
  it('restores the empty ConfState to the empty configuration', () => {
    const t = new ProgressTracker(4, 0);

    const r = restore(new Changer(t, 0 as LogIndex), emptyConfState());

    expect(r.ok && r.config.voters[0].size + r.progress.size).toBe(0);
  });

  it('stages demoted outgoing voters and marks learners', () => {
    const t = trackerFor({
      voters: ids(1, 2, 3),
      learners: ids(5),
      votersOutgoing: ids(1, 2, 4, 6),
      learnersNext: ids(4),
    });

    expect(trackerConfigToString(t.config)).toBe(
      'voters=(1 2 3)&&(1 2 4 6) learners=(5) learners_next=(4)',
    );
    expect(t.progress.get(5 as NodeId)?.isLearner).toBe(true);
    expect(t.progress.get(4 as NodeId)?.isLearner).toBe(false);
  });

  it('refuses a ConfState with no voters but learners', () => {
    const t = new ProgressTracker(4, 0);

    const r = restore(new Changer(t, 0 as LogIndex), { ...emptyConfState(), learners: ids(1) });

    expect(r).toMatchObject({ ok: false, code: 'RemovedAllVoters', error: 'removed all voters' });
  });
});
