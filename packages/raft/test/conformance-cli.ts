/**
 * `pnpm conformance [--verbose] [file|folder ...]`: runs data-driven Raft scripts and prints
 * `PASS <file>` or `FAIL <file>` with the first differing line, then `N passed, N failed`.
 * Without arguments it runs etcd raft's shared scripts and the project's own testdata.
 * Exits 1 when any script fails.
 */
import { relative, resolve } from 'node:path';
import { defaultTargets, expandTargets, runScriptFile, type ScriptResult } from './conformance.ts';

function report(r: ScriptResult, verbose: boolean): string[] {
  const name = relative(process.cwd(), r.file) || r.file;
  if (r.passed) return [`PASS ${name}`];
  const lines = [`FAIL ${name}`];
  if (r.error !== undefined) {
    lines.push(`  ${r.error}`);
    return lines;
  }
  const d = r.firstDiff;
  if (d === undefined) return lines;
  lines.push(`  line ${d.line}: ${d.command}`);
  lines.push(`    expected: ${d.expected ?? '<end of output>'}`);
  lines.push(`    actual:   ${d.actual ?? '<end of output>'}`);
  if (verbose && d.output !== undefined) {
    lines.push('    full output of the command:');
    for (const l of d.output.split('\n')) lines.push(`      ${l}`);
  }
  return lines;
}

function main(argv: string[]): number {
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  const args = argv.filter((a) => a !== '--verbose' && a !== '-v');
  const files = expandTargets(args.length > 0 ? args.map((a) => resolve(a)) : defaultTargets());
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    const result = runScriptFile(file);
    if (result.passed) passed++;
    else failed++;
    process.stdout.write(`${report(result, verbose).join('\n')}\n`);
  }
  if (files.length === 0) {
    process.stdout.write('no scripts found\n');
    failed++;
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
