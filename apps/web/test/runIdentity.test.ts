/** Telling a reconnect to the same run from a new run of the cluster behind the same name. */

import { describe, expect, it } from 'vitest';
import { createAppStore } from '../src/store/index.ts';
import { ingestBatch } from '../src/store/ingest.ts';
import { isNewRun } from '../src/store/runIdentity.ts';
import { group, node, snapshot } from './fixtures.ts';

const live = (ports: number[], term: number, seq: number) =>
  snapshot(
    ports.map((port, i) => node(i + 1, group({ term }), { address: `ws://127.0.0.1:${port}` })),
    { seq },
  );

describe('isNewRun', () => {
  const before = live([4001, 4002, 4003], 3, 500);

  it('is the same run when the sequence moved on and the nodes stayed where they were', () => {
    expect(isNewRun(before, 500, live([4001, 4002, 4003], 3, 900))).toBe(false);
    // One node restarted on a new port: still the same run.
    expect(isNewRun(before, 500, live([4001, 4002, 5003], 4, 900))).toBe(false);
  });

  it('is a new run when the sequence went backwards', () => {
    expect(isNewRun(before, 500, live([4001, 4002, 4003], 3, 20))).toBe(true);
  });

  it('is a new run, however long it has run, when every node has a new address', () => {
    expect(isNewRun(before, 500, live([6001, 6002, 6003], 3, 5000))).toBe(true);
  });

  it('is a new run when a node is at a lower term than it was', () => {
    const inProcess = (term: number, seq: number) =>
      snapshot([node(1, group({ term })), node(2, group({ term }))], { seq });
    expect(isNewRun(inProcess(4, 500), 500, inProcess(1, 5000))).toBe(true);
    expect(isNewRun(inProcess(4, 500), 500, inProcess(4, 5000))).toBe(false);
  });

  it('trusts a simulated run`s seed', () => {
    const sim = (seed: number) => snapshot([node(1), node(2)], { mode: 'simulated', seed, seq: 9 });
    expect(isNewRun(sim(1), 9, sim(2))).toBe(true);
    expect(isNewRun(sim(1), 9, { ...sim(1), seq: 99 })).toBe(false);
  });
});

describe('ingesting a hello from a restarted server that has run longer than the old one', () => {
  it('says it is a new run and drops the old history, rather than counting missed events', () => {
    const store = createAppStore('default');
    const now = Date.now();
    ingestBatch(store, {
      hello: { snapshot: { ...live([4001, 4002, 4003], 2, 300), wallMs: now }, reconnect: false },
      events: [],
      missed: 0,
      receivedAtMs: now,
    });
    ingestBatch(store, {
      hello: { snapshot: { ...live([7001, 7002, 7003], 2, 4000), wallMs: now }, reconnect: true },
      events: [],
      missed: 0,
      receivedAtMs: now,
    });
    const s = store.getState();
    expect(s.notices.map((n) => n.text)).toEqual([
      'connected to a new run of the cluster; earlier history cleared',
    ]);
    expect(s.missedTotal).toBe(0);
  });
});
