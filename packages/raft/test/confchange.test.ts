import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newConfChangeRunner } from './confchange-runner.ts';
import { firstStructuralDiff, parseScript } from './datadriven.ts';

const DIR = join(import.meta.dirname, '../../../../shared/conformance/etcd-raft/confchange');

describe('etcd raft confchange scripts', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.txt'));

  it('finds the nine upstream scripts', () => {
    expect(files.sort()).toEqual([
      'joint_autoleave.txt',
      'joint_idempotency.txt',
      'joint_learners_next.txt',
      'joint_safety.txt',
      'simple_idempotency.txt',
      'simple_promote_demote.txt',
      'simple_safety.txt',
      'update.txt',
      'zero.txt',
    ]);
  });

  for (const file of files) {
    it(file, () => {
      const runner = newConfChangeRunner();
      const cases = parseScript(readFileSync(join(DIR, file), 'utf8'), file);

      for (const tc of cases) {
        const actual = runner.run(tc);

        const diff = firstStructuralDiff(tc.expected, actual);
        expect(diff, `${file}:${tc.line}\n--- got ---\n${actual}`).toBeNull();
      }
    });
  }
});
