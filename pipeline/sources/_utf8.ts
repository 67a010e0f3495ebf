/** UTF-8 decoding that counts the U+FFFD substitutions it makes for invalid input. */
import type { ReadStats } from "./types.ts";

// Replacement mode (not fatal): a bad byte must not stop a 40 GB read. The BOM is dropped.
const decoder = new TextDecoder("utf-8");

/**
 * Decodes `bytes`, replacing invalid sequences with U+FFFD and adding their number to
 * `stats.invalidUtf8`. Valid input costs one native decode and one `includes` scan.
 */
export function decodeUtf8(bytes: Uint8Array, stats: ReadStats): string {
  const text = decoder.decode(bytes);
  if (text.includes("\uFFFD")) stats.invalidUtf8 += substitutions(text, bytes);
  return text;
}

/**
 * Decodes a whole document (see {@link decodeUtf8}) and returns it with its UTF-8 length: the byte count
 * itself when nothing was replaced (less a dropped BOM), so clean text is not scanned again.
 */
export function decodeDocument(
  bytes: Uint8Array,
  stats: ReadStats,
): { text: string; bytes: number } {
  const invalidBefore = stats.invalidUtf8;
  const text = decodeUtf8(bytes, stats);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return {
    text,
    bytes: stats.invalidUtf8 === invalidBefore ? bytes.length - bom : utf8Length(text),
  };
}

/** U+FFFD characters in `text` that were not spelled as a valid EF BF BD sequence in `bytes`. */
function substitutions(text: string, bytes: Uint8Array): number {
  let decoded = 0;
  for (let at = text.indexOf("\uFFFD"); at !== -1; at = text.indexOf("\uFFFD", at + 1)) decoded++;
  let genuine = 0;
  for (let at = bytes.indexOf(0xef); at !== -1; at = bytes.indexOf(0xef, at + 1)) {
    if (bytes[at + 1] === 0xbf && bytes[at + 2] === 0xbd) genuine++;
  }
  return decoded - genuine;
}

/**
 * Replaces lone surrogates (which JSON `\uD800` escapes can produce and UTF-8 cannot encode) with U+FFFD,
 * counting them in `stats.invalidUtf8`, so every document is valid Unicode.
 */
export function toWellFormed(text: string, stats: ReadStats): string {
  if (text.isWellFormed()) return text;
  const fixed = text.toWellFormed();
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== fixed.charCodeAt(i)) count++;
  stats.invalidUtf8 += count;
  return fixed;
}

/** The UTF-8 length of a well-formed string, without encoding it. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    // 2 bytes below U+0800, 3 above; a surrogate pair (two code units) is 4 bytes: 1 extra for each unit.
    bytes += code < 0x800 || (code >= 0xd800 && code < 0xe000) ? 1 : 2;
  }
  return bytes;
}
