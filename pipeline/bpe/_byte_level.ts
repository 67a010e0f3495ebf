/**
 * GPT-2's reversible map between the 256 byte values and printable Unicode characters.
 *
 * A byte-level BPE vocabulary stores every token as a string; raw bytes such as 0x20 (space) or 0x0A
 * would be invisible or break the JSON, so GPT-2 gives each byte a visible stand-in: printable
 * Latin-1 bytes keep their own character, and the 68 others (controls, space, 0x7F-0xA0, 0xAD) get
 * U+0100 + n in byte order. A space becomes "Ġ", a newline "Ċ". Hugging Face's ByteLevel
 * pre-tokenizer uses the same table, which is what makes our tokenizer.json files interchangeable.
 */

function isPrintable(byte: number): boolean {
  return (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) ||
    (byte >= 0xae && byte <= 0xff);
}

function buildByteToChar(): string[] {
  const chars: string[] = [];
  let next = 0x100;
  for (let byte = 0; byte < 256; byte++) {
    chars.push(String.fromCharCode(isPrintable(byte) ? byte : next++));
  }
  return chars;
}

/** `BYTE_TO_CHAR[b]` is the printable character standing for byte `b`. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

/** Code unit of a stand-in character -> its byte, or -1 (all stand-ins are below U+0144). */
const CHAR_TO_BYTE = new Int16Array(0x144).fill(-1);
for (let byte = 0; byte < 256; byte++) CHAR_TO_BYTE[BYTE_TO_CHAR[byte].charCodeAt(0)] = byte;

/**
 * The byte a stand-in character represents, or -1 if `code` (a UTF-16 code unit) is not one.
 *
 * @example
 * ```ts
 * import { charToByte } from "./_byte_level.ts";
 * charToByte("Ġ".charCodeAt(0)); // 32
 * ```
 */
export function charToByte(code: number): number {
  return code < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[code] : -1;
}

/**
 * The 256 byte values ordered by the code point of their stand-in character: the order Hugging Face's
 * BPE trainer gives its initial alphabet (and GPT-2's vocabulary has), so ids and tie-breaks agree.
 */
export const BYTES_IN_ALPHABET_ORDER: readonly number[] = Array.from({ length: 256 }, (_, b) => b)
  .sort((a, b) => BYTE_TO_CHAR[a].charCodeAt(0) - BYTE_TO_CHAR[b].charCodeAt(0));

/**
 * Writes the UTF-8 bytes of `text[from, to)` into `out` (which needs room for 3 bytes per code unit)
 * and returns how many were written. A lone surrogate becomes U+FFFD (EF BF BD), as `TextEncoder`
 * and Hugging Face (whose Rust strings cannot hold one) both do.
 */
export function utf8Encode(text: string, from: number, to: number, out: Uint8Array): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
    } else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 63);
    } else {
      if (c >= 0xd800 && c < 0xe000) {
        const low = i + 1 < to ? text.charCodeAt(i + 1) : 0;
        if (c < 0xdc00 && low >= 0xdc00 && low < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
          i++;
          out[n++] = 0xf0 | (c >> 18);
          out[n++] = 0x80 | ((c >> 12) & 63);
          out[n++] = 0x80 | ((c >> 6) & 63);
          out[n++] = 0x80 | (c & 63);
          continue;
        }
        c = 0xfffd;
      }
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    }
  }
  return n;
}
