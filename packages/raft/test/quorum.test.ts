import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstStructuralDiff, parseScript } from './datadriven.ts';
import { newQuorumRunner } from './quorum-runner.ts';

const DIR = join(import.meta.dirname, '../../../../shared/conformance/etcd-raft/quorum');

describe('etcd raft quorum scripts', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.txt'));

  it('finds the four upstream scripts', () => {
    expect(files.sort()).toEqual([
      'joint_commit.txt',
      'joint_vote.txt',
      'majority_commit.txt',
      'majority_vote.txt',
    ]);
  });

  for (const file of files) {
    it(file, () => {
      const runner = newQuorumRunner();
      const cases = parseScript(readFileSync(join(DIR, file), 'utf8'), file);

      for (const tc of cases) {
        const actual = runner.run(tc);

        const diff = firstStructuralDiff(tc.expected, actual);
        expect(diff, `${file}:${tc.line}\n--- got ---\n${actual}`).toBeNull();
      }
    });
  }
});
