/**
 * A reader for data-driven test scripts in the format etcd raft's tests use:
 *
 *     # comment
 *     command arg1 key=value key=(a,b)
 *     optional input lines
 *     ----
 *     expected output lines
 *     <blank line>
 *
 * The reader only parses; running a script and comparing output belongs to each test's runner.
 */

export interface CmdArg {
  key: string;
  /** `key=value` gives one value, `key=(a,b)` several, a bare `key` none. */
  vals: string[];
}

export interface TestCase {
  /** 1-based line number of the command, for error messages. */
  line: number;
  cmd: string;
  args: CmdArg[];
  /** The lines between the command and `----`, joined by newlines. */
  input: string;
  /** The expected output, joined by newlines, without a trailing newline. */
  expected: string;
}

export class ScriptParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
  }
}

/** Splits a command line into its name and arguments, keeping `(a, b)` lists together. */
export function parseCommandLine(text: string): { cmd: string; args: CmdArg[] } {
  const tokens: string[] = [];
  let current = '';
  let depth = 0;
  for (const ch of text.trim()) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (/\s/.test(ch) && depth === 0) {
      if (current) tokens.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  if (current) tokens.push(current);
  const [cmd = '', ...rest] = tokens;
  const args = rest.map((tok): CmdArg => {
    const eq = tok.indexOf('=');
    if (eq < 0) return { key: tok, vals: [] };
    const key = tok.slice(0, eq);
    const value = tok.slice(eq + 1);
    if (value.startsWith('(') && value.endsWith(')')) {
      const inner = value.slice(1, -1).trim();
      return { key, vals: inner === '' ? [] : inner.split(',').map((v) => v.trim()) };
    }
    return { key, vals: [value] };
  });
  return { cmd, args };
}

/** Parses a whole script. Comments and blank lines between cases are skipped. */
export function parseScript(text: string, file = '<script>'): TestCase[] {
  const lines = text.split('\n');
  const cases: TestCase[] = [];
  let i = 0;
  while (i < lines.length) {
    const raw = lines[i] ?? '';
    if (raw.trim() === '' || raw.startsWith('#')) {
      i++;
      continue;
    }
    const line = i + 1;
    const { cmd, args } = parseCommandLine(raw);
    i++;
    const input: string[] = [];
    while (i < lines.length && lines[i] !== '----') {
      input.push(lines[i] ?? '');
      i++;
    }
    if (i >= lines.length) throw new ScriptParseError(file, line, `no ---- after "${raw}"`);
    i++;
    const expected: string[] = [];
    while (i < lines.length && lines[i] !== '') {
      expected.push(lines[i] ?? '');
      i++;
    }
    cases.push({ line, cmd, args, input: input.join('\n'), expected: expected.join('\n') });
  }
  return cases;
}

/** The values of argument `key`, or undefined when it is absent. */
export function argVals(args: CmdArg[], key: string): string[] | undefined {
  return args.find((a) => a.key === key)?.vals;
}

/**
 * Log prose: lines whose first word is DEBUG, INFO, WARN or ERROR, possibly indented. Their
 * wording is etcd's own, so conformance compares only the structural lines around them.
 */
const PROSE = /^\s*(DEBUG|INFO|WARN|ERROR)\b/;

/** The structural lines of an output; an output that is only `ok` counts as empty. */
export function structuralLines(output: string): string[] {
  const lines = output.split('\n').filter((l) => l !== '' && !PROSE.test(l));
  if (lines.length === 1 && lines[0] === 'ok') return [];
  return lines;
}

export interface OutputDiff {
  /** 1-based position among the structural lines. */
  position: number;
  expected: string | undefined;
  actual: string | undefined;
}

/** The first structural line where the outputs differ, or null when they agree. */
export function firstStructuralDiff(expected: string, actual: string): OutputDiff | null {
  const want = structuralLines(expected);
  const got = structuralLines(actual);
  const n = Math.max(want.length, got.length);
  for (let i = 0; i < n; i++) {
    if (want[i] !== got[i]) return { position: i + 1, expected: want[i], actual: got[i] };
  }
  return null;
}

/** Runs the commands of one script file in order; implementations keep per-file state. */
export interface ScriptRunner {
  run(tc: TestCase): string;
}
