/**
 * A write whose entry a new leader overwrote failed, and its client must retry; the core never
 * refused it. Once later writes commit, it is history.
 */

import { describe, expect, it } from 'vitest';
import { diagnose, type Finding, whyNotCommitted } from '../src/index.ts';
import { healthySnapshot, Scenario } from './support/builders.ts';
import { init, write } from './support/histories.ts';

/**
 * Node 1 led term 2 and appended write w1 at entry 6 while cut off; node 2 won term 3, wrote its
 * own entry 6, committed it, and node 1 replaced its copy and failed the write.
 */
function overwritten(): Scenario {
  const s = new Scenario(healthySnapshot({ size: 3, leader: 2, term: 3, lastIndex: 5 }));
  init(s);
  s.proposal(1, 'Proposed', 'w1');
  s.proposal(1, 'Appended', 'w1', { index: 6, term: 2 });
  s.elapse(2);
  s.state(2, 'BecomeLeader');
  for (const id of [1, 2, 3]) {
    s.append(id, 6, 6, 3).set(id, { commit: 6, applied: 6, persisted: 6 });
    s.progress(2, id, { match: 6, next: 7 });
  }
  s.elapse(3);
  s.proposal(1, 'Dropped', 'w1', { reason: 'EntryOverwritten' });
  s.proposal(1, 'Answered', 'w1', { ok: false, reason: 'ProposalDropped' });
  return s.quiet(2, 2);
}

const about = (fs: Finding[], code: string) => fs.filter((f) => f.code === code);

describe('a write whose entry a new leader overwrote', () => {
  it('is reported as overwritten, not as refused by the core', () => {
    const fs = diagnose(overwritten().input());

    const [f] = about(fs, 'EntryOverwritten');
    expect(about(fs, 'ProposalDropped')).toEqual([]);
    expect(f?.severity).toBe('warning');
    expect(f?.nodes).toEqual([1]);
    expect(f?.entries).toEqual([6]);
    expect(f?.proposals).toEqual(['w1']);
    expect(f?.summary).toBe(
      "Write w1 at node 1 failed: its entry 6 (term 2) was overwritten by a new leader's log " +
        'before it committed (the leader, node 2, has an entry of term 3 there), so it was ' +
        'never applied and the client must retry it.',
    );
  });

  it('becomes information once a later write has committed', () => {
    const s = overwritten();
    write(s, 2, 7, 'retry');

    const [f] = about(diagnose(s.input()), 'EntryOverwritten');

    expect(f?.severity).toBe('info');
    expect(f?.detail).toContain('this is history');
  });

  it('stays a warning when only a read has succeeded since', () => {
    const s = overwritten();
    s.proposal(3, 'Proposed', 'r1', { op: 'read' });
    s.proposal(3, 'Answered', 'r1', { op: 'read', ok: true, index: 6 });

    expect(about(diagnose(s.input()), 'EntryOverwritten')[0]?.severity).toBe('warning');
  });

  it('answers "why not committed?" for that write with the overwrite', () => {
    const fs = whyNotCommitted(overwritten().input(), 'w1');

    expect(fs.map((f) => f.code)).toEqual(['EntryOverwritten']);
    expect(fs[0]?.summary).toContain('must retry');
  });
});
