/**
 * Go's `%q` verb applied to a byte slice, as etcd raft's entry formatter uses it: the bytes
 * read as UTF-8, printable runes kept, the rest escaped the way Go's `strconv.Quote` escapes
 * them. The scripts print every normal entry's payload this way, so the escapes must match
 * byte for byte.
 */
export function goQuote(data: Uint8Array): string {
  let out = '"';
  let i = 0;
  while (i < data.length) {
    const decoded = decodeRune(data, i);
    if (decoded === null) {
      out += `\\x${hex2(data[i] ?? 0)}`;
      i++;
      continue;
    }
    out += quoteRune(decoded.rune);
    i += decoded.width;
  }
  return `${out}"`;
}

const SIMPLE_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x07, '\\a'],
  [0x08, '\\b'],
  [0x0c, '\\f'],
  [0x0a, '\\n'],
  [0x0d, '\\r'],
  [0x09, '\\t'],
  [0x0b, '\\v'],
]);

function quoteRune(r: number): string {
  if (r === 0x22) return '\\"';
  if (r === 0x5c) return '\\\\';
  if (isPrint(r)) return String.fromCodePoint(r);
  const simple = SIMPLE_ESCAPES.get(r);
  if (simple !== undefined) return simple;
  if (r < 0x20 || r === 0x7f) return `\\x${hex2(r)}`;
  if (r < 0x10000) return `\\u${r.toString(16).padStart(4, '0')}`;
  return `\\U${r.toString(16).padStart(8, '0')}`;
}

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isPrint(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(String.fromCodePoint(r));
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/**
 * Decodes one UTF-8 sequence at `i`, or returns null where Go's decoder would report
 * RuneError with width 1 (bad lead byte, bad continuation, overlong form, surrogate or a
 * code point beyond U+10FFFF).
 */
function decodeRune(data: Uint8Array, i: number): { rune: number; width: number } | null {
  const b0 = data[i] ?? 0;
  if (b0 < 0x80) return { rune: b0, width: 1 };
  let width: number;
  let min: number;
  let rune: number;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    width = 2;
    min = 0x80;
    rune = b0 & 0x1f;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    width = 3;
    min = 0x800;
    rune = b0 & 0x0f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    width = 4;
    min = 0x10000;
    rune = b0 & 0x07;
  } else {
    return null;
  }
  if (i + width > data.length) return null;
  for (let k = 1; k < width; k++) {
    const b = data[i + k] ?? 0;
    if ((b & 0xc0) !== 0x80) return null;
    rune = (rune << 6) | (b & 0x3f);
  }
  if (rune < min || rune > 0x10ffff || (rune >= 0xd800 && rune <= 0xdfff)) return null;
  return { rune, width };
}
