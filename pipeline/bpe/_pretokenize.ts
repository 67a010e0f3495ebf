/**
 * GPT-2's pre-tokenization, written as a scanner instead of a regex (it is several times faster and
 * lets us use Oniguruma's whitespace set, see _char_class.ts). It splits text exactly as
 *
 *     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
 *
 * does under Hugging Face's ByteLevel pre-tokenizer (`use_regex: true`). BPE merges never cross the
 * boundaries of these "words", so a word's tokens depend only on the word: that is what makes the
 * per-word cache of the encoder and the word counts of the trainer possible.
 */
import { astralClass, BMP_CLASS, LETTER, NUMBER, OTHER, SPACE } from "./_char_class.ts";

// Packed result of `classAt`: class in the low 2 bits, width in code units (1 or 2) above them.
function classAt(text: string, i: number, end: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c >= 0xe000) return BMP_CLASS[c] | 4;
  if (c < 0xdc00 && i + 1 < end) {
    const low = text.charCodeAt(i + 1);
    if (low >= 0xdc00 && low < 0xe000) {
      return astralClass(0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00)) | 8;
    }
  }
  return OTHER | 4; // a lone surrogate: neither letter, number nor space
}

/**
 * The end (exclusive) of the pre-tokenized word that starts at `i` in `text[i, end)`.
 *
 * @example
 * ```ts
 * import { wordEnd } from "./_pretokenize.ts";
 * const text = "it's  here";
 * const words = [];
 * for (let i = 0; i < text.length;) { const j = wordEnd(text, i, text.length); words.push(text.slice(i, j)); i = j; }
 * // words: ["it", "'s", " ", " here"]
 * ```
 */
export function wordEnd(text: string, i: number, end: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x27 && i + 1 < end) { // contractions: 's 't 'm 'd 're 've 'll (case-sensitive)
    const d = text.charCodeAt(i + 1);
    if (d === 0x73 || d === 0x74 || d === 0x6d || d === 0x64) return i + 2;
    if (i + 2 < end) {
      const e = text.charCodeAt(i + 2);
      if ((e === 0x65 && (d === 0x72 || d === 0x76)) || (d === 0x6c && e === 0x6c)) return i + 3;
    }
  }
  let packed = classAt(text, i, end);
  let start = i;
  if (c === 0x20 && i + 1 < end) { // " ?X+": a single space joins the letters/numbers/symbols after it
    const next = classAt(text, i + 1, end);
    if ((next & 3) !== SPACE) {
      packed = next;
      start = i + 1;
    }
  }
  const cls = packed & 3;
  let j = start + (packed >> 2);
  if (cls === SPACE) { // whitespace is always one code unit
    while (j < end && BMP_CLASS[text.charCodeAt(j)] === SPACE) j++;
    // \s+(?!\S): before a non-space, the last space is left to start the next word (" word").
    return j === end || j - i === 1 ? j : j - 1;
  }
  if (cls === LETTER || cls === NUMBER) {
    while (j < end) {
      const code = text.charCodeAt(j);
      if (code < 0xd800 && BMP_CLASS[code] === cls) j++;
      else {
        const p = classAt(text, j, end);
        if ((p & 3) !== cls) break;
        j += p >> 2;
      }
    }
    return j;
  }
  while (j < end) {
    const p = classAt(text, j, end);
    if ((p & 3) !== OTHER) break;
    j += p >> 2;
  }
  return j;
}

/** Splits `text` into GPT-2 pre-tokenized words (no special-token handling; see special_tokens.ts). */
export function preTokenize(text: string): string[] {
  const words: string[] = [];
  for (let i = 0; i < text.length;) {
    const j = wordEnd(text, i, text.length);
    words.push(text.slice(i, j));
    i = j;
  }
  return words;
}
