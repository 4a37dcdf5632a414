import { describe, expect, it } from 'vitest';
import { entriesWord } from '../src/model/palette.ts';

describe('entriesWord', () => {
  it('writes one entry in the singular and any other count in the plural', () => {
    expect(entriesWord(1)).toBe('1 entry');
    expect(entriesWord(2)).toBe('2 entries');
    expect(entriesWord(0)).toBe('0 entries');
  });
});
