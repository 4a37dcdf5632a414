import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FINDING_CODES, SAFETY_CODES } from '../src/index.ts';

const doc = readFileSync(new URL('../../../docs/diagnostics.md', import.meta.url), 'utf8');

describe('finding codes', () => {
  it.each(FINDING_CODES)('documents %s in docs/diagnostics.md', (code) => {
    expect(doc).toContain(`#### \`${code}\``);
  });

  it('documents no code that the source does not have, and each code once', () => {
    const documented = [...doc.matchAll(/^#### `([^`]+)`/gm)].map((m) => m[1]);
    expect(
      documented.filter((code) => !(FINDING_CODES as readonly string[]).includes(code ?? '')),
    ).toEqual([]);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...FINDING_CODES].sort());
  });

  it('lists each code once, safety codes first', () => {
    expect(new Set(FINDING_CODES).size).toBe(FINDING_CODES.length);
    expect(FINDING_CODES.slice(0, SAFETY_CODES.length)).toEqual(SAFETY_CODES);
  });
});
