/**
 * Training a byte-level BPE tokenizer from a stream of documents: count pre-tokenized words while
 * the documents stream past (_word_counter.ts), then learn merges over the distinct words
 * (_merge_loop.ts). Documents are read once.
 *
 * Ids: the special tokens come first (`<|endoftext|>` is id 0, the convention of Hugging Face's
 * trainer), then the 256 bytes in the order of their GPT-2 stand-in characters, then the merged
 * tokens in the order they were learned. Ties between equally frequent pairs go to the pair with the
 * smaller ids, as in Hugging Face, so the same input always gives the same tokenizer.json.
 */
import { UserError } from "../../core/user_error.ts";
import { BYTE_TO_CHAR, BYTES_IN_ALPHABET_ORDER, utf8Encode } from "./_byte_level.ts";
import { learnMerges, type WordTable } from "./_merge_loop.ts";
import { END_OF_TEXT, Tokenizer } from "./tokenizer.ts";
import { countWords, type CountWordsOptions } from "./_count_words.ts";
import type { WordCounter } from "./_word_counter.ts";
import { grow } from "../../core/grow.ts";

/** Settings of `trainBpe`. */
export interface TrainBpeOptions {
  /** Target vocabulary size, counting the 256 byte tokens and the special tokens. */
  vocabSize: number;
  /**
   * A pair must occur at least this often to be merged (default 2: a pair seen once teaches
   * nothing). Training stops early, with a smaller vocabulary, when no pair is frequent enough.
   */
  minFrequency?: number;
  /**
   * Cap on distinct words held while counting (default 4,000,000, about 300 MB). Past it the rarest
   * words are dropped (see `TrainReport.prunedWords`), so a word first seen late needs more
   * occurrences to survive; with the default, English corpora up to a few GB never reach it.
   */
  maxWords?: number;
  /**
   * Workers that pre-tokenize and count words (default: one per core; 0 counts in this thread).
   * The result does not depend on it.
   */
  countWorkers?: number;
  /** Special tokens, given the first ids (default `[END_OF_TEXT]`). */
  specialTokens?: string[];
  /** Called every 1000 documents while counting and every 1000 merges while merging. */
  onProgress?: (
    progress: { phase: "count" | "merge"; documents: number; bytes: number; merges: number },
  ) => void;
}

/** The default `maxWords`. */
export const DEFAULT_MAX_WORDS = 4_000_000;

/**
 * Trains a byte-level BPE tokenizer on `docs`, read once. Refuses (UserError) a vocabulary too small
 * to hold every byte and special token, and a corpus with no text.
 *
 * @example
 * ```ts
 * import { trainBpe } from "./train.ts";
 * const tokenizer = await trainBpe(["a first document", "and a second one"].values(), { vocabSize: 300 });
 * tokenizer.trainReport?.merges; // merges learned
 * ```
 */
