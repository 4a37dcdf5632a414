/**
 * The diagnosis over real simulated clusters (the runtime of packages/cluster on virtual time),
 * each started with one of the integration faults real integrations make: the first finding
 * must name the fault from what the nodes do, and a healthy cluster must raise no warning.
 *
 * The runtime is a dev dependency only: the diagnose package's sources must never import it,
 * since they run in the browser too.
 */

import { createCluster, type IntegrationFault, type RaftCluster } from '@raftlens/cluster';
import { describe, expect, it } from 'vitest';
import { diagnose, type Finding, type FindingCode, SafetyMonitor } from '../../src/index.ts';

const SIZE = 5;
let count = 0;

async function sim(faults: Record<number, IntegrationFault[]> = {}): Promise<RaftCluster> {
  return createCluster({
    name: `diag-${++count}`,
    mode: 'simulated',
    clock: 'manual',
    tickMs: 10,
    size: SIZE,
    seed: 7,
    faults,
  });
}

/** The same faults on every node. */
function everywhere(...faults: IntegrationFault[]): Record<number, IntegrationFault[]> {
  return Object.fromEntries(Array.from({ length: SIZE }, (_, i) => [i + 1, faults]));
}

async function flush(): Promise<void> {
  for (let i = 0; i < 3; i++) await Promise.resolve();
}

/** Runs virtual time for `ms`, writing a key every 100 ms (failures are part of the story). */
async function run(c: RaftCluster, ms: number, writes = true): Promise<void> {
  for (let t = 0; t < ms; t += 5) {
    c.advance(5);
    await flush();
    if (writes && t % 100 === 0) c.put(`k${count}-${t}`, 'v').catch(() => {});
    if (writes && t % 300 === 150) c.get(`k${count}-${t - 150}`).catch(() => {});
  }
}

async function runUntil(c: RaftCluster, pred: () => boolean, maxMs = 5_000): Promise<void> {
  for (let t = 0; !pred(); t += 5) {
    if (t > maxMs) throw new Error('virtual time ran out');
    c.advance(5);
    await flush();
  }
}

function leaderOf(c: RaftCluster): number {
  const n = c.snapshot().nodes.find((x) => x.groups[0]?.role === 'StateLeader');
  if (!n) throw new Error('no leader');
  return n.id;
}

function diagnosis(c: RaftCluster): Finding[] {
  return diagnose({ snapshot: c.snapshot(), events: c.events() });
}

function safety(c: RaftCluster): readonly Finding[] {
  const m = new SafetyMonitor();
  m.observe(c.events());
  m.observe(c.snapshot());
  return m.findings;
}

const serious = (fs: Finding[]) => fs.filter((f) => f.severity !== 'info');

describe('diagnose over simulated clusters', () => {
  it('raises no warning, and no safety finding, for a healthy cluster under writes', async () => {
    const c = await sim();
    await run(c, 3_000);

    const findings = diagnosis(c);

    expect(serious(findings)).toEqual([]);
    expect(safety(c)).toEqual([]);
    await c.close();
  });

  const cases: Array<[string, Record<number, IntegrationFault[]>, FindingCode, number[]?]> = [
    ['no-initial-conf on every node', everywhere('no-initial-conf'), 'NoConfiguration'],
    ['no-initial-conf on one node', { 3: ['no-initial-conf'] }, 'NoConfiguration', [3]],
    [
      'voters-exclude-self on every node',
      everywhere('voters-exclude-self'),
      'SelfNotInConfiguration',
    ],
    [
      'voters-exclude-self on one node',
      { 4: ['voters-exclude-self'] },
      'SelfNotInConfiguration',
      [4],
    ],
    ['double-tick on one node', { 2: ['double-tick'] }, 'DoubleTick', [2]],
    ['never-advance on every node', everywhere('never-advance'), 'ReadyNotAdvanced'],
    ['never-advance on one node', { 3: ['never-advance'] }, 'ReadyNotAdvanced', [3]],
    [
      'drop-persisted-messages on every node',
      everywhere('drop-persisted-messages'),
      'PersistedMessagesNotSent',
    ],
    [
      'drop-persisted-messages on one node',
      { 5: ['drop-persisted-messages'] },
      'PersistedMessagesNotSent',
      [5],
    ],
    ['ack-on-append on every node', everywhere('ack-on-append'), 'AckedBeforeApplied'],
  ];

  it.each(cases)('names the fault first with %s', async (_name, faults, code, nodes) => {
    const c = await sim(faults);
    await run(c, 3_000);

    const findings = diagnosis(c);

    expect(findings[0]?.code, findings.map((f) => f.summary).join('\n')).toBe(code);
    if (nodes) expect(findings[0]?.nodes).toEqual(nodes);
    expect(safety(c)).toEqual([]);
    await c.close();
  });

  /**
   * A follower falls behind a compacted log, the leader's snapshot to it is lost in transit,
   * and the link is whole again. With ReportSnapshot the leader retries; without it, it waits.
   */
  async function lostSnapshot(faults: Record<number, IntegrationFault[]>): Promise<RaftCluster> {
    const c = await sim(faults);
    await run(c, 500, false);
    const leader = leaderOf(c);
    const victim = leader === SIZE ? 1 : SIZE;
    await c.crash(victim);
    await run(c, 600);
    await c.compact(leader);
    c.setLinkRule(leader, victim, { hold: true, types: ['MsgSnap'] });
    await c.restart(victim);
    await runUntil(c, () => c.snapshot().held.some((h) => h.type === 'MsgSnap'));
    for (const h of c.snapshot().held) c.dropHeld(h.msgId);
    c.clearLinkRule(leader, victim);
    await run(c, 2_000);
    return c;
  }

  it('names a snapshot never reported after it was lost', async () => {
    const c = await lostSnapshot(everywhere('never-report-snapshot'));

    const findings = diagnosis(c);

    expect(findings[0]?.code, findings.map((f) => f.summary).join('\n')).toBe(
      'SnapshotNeverReported',
    );
    await c.close();
  });

  it('sees a lost snapshot recover when it is reported', async () => {
    const c = await lostSnapshot({});

    expect(serious(diagnosis(c))).toEqual([]);
    await c.close();
  });

  it('catches a write acknowledged on append and then lost with its leader', async () => {
    const c = await sim(everywhere('ack-on-append'));
    await run(c, 500, false);
    const leader = leaderOf(c);
    const followers = [1, 2, 3, 4, 5].filter((n) => n !== leader);
    for (const f of followers) c.setLinkRule(leader, f, { hold: true, types: ['MsgApp'] });
    const acked = c.put('doomed', 'v', { via: leader });
    await run(c, 50, false);
    await expect(acked).resolves.toMatchObject({ key: 'doomed' });
    await c.crash(leader);
    for (const f of followers) c.clearLinkRule(leader, f);
    await run(c, 1_500);

    const codes = safety(c).map((f) => f.code);

    expect(codes).toContain('AckedWriteLost');
    expect(diagnosis(c).map((f) => f.code)).toContain('AckedBeforeApplied');
    await c.close();
  });
});
