import { type Message, type NodeId, newMessage, type Term } from '@raftlens/raft';
import { describe, expect, it } from 'vitest';
import { ClusterError } from '../src/api.ts';
import { NetworkShaper, type ShaperEvent } from '../src/net/shaper.ts';
import { SeededRandom } from '../src/time/random.ts';
import { VirtualScheduler } from '../src/time/scheduler.ts';
import type { Envelope } from '../src/transport/types.ts';

function setup(opts: { refuse?: boolean } = {}) {
  const scheduler = new VirtualScheduler();
  const events: ShaperEvent[] = [];
  const wire: Array<{ from: number; to: number; env: Envelope; atMs: number }> = [];
  const settled: Array<{ msgId: string; delivered: boolean; reason?: string }> = [];
  const shaper = new NetworkShaper(
    {
      scheduler,
      transmit: (from, to, env) => {
        if (opts.refuse) return false;
        wire.push({ from, to, env, atMs: scheduler.now() });
        return true;
      },
      record: (e) => events.push(e),
      settled: (_from, _to, env, delivered, reason) => {
        const s: { msgId: string; delivered: boolean; reason?: string } = {
          msgId: env.msgId,
          delivered,
        };
        if (reason !== undefined) s.reason = reason;
        settled.push(s);
      },
      reorderWindowMs: () => 50,
    },
    new SeededRandom(3),
  );
  return { scheduler, events, wire, settled, shaper };
}

function msg(type: Message['type'], from: number, to: number, term = 1): Message {
  return newMessage({ type, from: from as NodeId, to: to as NodeId, term: term as Term });
}

const names = (events: ShaperEvent[]) => events.map((e) => `${e.name}:${e.env.msgId}`);

