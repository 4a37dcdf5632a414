/**
 * The conformance harness compares only the structural lines of etcd's interaction scripts.
 * This test holds the core to more: the log prose too (`INFO 1 became leader at term 1`), so
 * that what a user reads in our logs is what etcd raft would have logged.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_SCRIPTS } from '../../conformance.ts';
import { parseScript } from '../../datadriven.ts';
import { newInteractionRunner } from '../../interaction/handlers.ts';

const dir = join(SHARED_SCRIPTS, 'interaction');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .sort();

const lines = (s: string): string[] =>
  s
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '');

describe("etcd's log prose, line for line", () => {
  it('finds the scripts', () => {
    expect(files.length).toBeGreaterThanOrEqual(21);
  });

  it.each(files)('%s', (file) => {
    const runner = newInteractionRunner();

    for (const tc of parseScript(readFileSync(join(dir, file), 'utf8'), file)) {
      const actual = runner.run(tc);

      expect(lines(actual), `${file}:${tc.line} ${tc.cmd}`).toEqual(lines(tc.expected));
    }
  });
});
