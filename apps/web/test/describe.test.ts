import { beforeEach, describe, expect, it } from 'vitest';
import { describeEvent, formatSpeed } from '../src/model/describe.ts';
import { appendFeed } from '../src/model/feed.ts';
import { msg, net, resetSeq, state } from './fixtures.ts';

describe('describeEvent', () => {
  beforeEach(() => resetSeq());

  it.each([
    [state('BecomeLeader', 2, { term: 3, role: 'StateLeader' }), 'n2 became leader for term 3'],
    [state('BecomeCandidate', 4, { term: 5 }), 'n4 became candidate for term 5 and asks for votes'],
    [net('Hold', 'a', msg('MsgApp', 1, 3), 0), 'n1 → n3 MsgApp held'],
    [
      net('Drop', 'b', msg('MsgVote', 2, 5), 0, { reason: 'partition' }),
      'n2 → n5 messages dropped by the partition',
    ],
  ])('says %# in plain words', (event, sentence) => {
    expect(describeEvent(event)?.text).toBe(sentence);
  });

  it('stays quiet about routine sends and deliveries', () => {
    expect(describeEvent(net('Send', 'a', msg('MsgHeartbeat', 1, 2), 0))).toBeNull();
    expect(describeEvent(net('Deliver', 'a', msg('MsgHeartbeat', 1, 2), 0))).toBeNull();
  });

  it('narrates commits only from the leader', () => {
    expect(describeEvent(state('Commit', 1, { commit: 4, role: 'StateFollower' }))).toBeNull();
    expect(describeEvent(state('Commit', 2, { commit: 4, role: 'StateLeader' }))?.text).toBe(
      'n2 committed up to index 4',
    );
  });
});

describe('formatSpeed', () => {
  it.each([
    [1, '1×'],
    [0.25, '0.25×'],
    [0.05, '0.05×'],
    [0.01, '0.01×'],
  ])('%f reads %s', (f, text) => {
    expect(formatSpeed(f)).toBe(text);
  });
});

describe('appendFeed', () => {
  const item = (seq: number, text: string) => ({
    seq,
    wallMs: seq,
    text,
    tone: 'net' as const,
    announce: false,
  });

  it('folds a sentence that repeats among the last few into one line with a count', () => {
    const feed = appendFeed([], [item(1, 'a'), item(2, 'b'), item(3, 'a'), item(4, 'a')], 10);

    expect(feed.map((f) => [f.text, f.count ?? 1, f.seq])).toEqual([
      ['b', 1, 2],
      ['a', 3, 4],
    ]);
  });

  it('keeps at most the capacity, dropping the oldest', () => {
    const feed = appendFeed(
      [],
      [1, 2, 3, 4, 5, 6].map((i) => item(i, `s${i}`)),
      4,
    );

    expect(feed.map((f) => f.text)).toEqual(['s3', 's4', 's5', 's6']);
  });
});
