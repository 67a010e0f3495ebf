/**
 * A hash set of words that numbers them 0, 1, 2... in insertion order, looked up straight from a
 * range of a larger text: no substring is made, and the words live in one UTF-16 arena instead of
 * one string object each. Both the trainer's word counts and the encoder's word cache are keyed by
 * every word of the input, so this lookup is the hottest code of the tokenizer; against a
 * `Map<string, …>` (slice, hash, lookup) it is several times faster and keeps millions of words
 * out of the garbage collector's way.
 */
import { grow } from "../../core/grow.ts";
export class WordIndex {
  // Open addressing, 4 ints per slot so that a probe reads one cache line: entry + 1 (0 = empty),
  // hash, start of the word in the arena, length.
  #slots: Int32Array;
  #mask: number;
  #starts = new Int32Array(1025); // entry e is arena[starts[e], starts[e + 1])
  #arena = new Uint16Array(1 << 16);
  #size = 0;
  #lastHash = 0;
  #lastSlot = 0;
  #scratch = new Uint16Array(256); // the word of the last `find`

  /** An empty index sized for about `expected` words (it grows as needed). */
  constructor(expected = 1024) {
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.#slots = new Int32Array(4 * capacity);
    this.#mask = capacity - 1;
  }

  /** Number of words. */
  get size(): number {
    return this.#size;
  }

  /** UTF-16 code units held by all words together. */
  get codeUnits(): number {
    return this.#starts[this.#size];
  }

  /**
   * The entry of the word `text[from, to)`, or -1. A following `add` of the same range reuses the
   * hash, the copy and the slot made here.
   */
  find(text: string, from: number, to: number): number {
    const length = to - from;
    if (length > this.#scratch.length) this.#scratch = new Uint16Array(2 * length);
    const scratch = this.#scratch;
    let hash = 0x811c9dc5 ^ length;
    for (let k = 0; k < length; k++) {
      const code = text.charCodeAt(from + k);
      scratch[k] = code;
      hash = Math.imul(hash ^ code, 0x01000193);
    }
    return this.#probe(scratch, 0, length, hash);
  }

  /** Adds `text[from, to)`, which the last call to `find` (on the same range) did not find. */
  add(_text: string, from: number, to: number): number {
    return this.addCodes(this.#scratch, 0, to - from);
  }

  /** `find` for a word given as UTF-16 code units, `codes[from, to)`. */
  findCodes(codes: Uint16Array, from: number, to: number): number {
    let hash = 0x811c9dc5 ^ (to - from);
    for (let k = from; k < to; k++) hash = Math.imul(hash ^ codes[k], 0x01000193);
    return this.#probe(codes, from, to, hash);
  }

  /** `add` for a word given as UTF-16 code units, after `findCodes` did not find it. */
  addCodes(codes: Uint16Array, from: number, to: number): number {
    const entry = this.#reserve(to - from);
    this.#arena.set(codes.subarray(from, to), this.#starts[entry]);
    return entry;
  }

  // Looks for codes[from, to), whose FNV-1a hash is `hash`; remembers where it would go.
  #probe(codes: Uint16Array, from: number, to: number, hash: number): number {
    hash ^= hash >>> 15;
    this.#lastHash = hash;
    const slots = this.#slots, arena = this.#arena, length = to - from;
    let slot = hash & this.#mask;
    for (;;) {
      const at = 4 * slot;
      const entry = slots[at] - 1;
      if (entry === -1) break;
      if (slots[at + 1] === hash && slots[at + 3] === length) {
        const start = slots[at + 2] - from;
        let k = from;
        while (k < to && arena[start + k] === codes[k]) k++;
        if (k === to) return entry;
      }
      slot = (slot + 1) & this.#mask;
    }
    this.#lastSlot = slot;
    return -1;
  }

  // Makes the entry for a word of `length` code units at the slot the last find stopped at; the
  // caller copies the word to arena[starts[entry], starts[entry + 1]).
  #reserve(length: number): number {
    const entry = this.#size++;
    this.#starts = grow(this.#starts, entry + 2);
    const start = this.#starts[entry];
    this.#arena = grow(this.#arena, start + length, { keep: start });
    this.#starts[entry + 1] = start + length;
    const at = 4 * this.#lastSlot;
    this.#slots[at] = entry + 1;
    this.#slots[at + 1] = this.#lastHash;
    this.#slots[at + 2] = start;
    this.#slots[at + 3] = length;
    if (this.#size * 2 > this.#mask + 1) this.#rehash();
    return entry;
  }

  /** The words as arrays that can be sent to another thread: word e is `arena[starts[e], [e+1])`. */
  export(): { arena: Uint16Array<ArrayBuffer>; starts: Int32Array<ArrayBuffer> } {
    return {
      arena: this.#arena.slice(0, this.codeUnits),
      starts: this.#starts.slice(0, this.#size + 1),
    };
  }

  /** The word of `entry`. */
  word(entry: number): string {
    const start = this.#starts[entry], end = this.#starts[entry + 1];
    let word = "";
    for (let k = start; k < end; k += 4096) {
      word += String.fromCharCode(...this.#arena.subarray(k, Math.min(end, k + 4096)));
    }
    return word;
  }

  /** Removes every word (keeping the memory for reuse). */
  clear(): void {
    this.#slots.fill(0);
    this.#size = 0;
  }

  #rehash(): void {
    const old = this.#slots;
    const capacity = (this.#mask + 1) * 2;
    const slots = new Int32Array(4 * capacity);
    const mask = capacity - 1;
    for (let at = 0; at < old.length; at += 4) {
      if (old[at] === 0) continue;
      let slot = old[at + 1] & mask;
      while (slots[4 * slot] !== 0) slot = (slot + 1) & mask;
      const to = 4 * slot;
      slots[to] = old[at];
      slots[to + 1] = old[at + 1];
      slots[to + 2] = old[at + 2];
      slots[to + 3] = old[at + 3];
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}