export async function trainBpe(
  docs: AsyncIterable<string> | Iterable<string>,
  options: TrainBpeOptions,
): Promise<Tokenizer> {
  const started = performance.now();
  const specialTokens = options.specialTokens ?? [END_OF_TEXT];
  const { vocabSize } = options;
  const minimum = 256 + specialTokens.length;
  if (!Number.isInteger(vocabSize) || vocabSize < minimum) {
    throw new UserError(
      `--vocab ${vocabSize} is too small: it must be a whole number of at least ${minimum} ` +
        `(256 byte tokens, so that any text can be encoded, plus ${specialTokens.length} special ` +
        `token${specialTokens.length === 1 ? "" : "s"})`,
    );
  }
  const minFrequency = options.minFrequency ?? 2;
  if (!(minFrequency >= 0)) throw new UserError(`--min-frequency ${minFrequency} must be >= 0`);
  const maxWords = options.maxWords ?? DEFAULT_MAX_WORDS;
  if (!Number.isInteger(maxWords) || maxWords < 1) {
    throw new UserError(`--max-words ${maxWords} must be a whole number >= 1`);
  }
  if (new Set(specialTokens).size !== specialTokens.length || specialTokens.includes("")) {
    throw new UserError(
      `special tokens must be distinct and non-empty: ${JSON.stringify(specialTokens)}`,
    );
  }
  const report = options.onProgress ?? (() => {});

  const tokens = [...specialTokens, ...BYTES_IN_ALPHABET_ORDER.map((byte) => BYTE_TO_CHAR[byte])];
  const byteId = new Int32Array(256);
  BYTES_IN_ALPHABET_ORDER.forEach((byte, k) => byteId[byte] = specialTokens.length + k);
  const countWorkers = options.countWorkers ?? navigator.hardwareConcurrency;
  if (!Number.isInteger(countWorkers) || countWorkers < 0) {
    throw new UserError(`countWorkers ${countWorkers} must be a whole number >= 0`);
  }
  const { words, documents, bytes, distinctWords, prunedWords } = await countedWordTable(docs, {
    maxWords,
    specialTokens,
    workers: countWorkers,
    onProgress: (documents, bytes) => report({ phase: "count", documents, bytes, merges: 0 }),
  }, byteId);

  const merges = learnMerges(words, tokens, {
    vocabSize,
    minFrequency,
    onMerge: (merges) => report({ phase: "merge", documents, bytes, merges }),
  });
  report({ phase: "merge", documents, bytes, merges: merges.length });

  const tokenizer = new Tokenizer({
    vocab: new Map(tokens.map((token, id) => [token, id])),
    merges: merges.map(([a, b]) => [tokens[a], tokens[b]]),
    addedTokens: specialTokens.map((content, id) => ({ id, content, special: true })),
    ignoreMerges: false,
    addPrefixSpace: false,
  });
  tokenizer.trainReport = {
    documents,
    bytes,
    distinctWords,
    prunedWords,
    merges: merges.length,
    seconds: (performance.now() - started) / 1000,
  };
  return tokenizer;
}

// Counts the words of `docs` and returns them as a table for the merge loop. The counter stays in
// this scope, so its memory can go before merging starts.
async function countedWordTable(
  docs: AsyncIterable<string> | Iterable<string>,
  options: CountWordsOptions,
  byteId: Int32Array,
) {
  const { counter, documents, bytes } = await countWords(docs, options);
  if (counter.words.size === 0) {
    throw new UserError(
      documents === 0
        ? "the corpus is empty: there are no documents to train the tokenizer on"
        : `the corpus has no text: its ${documents} documents are empty (or only special tokens)`,
    );
  }
  return {
    words: toWordTable(counter, byteId),
    documents,
    bytes,
    distinctWords: counter.words.size,
    prunedWords: counter.prunedWords,
  };
}

// Words of two or more bytes as byte ids (a one-byte word has no pair to merge).
function toWordTable(counter: WordCounter, byteId: Int32Array): WordTable {
  const { words, counts } = counter;
  // Mostly ASCII: one byte per code unit; grown if the text says otherwise.
  let symbols = new Int32Array(words.codeUnits + 1024);
  const starts = new Int32Array(words.size);
  const lengths = new Int32Array(words.size);
  const wordCounts = new Float64Array(words.size);
  let bytes = new Uint8Array(1024);
  let at = 0, w = 0;
  for (let entry = 0; entry < words.size; entry++) {
    const word = words.word(entry);
    if (bytes.length < 3 * word.length) bytes = new Uint8Array(3 * word.length);
    const n = utf8Encode(word, 0, word.length, bytes);
    if (n < 2) continue;
    symbols = grow(symbols, at + n, { factor: 1.5 });
    starts[w] = at;
    lengths[w] = n;
    wordCounts[w++] = counts[entry];
    for (let k = 0; k < n; k++) symbols[at++] = byteId[bytes[k]];
  }
  return {
    symbols: symbols.subarray(0, at),
    starts: starts.subarray(0, w),
    lengths: lengths.subarray(0, w),
    counts: wordCounts.subarray(0, w),
  };
}
