/**
 * The undo stack: folding, bounds and per-cluster taking, and the recorder that turns each
 * action into its inverse from the state before it. The recorder runs against an API that only
 * writes down the calls it gets, so each test can say exactly which calls an undo makes.
 */

import type { ClusterSnapshot } from '@raftlens/trace';
import { describe, expect, it } from 'vitest';
import { type Api, createApi } from '../src/api/index.ts';
import { createAppStore } from '../src/store/index.ts';
import { recordUndo } from '../src/store/undoRecorder.ts';
import {
  COALESCE_MS,
  type NewUndoEntry,
  pushEntry,
  takeEntry,
  UNDO_MAX,
  type UndoEntry,
} from '../src/store/undoSlice.ts';
import { node, snapshot } from './fixtures.ts';

const entry = (did: string, extra: Partial<NewUndoEntry> = {}): NewUndoEntry => ({
  cluster: 'c',
  did,
  undo: `undo ${did}`,
  steps: [],
  ...extra,
});

describe('the undo stack', () => {
  it('keeps the newest last and drops the oldest past its bound', () => {
    let stack: UndoEntry[] = [];
    for (let i = 0; i < UNDO_MAX + 3; i++) stack = pushEntry(stack, entry(`a${i}`), i);
    expect(stack).toHaveLength(UNDO_MAX);
    expect(stack[0]?.did).toBe('a3');
    expect(stack.at(-1)?.did).toBe(`a${UNDO_MAX + 2}`);
  });

  it('folds a run of speed changes into one entry that goes back to the first speed', () => {
    const first: NewUndoEntry = entry('speed 0.5×', {
      coalesce: 'speed',
      undo: 'speed back to 1×',
    });
    let stack = pushEntry([], first, 0);
    stack = pushEntry(stack, entry('speed 0.25×', { coalesce: 'speed', undo: 'to 0.5×' }), 1000);
    expect(stack).toHaveLength(1);
    expect(stack[0]?.did).toBe('speed 0.25×');
    expect(stack[0]?.undo).toBe('speed back to 1×');
    // Long after, a change is a step of its own.
    stack = pushEntry(stack, entry('speed 1×', { coalesce: 'speed' }), 1000 + COALESCE_MS + 1);
    expect(stack).toHaveLength(2);
    // Another kind of action in between breaks the run.
    stack = pushEntry(stack, entry('pause'), 1000 + COALESCE_MS + 2);
    stack = pushEntry(stack, entry('speed 2×', { coalesce: 'speed' }), 1000 + COALESCE_MS + 3);
    expect(stack.map((e) => e.did)).toEqual(['speed 0.25×', 'speed 1×', 'pause', 'speed 2×']);
  });

  it('takes the newest entry of the cluster asked about and leaves the others', () => {
    let stack = pushEntry([], entry('one'), 0);
    stack = pushEntry(stack, entry('other cluster', { cluster: 'd' }), 1);
    const { entry: taken, rest } = takeEntry(stack, 'c');
    expect(taken?.did).toBe('one');
    expect(rest.map((e) => e.did)).toEqual(['other cluster']);
    expect(takeEntry(rest, 'c').entry).toBeNull();
  });

  it('lives in the store: push, take, clear', () => {
    const store = createAppStore('c');
    store.getState().pushUndo(entry('crash n2'));
    store.getState().pushUndo(entry('pause'));
    expect(store.getState().takeUndo('c')?.did).toBe('pause');
    expect(store.getState().undoStack.map((e) => e.did)).toEqual(['crash n2']);
    store.getState().clearUndo();
    expect(store.getState().takeUndo('c')).toBeNull();
  });
});

type Call = [method: string, ...args: unknown[]];

/** The real API's methods, each answering with `answer(method, args)`. */
function fakeApi(answer: (method: string, args: unknown[]) => Promise<unknown>): Api {
  const methods = Object.keys(createApi('c')).map((m) => [
    m,
    (...args: unknown[]) => answer(m, args),
  ]);
  return Object.fromEntries(methods) as Api;
}

/** An API that writes down every call and answers as the server would. */
function callLog(): { api: Api; calls: Call[] } {
  const calls: Call[] = [];
  const api = fakeApi(async (method, args) => {
    calls.push([method, ...args]);
    return method === 'addNode' ? { node: 6 } : {};
  });
  return { api, calls };
}

