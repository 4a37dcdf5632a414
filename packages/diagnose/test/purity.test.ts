import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../src/', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const FORBIDDEN: Array<[string, RegExp]> = [
  ['node: imports', /from ['"]node:/],
  ['console', /\bconsole\./],
  ['clocks', /\bDate\.now\(|new Date\(|performance\.now\(/],
  ['randomness', /Math\.random\(/],
  ['timers', /\bset(Timeout|Interval|Immediate)\(/],
  ['packages other than trace and raft', /from ['"]@raftlens\/(?!trace['"]|raft['"])/],
];

describe('packages/diagnose stays pure', () => {
  it.each(sources(SRC).map((p) => [p.slice(SRC.length), p]))('%s', (_name, path) => {
    const text = readFileSync(path, 'utf8');

    for (const [what, pattern] of FORBIDDEN) expect(pattern.test(text), what).toBe(false);
    expect(text.split('\n').length, 'lines').toBeLessThanOrEqual(600);
  });
});
