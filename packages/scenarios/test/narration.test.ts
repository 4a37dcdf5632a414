import { describe, expect, it } from 'vitest';
import { castNeeded, resolveNarration } from '../src/index.ts';

describe('resolveNarration', () => {
  const names = new Map([
    ['leader', 3],
    ['old', 5],
  ]);

  const cast = { winner: 'the winner', buddy: 'one follower' };

  it.each([
    ['The leader (node {leader}) crashes.', 'The leader (node 3) crashes.'],
    ['Node {old} restarts.', 'Node 5 restarts.'],
    ['The winner (node {winner}) leads.', 'The winner leads.'],
    ['Nodes {leader} and {old} agree.', 'Nodes 3 and 5 agree.'],
    ['The pair (nodes {leader} and {winner}) waits.', 'The pair waits.'],
    ['Node {winner} wins.', 'The winner wins.'],
    ['It sends node {buddy} a message.', 'It sends one follower a message.'],
    ['Nodes {buddy} and {winner} agree.', 'One follower and the winner agree.'],
    ['Node {stranger} is not in the cast.', 'Node stranger is not in the cast.'],
    ['No placeholders (at all).', 'No placeholders (at all).'],
  ])('%s reads "%s"', (text, expected) => {
    expect(resolveNarration(text, names, cast)).toBe(expected);
  });

  it('lists the names a catalogue reading must describe', () => {
    expect(castNeeded('The leader (node {leader}) asks node {buddy} and {winner}.')).toEqual([
      'buddy',
      'winner',
    ]);
  });
});
