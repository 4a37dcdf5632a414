/**
 * etcd raft's interaction scripts, and the project's own, replayed against the core: one test
 * per script, failing with the first structural line that differs.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  expandTargets,
  OWN_SCRIPTS,
  runScriptFile,
  type ScriptResult,
  SHARED_SCRIPTS,
} from './conformance.ts';

const ETCD_INTERACTION = join(SHARED_SCRIPTS, 'interaction');

function failure(r: ScriptResult): string {
  if (r.error !== undefined) return r.error;
  const d = r.firstDiff;
  if (d === undefined) return 'failed without a difference';
  return [
    `line ${d.line}: ${d.command}`,
    `  expected: ${d.expected ?? '<end of output>'}`,
    `  actual:   ${d.actual ?? '<end of output>'}`,
    d.output ?? '',
  ].join('\n');
}

function scriptSuite(title: string, folder: string, minimum: number): void {
  describe(title, () => {
    const files = existsSync(folder) ? expandTargets([folder]) : [];

    it(`finds at least ${minimum} scripts in ${folder}`, () => {
      expect(files.length).toBeGreaterThanOrEqual(minimum);
    });

    for (const file of files) {
      it(basename(file, '.txt'), () => {
        const result = runScriptFile(file);

        expect(result.passed, failure(result)).toBe(true);
      });
    }
  });
}

scriptSuite('etcd raft interaction scripts', ETCD_INTERACTION, 21);
scriptSuite('Raftlens interaction scripts', OWN_SCRIPTS, 13);
