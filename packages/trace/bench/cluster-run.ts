/**
 * A recorded run of the real runtime for the trace benchmark: a simulated cluster of five
 * nodes (`createCluster`, virtual time, seeded network) under a steady write load, with a
 * fault every few virtual seconds (crash and restart of the leader, a partition, a held link
 * released by hand, a delayed link, a duplicating link, a compaction), recorded as NDJSON
 * lines until it has the wanted number of events.
 */

import type { ClusterSnapshot, TraceHeader } from '../src/index.ts';

export interface RecordedRun {
  header: TraceHeader;
  /** The trace as NDJSON: header line first. */
  text: string;
  events: number;
  /** The cluster's own snapshot at the last event. */
  final: ClusterSnapshot;
  virtualMs: number;
  faults: string[];
}

const STEP_MS = 5;
const FAULT_EVERY_MS = 3000;
const FAULT_SPAN_MS = 800;
const PENDING_WRITES_MAX = 64;

/** Lets the promise callbacks of a step run before the next. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await Promise.resolve();
}

export async function recordClusterRun(opts: {
  events: number;
  seed: number;
}): Promise<RecordedRun> {
  // The runtime is another package of the workspace; the trace package does not depend on it.
  const { createCluster } = await import('../../cluster/src/index.ts');
  const c = await createCluster({
    name: 'bench',
    mode: 'simulated',
    clock: 'manual',
    tickMs: 10,
    seed: opts.seed,
  });
  const header = c.traceHeader();
  const lines: string[] = [JSON.stringify(header)];
  const unsubscribe = c.subscribe((e) => lines.push(JSON.stringify(e)), { fromSeq: 1 });
  const faults: string[] = [];
  const undo: Array<{ atMs: number; run: () => Promise<void> | void }> = [];
  let pending = 0;
  let writes = 0;
  let now = 0;
  const quiet = () => undefined;

  while (lines.length - 1 < opts.events) {
    for (let i = 0; i < 2 && pending < PENDING_WRITES_MAX; i++) {
      pending++;
      const n = writes++;
      c.put(`k${n % 1000}`, `value-${n}`)
        .catch(quiet)
        .finally(() => {
          pending--;
        });
    }
    c.advance(STEP_MS);
    now += STEP_MS;
    await settle();
    for (const u of undo.filter((x) => x.atMs <= now)) {
      undo.splice(undo.indexOf(u), 1);
      await Promise.resolve(u.run()).catch(quiet);
    }
    if (now % FAULT_EVERY_MS === 0 && undo.length === 0) {
      const leader = c.leaderOf();
      if (leader === null) continue;
      const kind = faults.length % 6;
      const other = leader === 1 ? 2 : 1;
      const later = (run: () => Promise<void> | void) =>
        undo.push({ atMs: now + FAULT_SPAN_MS, run });
      switch (kind) {
        case 0:
          faults.push(`crash ${leader}`);
          await c.crash(leader);
          later(() => c.restart(leader));
          break;
        case 1:
          faults.push(`partition ${leader}`);
          c.partition([[leader]]);
          later(() => c.heal());
          break;
        case 2:
          faults.push(`hold ${leader}>${other}`);
          c.setLinkRule(leader, other, { hold: true });
          later(() => {
            c.clearLinkRule(leader, other);
            c.snapshot().held.forEach((h, i) => {
              if (i % 2 === 0) c.releaseHeld(h.msgId);
              else c.dropHeld(h.msgId);
            });
          });
          break;
        case 3:
          faults.push(`delay ${leader}>${other}`);
          c.setLinkRule(leader, other, { delayMs: 30, jitterMs: 20 });
          later(() => c.clearLinkRule(leader, other));
          break;
        case 4:
          faults.push(`duplicate ${leader}>${other}`);
          c.setLinkRule(leader, other, { duplicateRate: 0.3 });
          later(() => c.clearLinkRule(leader, other));
          break;
        default:
          faults.push(`compact ${leader}`);
          await c.compact(leader).catch(quiet);
      }
    }
  }
  const final = c.snapshot();
  unsubscribe();
  await c.close();
  const events = lines.length - 1;
  return { header, text: `${lines.join('\n')}\n`, events, final, virtualMs: now, faults };
}
