import { INTEGRATION_FAULTS } from '@raftlens/cluster';
import { FINDING_CODES } from '@raftlens/diagnose';
import { describe, expect, it } from 'vitest';
import {
  castNeeded,
  describeScenario,
  getScenario,
  listScenarios,
  SCENARIOS,
} from '../src/index.ts';

describe('the catalogue', () => {
  it('has unique, URL-safe ids that getScenario finds', () => {
    const ids = SCENARIOS.map((s) => s.id);

    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(getScenario(id)?.id).toBe(id);
    }
    expect(getScenario('no-such-scenario')).toBeUndefined();
  });

  it('covers every topic the course needs', () => {
    const ids = new Set(SCENARIOS.map((s) => s.id));

    for (const id of [
      'leader-election',
      'log-replication',
      'leader-crash',
      'partition-minority',
      'partition-majority',
      'split-three-ways',
      'split-vote',
      'divergent-log',
      'rejoin-without-prevote',
      'rejoin-with-prevote',
      'check-quorum',
      'joint-consensus',
      'snapshot-catch-up',
      'leader-transfer',
      'read-index',
    ]) {
      expect(ids.has(id), id).toBe(true);
    }
    expect(getScenario('split-three-ways')?.cluster.size).toBe(9);
  });

  it('has one scenario per integration fault, ending on a finding code that exists', () => {
    const faults = SCENARIOS.flatMap((s) => (s.fault ? [s.fault] : []));

    expect(faults.map((f) => f.fault).sort()).toEqual([...INTEGRATION_FAULTS].sort());
    for (const f of faults) expect(FINDING_CODES).toContain(f.finding);
    for (const s of SCENARIOS.filter((x) => x.fault !== undefined)) {
      expect(s.steps[s.steps.length - 1]?.expect?.firstFinding, s.id).toBe(s.fault?.finding);
      expect(s.audience).toContain('engineer');
    }
  });

  it('includes the engineer’s case: a leader elected and commit stuck at 0', () => {
    const s = getScenario('fault-never-advance');

    expect(s?.steps[0]?.expect).toMatchObject({ leader: 'any', commitEquals: 0 });
    expect(s?.steps[1]?.expect).toMatchObject({
      commitEquals: 0,
      firstFinding: 'ReadyNotAdvanced',
    });
  });

  it('narrates every step in one or two short sentences, with no placeholder left', () => {
    for (const info of listScenarios()) {
      for (const step of info.steps) {
        const where = `${info.id} #${step.index}`;
        const sentences = step.narration.split(/[.!?](\s|$)/).filter((x) => x.trim().length > 1);
        expect(sentences.length, where).toBeGreaterThanOrEqual(1);
        expect(sentences.length, where).toBeLessThanOrEqual(2);
        expect(step.narration, where).not.toMatch(/[{}]/);
        expect(step.narration.length, where).toBeLessThanOrEqual(320);
      }
    }
  });

  it('has a cast entry for every node name its narration uses outside a parenthesis', () => {
    for (const s of SCENARIOS) {
      for (const step of s.steps) {
        const texts = [step.narration, step.until.description];
        const needed = texts.flatMap(castNeeded);

        expect(
          needed.filter((n) => s.cast?.[n] === undefined),
          `${s.id}: ${step.title}`,
        ).toEqual([]);
      }
    }
  });

  it('describes each scenario as plain JSON', () => {
    for (const s of SCENARIOS) {
      const info = describeScenario(s);

      expect(JSON.parse(JSON.stringify(info))).toEqual(info);
      expect(info.steps.length).toBe(s.steps.length);
      expect(info.cluster.size).toBe(s.cluster.size);
    }
  });
});