describe('NetworkShaper', () => {
  it('gives every message an id per sender and sends it on when no rule applies', () => {
    const { shaper, events, wire } = setup();

    shaper.send(1, 1, msg('MsgHeartbeat', 1, 2));
    shaper.send(1, 1, msg('MsgHeartbeat', 1, 3));
    shaper.send(2, 1, msg('MsgHeartbeatResp', 2, 1));

    expect(wire.map((w) => w.env.msgId)).toEqual(['1.1', '1.2', '2.1']);
    expect(names(events)).toEqual(['Send:1.1', 'Send:1.2', 'Send:2.1']);
  });

  it('drops everything on a link with dropRate 1, and only that link', () => {
    const { shaper, events, wire, settled } = setup();
    shaper.setRule(1, 2, { dropRate: 1 });

    shaper.send(1, 1, msg('MsgApp', 1, 2));
    shaper.send(1, 1, msg('MsgApp', 1, 3));

    expect(wire.map((w) => w.to)).toEqual([3]);
    expect(events.find((e) => e.name === 'Drop')?.reason).toBe('link-rule');
    expect(settled[0]).toEqual({ msgId: '1.1', delivered: false, reason: 'link-rule' });
  });

  it('drops about the given fraction with a probability rule', () => {
    const { shaper, wire } = setup();
    shaper.setRule(1, 2, { dropRate: 0.3 });

    for (let i = 0; i < 1000; i++) shaper.send(1, 1, msg('MsgApp', 1, 2));

    expect(wire.length).toBeGreaterThan(620);
    expect(wire.length).toBeLessThan(780);
  });

  it('applies a rule only to the message types it names', () => {
    const { shaper, wire } = setup();
    shaper.setRule(1, 2, { dropRate: 1, types: ['MsgApp'] });

    shaper.send(1, 1, msg('MsgApp', 1, 2));
    shaper.send(1, 1, msg('MsgHeartbeat', 1, 2));

    expect(wire.map((w) => w.env.msg.type)).toEqual(['MsgHeartbeat']);
  });

  it('holds messages until released or dropped by id', () => {
    const { shaper, events, wire } = setup();
    shaper.setRule(1, 2, { hold: true });
    shaper.send(1, 1, msg('MsgApp', 1, 2));
    shaper.send(1, 1, msg('MsgApp', 1, 2));
    expect(shaper.heldMessages().map((h) => h.msgId)).toEqual(['1.1', '1.2']);

    shaper.release('1.2');
    shaper.dropHeld('1.1');

    expect(wire.map((w) => w.env.msgId)).toEqual(['1.2']);
    expect(names(events)).toEqual([
      'Send:1.1',
      'Hold:1.1',
      'Send:1.2',
      'Hold:1.2',
      'Release:1.2',
      'Drop:1.1',
    ]);
    expect(shaper.heldMessages()).toEqual([]);
    expect(() => shaper.release('1.1')).toThrowError(ClusterError);
  });

  it('delays by the fixed delay plus jitter', () => {
    const { shaper, scheduler, wire, events } = setup();
    shaper.setRule(1, 2, { delayMs: 100, jitterMs: 20 });

    shaper.send(1, 1, msg('MsgApp', 1, 2));
    scheduler.advanceBy(99);
    expect(wire).toHaveLength(0);
    scheduler.advanceBy(30);

    expect(wire).toHaveLength(1);
    const delay = events.find((e) => e.name === 'Delay')?.delayMs ?? 0;
    expect(delay).toBeGreaterThanOrEqual(100);
    expect(delay).toBeLessThan(120);
    expect(wire[0]?.atMs).toBeCloseTo(delay, 6);
  });

  it('duplicates with a fresh id for the copy', () => {
    const { shaper, wire, events } = setup();
    shaper.setRule(1, 2, { duplicateRate: 1 });

    shaper.send(1, 1, msg('MsgApp', 1, 2));

    expect(wire.map((w) => w.env.msgId)).toEqual(['1.1', '1.2']);
    expect(events.find((e) => e.name === 'Duplicate')?.copyId).toBe('1.2');
  });

  it('lets a later message overtake a reordered one', () => {
    const { shaper, wire } = setup();
    shaper.setRule(1, 2, { reorderRate: 1 });
    shaper.send(1, 1, msg('MsgApp', 1, 2));
    shaper.clearRule(1, 2);

    shaper.send(1, 1, msg('MsgHeartbeat', 1, 2));

    expect(wire.map((w) => w.env.msgId)).toEqual(['1.2', '1.1']);
  });

  it('sends a reordered message after the window when nothing overtakes it', () => {
    const { shaper, scheduler, wire } = setup();
    shaper.setRule(1, 2, { reorderRate: 1 });

    shaper.send(1, 1, msg('MsgApp', 1, 2));
    scheduler.advanceBy(60);

    expect(wire.map((w) => w.env.msgId)).toEqual(['1.1']);
  });

  it('drops across a partition, also for messages that were delayed into it', () => {
    const { shaper, scheduler, wire, events } = setup();
    shaper.setRule(1, 3, { delayMs: 10 });
    shaper.send(1, 1, msg('MsgApp', 1, 3));
    shaper.partition([[1, 2], [3]], [1, 2, 3]);

    shaper.send(1, 1, msg('MsgApp', 1, 2));
    shaper.send(2, 1, msg('MsgApp', 2, 3));
    scheduler.advanceBy(20);

    expect(wire.map((w) => `${w.from}>${w.to}`)).toEqual(['1>2']);
    expect(events.filter((e) => e.name === 'Drop').map((e) => e.reason)).toEqual([
      'partition',
      'partition',
    ]);
    shaper.heal();
    shaper.send(2, 1, msg('MsgApp', 2, 3));
    expect(wire).toHaveLength(2);
  });

  it('puts nodes left out of a partition in one group of their own', () => {
    const { shaper } = setup();

    const groups = shaper.partition([[1]], [1, 2, 3]);

    expect(groups).toEqual([[1], [2, 3]]);
    expect(shaper.separated(1, 2)).toBe(true);
    expect(shaper.separated(2, 3)).toBe(false);
  });

  it('reports a transport refusal as a drop', () => {
    const { shaper, settled } = setup({ refuse: true });

    shaper.send(1, 1, msg('MsgApp', 1, 2));

    expect(settled).toEqual([{ msgId: '1.1', delivered: false, reason: 'transport' }]);
  });

  it.each([
    [{ dropRate: 2 }],
    [{ delayMs: -1 }],
    [{ types: ['MsgNope'] }],
    [{ types: [] }],
    [{ duplicateRate: Number.NaN }],
  ])('refuses the invalid rule %j', (rule) => {
    const { shaper } = setup();

    const act = () => shaper.setRule(1, 2, rule as never);

    expect(act).toThrowError(expect.objectContaining({ code: 'InvalidLinkRule' }));
  });

  it('refuses partitions with unknown or repeated nodes', () => {
    const { shaper } = setup();

    expect(() => shaper.partition([[1, 9]], [1, 2])).toThrowError(
      expect.objectContaining({ code: 'InvalidPartition' }),
    );
    expect(() => shaper.partition([[1], [1, 2]], [1, 2])).toThrowError(
      expect.objectContaining({ code: 'InvalidPartition' }),
    );
  });
});
