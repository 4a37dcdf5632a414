/**
 * Runs one data-driven script file through the runner its kind calls for (interaction,
 * quorum or confchange) and reports whether every structural line matched, and if not, the
 * first one that did not.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newConfChangeRunner } from './confchange-runner.ts';
import {
  firstStructuralDiff,
  parseScript,
  type ScriptRunner,
  structuralLines,
  type TestCase,
} from './datadriven.ts';
import { newInteractionRunner } from './interaction/handlers.ts';
import { newQuorumRunner } from './quorum-runner.ts';

export type ScriptKind = 'interaction' | 'quorum' | 'confchange';

export interface FirstDiff {
  /** 1-based line in the script: the expected line that differs, or the command's line. */
  line: number;
  /** The command line (as parsed) whose output differed. */
  command: string;
  /** The expected structural line; absent when the actual output has extra lines. */
  expected?: string;
  /** The actual structural line; absent when the actual output ended early. */
  actual?: string;
  /** The command's whole actual output, for a closer look. */
  output?: string;
}

export interface ScriptResult {
  file: string;
  passed: boolean;
  kind?: ScriptKind;
  /** How many commands ran before the script stopped (all of them when it passed). */
  commands?: number;
  firstDiff?: FirstDiff;
  /** Why the file could not be run at all: unreadable, not a script, runner crashed. */
  error?: string;
}

const RUNNERS: Readonly<Record<ScriptKind, () => ScriptRunner>> = {
  interaction: newInteractionRunner,
  quorum: newQuorumRunner,
  confchange: newConfChangeRunner,
};

const QUORUM_COMMANDS = new Set(['committed', 'vote']);
const CONFCHANGE_COMMANDS = new Set(['simple', 'enter-joint', 'leave-joint']);

/** The kind of a script: by its folder's name, else by its first command. */
export function scriptKind(file: string, cases: TestCase[]): ScriptKind {
  const folder = basename(dirname(file));
  if (folder === 'interaction' || folder === 'quorum' || folder === 'confchange') return folder;
  const first = cases[0]?.cmd ?? '';
  if (QUORUM_COMMANDS.has(first)) return 'quorum';
  if (CONFCHANGE_COMMANDS.has(first)) return 'confchange';
  return 'interaction';
}

export function runScriptFile(file: string): ScriptResult {
  let text: string;
  try {
    if (statSync(file).isDirectory()) {
      return { file, passed: false, error: 'a folder with no .txt scripts in it' };
    }
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { file, passed: false, error: `cannot read: ${describeError(err)}` };
  }
  let cases: TestCase[];
  try {
    cases = parseScript(text, file);
  } catch (err) {
    return { file, passed: false, error: `not a script: ${describeError(err)}` };
  }
  if (cases.length === 0) return { file, passed: false, error: 'not a script: no commands' };
  const kind = scriptKind(file, cases);
  return runCases(file, kind, cases);
}

/** Runs the cases in order, stopping at the first whose structural output differs. */
export function runCases(file: string, kind: ScriptKind, cases: TestCase[]): ScriptResult {
  const runner = RUNNERS[kind]();
  for (const [i, tc] of cases.entries()) {
    let actual: string;
    try {
      actual = runner.run(tc);
    } catch (err) {
      const firstDiff: FirstDiff = {
        line: tc.line,
        command: commandText(tc),
        actual: `threw: ${describeError(err)}`,
      };
      const expected = structuralLines(tc.expected)[0];
      if (expected !== undefined) firstDiff.expected = expected;
      return { file, kind, passed: false, commands: i + 1, firstDiff };
    }
    const diff = firstStructuralDiff(tc.expected, actual);
    if (diff === null) continue;
    const firstDiff: FirstDiff = {
      line: expectedLineNumber(tc, diff.position),
      command: commandText(tc),
      output: actual,
    };
    if (diff.expected !== undefined) firstDiff.expected = diff.expected;
    if (diff.actual !== undefined) firstDiff.actual = diff.actual;
    return { file, kind, passed: false, commands: i + 1, firstDiff };
  }
  return { file, kind, passed: true, commands: cases.length };
}

/**
 * The script line of the `position`-th structural expected line; past the end, the line
 * after the last expected line.
 */
function expectedLineNumber(tc: TestCase, position: number): number {
  const inputLines = tc.input === '' ? 0 : tc.input.split('\n').length;
  const firstExpectedLine = tc.line + inputLines + 2;
  const expected = tc.expected === '' ? [] : tc.expected.split('\n');
  let seen = 0;
  for (const [i, line] of expected.entries()) {
    if (structuralLines(line).length === 0 && line !== 'ok') continue;
    seen++;
    if (seen === position) return firstExpectedLine + i;
  }
  return firstExpectedLine + expected.length;
}

function commandText(tc: TestCase): string {
  const args = tc.args.map((a) => {
    if (a.vals.length === 0) return a.key;
    if (a.vals.length === 1) return `${a.key}=${a.vals[0]}`;
    return `${a.key}=(${a.vals.join(',')})`;
  });
  const head = [tc.cmd, ...args].join(' ');
  return tc.input === '' ? head : `${head} / ${tc.input.split('\n').join(' / ')}`;
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO_ROOT = resolve(HERE, '../../..');
/** etcd raft's scripts, shared beside the repository. */
export const SHARED_SCRIPTS = resolve(REPO_ROOT, '../shared/conformance/etcd-raft');
/** The project's own scripts. */
export const OWN_SCRIPTS = resolve(REPO_ROOT, 'packages/raft/testdata');

/** The folders run by default: etcd's three kinds of scripts, then the project's own. */
export function defaultTargets(): string[] {
  const targets = ['interaction', 'quorum', 'confchange'].map((k) => join(SHARED_SCRIPTS, k));
  if (existsSync(OWN_SCRIPTS)) targets.push(OWN_SCRIPTS);
  return targets;
}

/** Expands folders into their `.txt` scripts (sorted); files are taken as given. */
export function expandTargets(targets: string[]): string[] {
  const files: string[] = [];
  for (const t of targets) {
    let isDir = false;
    try {
      isDir = statSync(t).isDirectory();
    } catch {
      // A missing path is reported as an unreadable file by the runner.
    }
    if (!isDir) {
      files.push(t);
      continue;
    }
    const names = readdirSync(t)
      .filter((n) => n.endsWith('.txt'))
      .sort();
    // A folder without scripts stays in the list, to be reported rather than skipped.
    if (names.length === 0) files.push(t);
    for (const n of names) files.push(join(t, n));
  }
  return files;
}
