/**
 * Streaming word counts for BPE training: each document is split on special tokens and
 * pre-tokenized, and each word's count goes up. Only distinct words are kept, so memory grows with
 * the vocabulary of the corpus, not its size; `maxWords` bounds even that by pruning rare words.
 */
import { wordEnd } from "./_pretokenize.ts";
import { AddedTokenMatcher } from "./special_tokens.ts";
import { WordIndex } from "./_word_index.ts";
import { grow } from "../../core/grow.ts";

/** A counter's words and counts as plain arrays, to send to another thread and `absorb` there. */
export interface CountedWords {
  /** Word e is `arena[starts[e], starts[e + 1])` (UTF-16 code units). */
  arena: Uint16Array<ArrayBuffer>;
  starts: Int32Array<ArrayBuffer>;
  counts: Float64Array<ArrayBuffer>;
  prunedWords: number;
  prunedOccurrences: number;
}

/** Counts pre-tokenized words in bounded memory. */
export class WordCounter {
  /** The distinct words; entry e has been seen `counts[e]` times. */
  words = new WordIndex(1 << 16);
  /** Occurrences of each word, by entry (the array may be longer than `words.size`). */
  counts = new Float64Array(1 << 16);
  /** Distinct words dropped by pruning so far (a word dropped twice counts twice). */
  prunedWords = 0;
  /** Occurrences dropped by pruning so far. */
  prunedOccurrences = 0;
  readonly #maxWords: number;
  readonly #matcher: AddedTokenMatcher;

  /** Keeps at most `maxWords` distinct words; special tokens are separators, never counted. */
  constructor(maxWords: number, specialTokens: readonly string[]) {
    this.#maxWords = maxWords;
    this.#matcher = new AddedTokenMatcher(
      specialTokens.map((content, id) => ({ id, content, special: true })),
    );
  }

  /** Counts the words of one document. */
  add(text: string): void {
    if (this.#matcher.empty) {
      this.#addSegment(text, 0, text.length);
    } else {
      this.#matcher.begin(text);
      let from = 0;
      for (let hit = this.#matcher.find(0); hit; hit = this.#matcher.find(from)) {
        this.#addSegment(text, from, hit.index);
        from = hit.index + hit.token.content.length;
      }
      this.#addSegment(text, from, text.length);
    }
    if (this.words.size > this.#maxWords) this.#prune();
  }

  /** Adds another counter's words and counts (see `export`), then prunes if over the cap. */
  absorb(other: CountedWords): void {
    const { arena, starts, counts } = other;
    for (let e = 0; e + 1 < starts.length; e++) {
      let entry = this.words.findCodes(arena, starts[e], starts[e + 1]);
      if (entry === -1) {
        entry = this.#newEntry(this.words.addCodes(arena, starts[e], starts[e + 1]));
      }
      this.counts[entry] += counts[e];
    }
    this.prunedWords += other.prunedWords;
    this.prunedOccurrences += other.prunedOccurrences;
    if (this.words.size > this.#maxWords) this.#prune();
  }

  /** The words and counts as transferable arrays. */
  export(): CountedWords {
    return {
      ...this.words.export(),
      counts: this.counts.slice(0, this.words.size),
      prunedWords: this.prunedWords,
      prunedOccurrences: this.prunedOccurrences,
    };
  }

  #addSegment(text: string, from: number, to: number): void {
    const words = this.words;
    for (let i = from; i < to;) {
      const j = wordEnd(text, i, to);
      let entry = words.find(text, i, j);
      if (entry === -1) entry = this.#newEntry(words.add(text, i, j));
      this.counts[entry]++;
      i = j;
    }
  }

  // Makes room for the count of a new entry and zeroes it.
  #newEntry(entry: number): number {
    this.counts = grow(this.counts, entry + 1);
    this.counts[entry] = 0;
    return entry;
  }

  /**
   * Drops the rarest words until at most 3/4 of `maxWords` remain (so pruning does not run again
   * after every document): all words seen at most t times, for the smallest t that is enough.
   * Deterministic, since it depends only on the counts.
   */
  #prune(): void {
    const target = Math.floor(this.#maxWords * 0.75);
    const size = this.words.size, counts = this.counts;
    const histogram = new Float64Array(1025); // words per count, counts above 1024 together
    for (let e = 0; e < size; e++) histogram[Math.min(counts[e], 1024)]++;
    let threshold = 0;
    let remaining = size;
    while (remaining > target && threshold < 1024) remaining -= histogram[++threshold];
    const { arena, starts } = this.words.export();
    const kept = new WordIndex(remaining);
    const keptCounts = new Float64Array(Math.max(remaining, 1 << 16));
    for (let e = 0; e < size; e++) {
      if (counts[e] <= threshold) {
        this.prunedWords++;
        this.prunedOccurrences += counts[e];
        continue;
      }
      kept.findCodes(arena, starts[e], starts[e + 1]);
      keptCounts[kept.addCodes(arena, starts[e], starts[e + 1])] = counts[e];
    }
    this.words = kept;
    this.counts = keptCounts;
  }
}

/** UTF-8 length of a string (lone surrogates count as the 3 bytes of U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low < 0xe000) {
        bytes += 2; // 2 code units -> 4 bytes
        i++;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}
