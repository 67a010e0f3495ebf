/** Which split a document belongs to: "train" for training, "val" for evaluation. */
export type Split = "train" | "val";

/** Both splits, in the order the store lists them. */
export const SPLITS: readonly Split[] = ["train", "val"];

/** A document's UTF-8 length and a stable 32-bit hash of its UTF-8 bytes. */
export interface DocumentHash {
  utf8Bytes: number;
  hash: number;
}

/**
 * Hashes a document's content: FNV-1a (32-bit) over its UTF-8 bytes, then MurmurHash3's `fmix32`
 * finaliser so that every bit of the result is uniform (FNV alone leaves the high bits weak for
 * short texts). The UTF-8 bytes are produced on the fly from the UTF-16 code units, exactly as
 * `TextEncoder` would (a lone surrogate counts as U+FFFD), so no buffer is allocated per document.
 * The function depends only on the text, never on the run: the same document always lands in the
 * same split, whatever the input order or the number of workers.
 */
export function hashDocument(text: string): DocumentHash {
  // FNV-1a step, inlined (this loop runs over every byte of the corpus): h = (h ^ byte) * prime.
  const prime = 0x01000193;
  let hash = 0x811c9dc5;
  let utf8Bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      hash = Math.imul(hash ^ code, prime);
      continue;
    }
    if (code < 0x800) {
      hash = Math.imul(hash ^ (0xc0 | (code >> 6)), prime);
      hash = Math.imul(hash ^ (0x80 | (code & 0x3f)), prime);
      utf8Bytes += 1;
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
        hash = Math.imul(hash ^ (0xf0 | (code >> 18)), prime);
        hash = Math.imul(hash ^ (0x80 | ((code >> 12) & 0x3f)), prime);
        hash = Math.imul(hash ^ (0x80 | ((code >> 6) & 0x3f)), prime);
        hash = Math.imul(hash ^ (0x80 | (code & 0x3f)), prime);
        utf8Bytes += 2; // 4 bytes for 2 code units
        continue;
      }
      code = 0xfffd; // a lone surrogate, as TextEncoder writes it
    }
    hash = Math.imul(hash ^ (0xe0 | (code >> 12)), prime);
    hash = Math.imul(hash ^ (0x80 | ((code >> 6) & 0x3f)), prime);
    hash = Math.imul(hash ^ (0x80 | (code & 0x3f)), prime);
    utf8Bytes += 2;
  }
  return { utf8Bytes, hash: fmix32(hash) };
}

/** MurmurHash3's 32-bit finaliser (Appleby, MurmurHash3.cpp `fmix32`). */
function fmix32(value: number): number {
  value ^= value >>> 16;
  value = Math.imul(value, 0x85ebca6b);
  value ^= value >>> 13;
  value = Math.imul(value, 0xc2b2ae35);
  value ^= value >>> 16;
  return value >>> 0;
}

/** The split of a document with content hash `hash`: "val" when hash / 2^32 < valFraction. */
export function splitOf(hash: number, valFraction: number): Split {
  return hash < valFraction * 0x1_0000_0000 ? "val" : "train";
}