/** Runs `action` through the recorder, then the undo it produced; returns both call lists. */
async function actAndUndo(before: ClusterSnapshot, action: (api: Api) => Promise<unknown>) {
  const live = callLog();
  const rec = recordUndo(live.api, () => before);
  await action(rec.api);
  const made = rec.entry('c');
  const back = callLog();
  for (const step of made?.steps ?? []) await step(back.api);
  return { made, did: live.calls, undone: back.calls };
}

const five = () => snapshot([1, 2, 3, 4, 5].map((id) => node(id)));

describe('recording what an action undoes', () => {
  it('a partition of a whole network is undone by healing', async () => {
    const r = await actAndUndo(five(), (a) =>
      a.partition([
        [1, 2],
        [3, 4, 5],
      ]),
    );
    expect(r.did).toEqual([
      [
        'partition',
        [
          [1, 2],
          [3, 4, 5],
        ],
      ],
    ]);
    expect(r.made?.did).toBe('partition n1 n2 | n3 n4 n5');
    expect(r.made?.undo).toBe('heal the partition');
    expect(r.undone).toEqual([['heal']]);
  });

  it('a new partition goes back to the previous one, and healing is undone by it', async () => {
    const split = { ...five(), partitions: [[1], [2, 3, 4, 5]] };
    const again = await actAndUndo(split, (a) =>
      a.partition([
        [1, 2],
        [3, 4, 5],
      ]),
    );
    expect(again.undone).toEqual([['partition', [[1], [2, 3, 4, 5]]]]);
    const healed = await actAndUndo(split, (a) => a.heal());
    expect(healed.made?.undo).toBe('partition n1 | n2 n3 n4 n5 again');
    expect(healed.undone).toEqual([['partition', [[1], [2, 3, 4, 5]]]]);
    // Healing a whole network changes nothing, so there is nothing to undo.
    expect((await actAndUndo(five(), (a) => a.heal())).made).toBeNull();
  });

  it('a link rule is undone by the previous rule, or by clearing it', async () => {
    const ruled = { ...five(), links: [{ from: 1, to: 2, rule: { dropRate: 0.5 } }] };
    const replaced = await actAndUndo(ruled, (a) => a.setLinkRule(1, 2, { hold: true }));
    expect(replaced.made?.did).toBe('n1→n2: hold');
    expect(replaced.undone).toEqual([['setLinkRule', 1, 2, { dropRate: 0.5 }]]);
    const fresh = await actAndUndo(five(), (a) => a.setLinkRule(2, 3, { delayMs: 200 }));
    expect(fresh.undone).toEqual([['clearLinkRule', 2, 3]]);
    const cleared = await actAndUndo(ruled, (a) => a.clearLinkRule(1, 2));
    expect(cleared.undone).toEqual([['setLinkRule', 1, 2, { dropRate: 0.5 }]]);
  });

  it('one action of several calls is one entry, undone newest call first', async () => {
    const r = await actAndUndo(five(), async (a) => {
      await a.setLinkRule(1, 2, { hold: true });
      await a.setLinkRule(2, 1, { hold: true });
    });
    expect(r.made?.did).toBe('n1→n2: hold; n2→n1: hold');
    expect(r.undone).toEqual([
      ['clearLinkRule', 2, 1],
      ['clearLinkRule', 1, 2],
    ]);
  });

  it('crash, pause, speed and an added node each have their inverse', async () => {
    expect((await actAndUndo(five(), (a) => a.crash(3))).undone).toEqual([['restart', 3]]);
    expect((await actAndUndo(five(), (a) => a.pause())).undone).toEqual([['resume']]);
    // Pausing a paused cluster did nothing to undo.
    expect((await actAndUndo({ ...five(), paused: true }, (a) => a.pause())).made).toBeNull();
    const slow = await actAndUndo({ ...five(), speed: 1 }, (a) => a.setSpeed(0.25));
    expect(slow.made?.did).toBe('speed 0.25×');
    expect(slow.made?.coalesce).toBe('speed');
    expect(slow.undone).toEqual([['setSpeed', 1]]);
    const added = await actAndUndo(five(), (a) => a.addNode(false));
    expect(added.made?.did).toBe('add n6 as a voter');
    expect(added.undone).toEqual([['removeNode', 6]]);
  });

  it('records nothing for actions without an inverse, and nothing for a failed call', async () => {
    expect((await actAndUndo(five(), (a) => a.step('message'))).made).toBeNull();
    const rec = recordUndo(
      fakeApi(() => Promise.reject(new Error('no'))),
      five,
    );
    await expect(rec.api.crash(2)).rejects.toThrow('no');
    expect(rec.entry('c')).toBeNull();
  });
});
