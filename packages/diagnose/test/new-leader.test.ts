/**
 * A leader that has just won an election knows nothing of its followers yet: their progress has
 * match 0 and recentActive false until the first answers arrive. None of that is a problem
 * until the leader has led for an election timeout without hearing from them.
 */

import { describe, expect, it } from 'vitest';
import { diagnose, type Finding } from '../src/index.ts';
import { healthySnapshot, progress, Scenario } from './support/builders.ts';
import { init } from './support/histories.ts';

const serious = (fs: Finding[]) =>
  fs.filter((f) => f.severity !== 'info').map((f) => [f.code, f.nodes[0]]);

/**
 * Node 1 led term 1 for 40 ticks with entries 1..5 on every node, then crashed; node 2 has just
 * won term 2 and appended its empty entry 6. No follower has answered node 2 yet.
 */
function justElected(): Scenario {
  const s = new Scenario(healthySnapshot({ size: 3, leader: 1, term: 1, lastIndex: 5 }));
  init(s);
  s.state(1, 'BecomeLeader');
  s.quiet(1, 15);
  s.node(1).status = 'crashed';
  s.control('NodeCrashed', { node: 1 });
  s.elapse(12);
  s.set(2, { role: 'StateLeader', term: 2, vote: 2, lead: 2 });
  s.set(3, { term: 2, vote: 2, lead: 2 });
  s.view(1).progress = undefined;
  s.state(2, 'BecomeLeader');
  s.append(2, 6, 6, 2).set(2, { persisted: 6 });
  const waiting = progress({ match: 0, next: 6, state: 'StateProbe', recentActive: false });
  s.set(2, {
    progress: {
      '1': { ...waiting },
      '2': progress({ match: 6, next: 7 }),
      '3': { ...waiting },
    },
  });
  s.ready(2, { entries: [6, 6], messages: 2, mustSync: true });
  return s;
}

describe('a leader that has just been elected', () => {
  it('raises no warning about followers that have not answered yet', () => {
    const s = justElected().elapse(1);

    expect(serious(diagnose(s.input()))).toEqual([['NodeDown', 1]]);
  });

  it('names a follower inactive once it has led an election timeout without hearing from it', () => {
    const s = justElected();
    for (let i = 0; i < 8; i++) s.elapse(2).exchange('MsgHeartbeat', 2, 3, { term: 2 });

    const found = diagnose(s.input()).find((f) => f.code === 'FollowerInactive');

    expect(found?.nodes).toEqual([3]);
    expect(found?.severity).toBe('error');
    expect(found?.summary).toContain('for 16 ticks since it took over in term 2');
  });

  it('does not call a follower inactive that answered within the election timeout', () => {
    const s = justElected();
    for (let i = 0; i < 8; i++) {
      s.elapse(2).exchange('MsgHeartbeat', 2, 3, { term: 2 });
      s.exchange('MsgHeartbeatResp', 3, 2, { term: 2 });
    }

    const codes = diagnose(s.input()).map((f) => f.code);

    expect(codes).not.toContain('FollowerInactive');
  });
});
