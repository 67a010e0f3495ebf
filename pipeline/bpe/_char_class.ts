/**
 * The character classes GPT-2's pre-tokenization regex distinguishes: letters (`\p{L}`), numbers
 * (`\p{N}`), whitespace (`\s`) and everything else.
 *
 * Hugging Face runs that regex with Oniguruma, whose `\s` is Unicode's White_Space property. It
 * differs from JavaScript's `\s` in two code points (checked over all of Unicode against the
 * `tokenizers` package): U+0085 (NEXT LINE) is whitespace there and not here, U+FEFF (BOM) is
 * whitespace here and not there. The table follows Oniguruma so that our words match theirs.
 */

/** Neither a letter, a number nor whitespace: punctuation, symbols, emoji, controls. */
export const OTHER = 0;
/** `\p{L}` */
export const LETTER = 1;
/** `\p{N}` */
export const NUMBER = 2;
/** Unicode White_Space */
export const SPACE = 3;

function buildBmpTable(): Uint8Array {
  const table = new Uint8Array(0x10000);
  let all = "";
  for (let start = 0; start < 0x10000; start += 4096) {
    all += String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => start + i));
  }
  // Every BMP character is one code unit, so a match's index and length are table positions.
  // (The only surrogate pair the string forms, U+DBFF U+DC00, is private use: not marked.)
  const classes: [RegExp, number][] = [[/\p{L}+/gu, LETTER], [/\p{N}+/gu, NUMBER], [
    /\s+/gu,
    SPACE,
  ]];
  for (const [pattern, cls] of classes) {
    for (const match of all.matchAll(pattern)) {
      table.fill(cls, match.index, match.index + match[0].length);
    }
  }
  table[0x85] = SPACE;
  table[0xfeff] = OTHER;
  return table;
}

/** Class of each BMP code unit (surrogates are OTHER; callers combine pairs first). */
export const BMP_CLASS: Uint8Array = buildBmpTable();

const astralCache = new Map<number, number>();

/** Class of a code point at or above U+10000 (letters, digits and emoji live up there too). */
export function astralClass(codePoint: number): number {
  let cls = astralCache.get(codePoint);
  if (cls === undefined) {
    const char = String.fromCodePoint(codePoint);
    cls = /\p{L}/u.test(char) ? LETTER : /\p{N}/u.test(char) ? NUMBER : OTHER;
    astralCache.set(codePoint, cls);
  }
  return cls;
}
