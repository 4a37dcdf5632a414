/**
 * What the diagnosis says at the moments of the scenarios where it used to be wrong: a new
 * leader's followers called inactive, an overwritten write called refused by the core, a
 * follower that was only behind called divergent, the leader's stopped Ready loop listed after
 * its followers'.
 */

import { diagnose, type Finding } from '@raftlens/diagnose';
import { describe, expect, it } from 'vitest';
import { SCENARIOS, type Scenario, ScenarioRunner } from '../src/index.ts';

function scenario(id: string): Scenario {
  const s = SCENARIOS.find((x) => x.id === id);
  if (s === undefined) throw new Error(`no scenario ${id}`);
  return s;
}

/** The findings after each of the first `steps` steps of scenario `id`. */
async function findingsPerStep(id: string, steps: number): Promise<Finding[][]> {
  const runner = await ScenarioRunner.start(scenario(id));
  const out: Finding[][] = [];
  try {
    for (let i = 0; i < steps; i++) {
      await runner.forward();
      out.push(runner.state().findings);
    }
  } finally {
    await runner.close();
  }
  return out;
}

const named = (fs: readonly Finding[], code: string) => fs.filter((f) => f.code === code);

describe('right after an election', () => {
  it.each([
    ['leader-crash', 3],
    ['partition-majority', 2],
    ['stale-leader', 2],
  ])("%s (after step %i) does not call the new leader's followers inactive", async (id, step) => {
    const perStep = await findingsPerStep(id, step);

    expect(named(perStep[step - 1] ?? [], 'FollowerInactive').map((f) => f.summary)).toEqual([]);
  });
});

describe('partition-majority', () => {
  it('calls the stranded write overwritten, a warning until the retry commits', async () => {
    const perStep = await findingsPerStep('partition-majority', 5);
    const healed = perStep[3] ?? [];
    const retried = perStep[4] ?? [];

    const [f] = named(healed, 'EntryOverwritten');
    expect(named(healed, 'ProposalDropped')).toEqual([]);
    expect(f?.severity).toBe('warning');
    expect(f?.summary).toContain("was overwritten by a new leader's log");
    expect(f?.summary).toContain('must retry');
    expect(f?.summary).not.toContain('refused');
    expect(named(retried, 'EntryOverwritten')[0]?.severity).toBe('info');
  });
});

describe('partition-minority', () => {
  it('calls the cut-off followers behind, not divergent, while the heal catches them up', async () => {
    const runner = await ScenarioRunner.start(scenario('partition-minority'));
    const seen: Finding[] = [];
    try {
      for (let i = 0; i < 3; i++) await runner.forward();
      const c = runner.cluster;
      c.heal();
      for (let ms = 0; ms < 2_000; ms += 10) {
        c.advance(10);
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(
          ...named(diagnose({ snapshot: c.snapshot(), events: c.events() }), 'FollowerProbing'),
        );
      }
    } finally {
      await runner.close();
    }

    expect(seen.length).toBeGreaterThan(0);
    for (const f of seen) {
      expect(f.summary).toContain('is behind, not divergent');
      expect(f.summary).not.toContain('disagrees');
      expect(f.severity).toBe('info');
    }
  });
});

describe('fault-never-advance', () => {
  it("lists the leader's stopped Ready loop before its followers'", async () => {
    const runner = await ScenarioRunner.start(scenario('fault-never-advance'));
    let findings: Finding[] = [];
    let leader: number | undefined;
    try {
      for (const _ of scenario('fault-never-advance').steps) await runner.forward();
      const state = runner.state();
      findings = state.findings;
      leader = state.snapshot.nodes.find((n) => n.groups[0]?.role === 'StateLeader')?.id;
    } finally {
      await runner.close();
    }

    const stopped = named(findings, 'ReadyNotAdvanced');
    expect(leader).toBeDefined();
    expect(stopped.length).toBeGreaterThan(1);
    expect(findings[0]?.code).toBe('ReadyNotAdvanced');
    expect(findings[0]?.nodes).toEqual([leader]);
  });
});
