/**
 * The byte-level BPE tokenizer: encode text to ids, decode ids to text, and read or write it as a
 * Hugging Face `tokenizer.json` (so the `tokenizers` library gives the same ids for the same text).
 */
import { UserError } from "../../core/user_error.ts";
import { BYTE_TO_CHAR, charToByte, utf8Encode } from "./_byte_level.ts";
import { mergeWord, type RankedMerges } from "./_merge_word.ts";
import { PairTable } from "./_pair_table.ts";
import { wordEnd } from "./_pretokenize.ts";
import { AddedTokenMatcher } from "./special_tokens.ts";
import { type BpeDefinition, readTokenizerJson, writeTokenizerJson } from "./tokenizer_json.ts";
import { WordIndex } from "./_word_index.ts";
import { writeFileAtomic } from "../../core/atomic_file.ts";
import { grow } from "../../core/grow.ts";

/** The document separator GPT-2 uses, our one special token by default. */
export const END_OF_TEXT = "<|endoftext|>";

/** What training saw and did (set on tokenizers returned by `trainBpe`). */
export interface TrainReport {
  /** Documents read. */
  documents: number;
  /** UTF-8 bytes of those documents. */
  bytes: number;
  /** Distinct pre-tokenized words kept for the merge loop. */
  distinctWords: number;
  /** Distinct words dropped by the `maxWords` cap (0 when the cap was never reached). */
  prunedWords: number;
  /** Merges learned. */
  merges: number;
  /** Wall-clock seconds, counting plus merging. */
  seconds: number;
}

// The per-word cache is emptied when it reaches this many words: the 100k most frequent words of
// English cover ~98% of its words, and the cache's table (4 MB) then stays in a core's L2 cache.
const CACHE_WORDS = 100_000;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * A byte-level BPE tokenizer (GPT-2 style).
 *
 * @example
 * ```ts
 * import { Tokenizer } from "./tokenizer.ts";
 * import { trainBpe } from "./train.ts";
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * await (await trainBpe(["Hello world", "Hello there"], { vocabSize: 300 })).save(path);
 * const tokenizer = await Tokenizer.load(path); // e.g. data/default/tokenizer.json
 * const ids = tokenizer.encode("Hello world<|endoftext|>");
 * console.assert(tokenizer.decode(ids) === "Hello world<|endoftext|>");
 * await Deno.remove(path);
 * ```
 */
export class Tokenizer {
  /** One more than the largest id: the size of a model's embedding table. */
  readonly vocabSize: number;
  /** Id of `<|endoftext|>`, or -1 if this tokenizer has none (e.g. one trained elsewhere without it). */
  readonly eotId: number;
  /** Set by `trainBpe`. */
  trainReport?: TrainReport;

  readonly #definition: BpeDefinition;
  readonly #tokens: string[];
  readonly #tokenBytes: Uint8Array[];
  readonly #byteToId = new Int32Array(256);
  readonly #merges: RankedMerges;
  readonly #matcher: AddedTokenMatcher;
  // The word cache: word -> entry in #cache, whose ids are #cacheIds[#cacheStarts[e], [e + 1]).
  readonly #cache = new WordIndex(1 << 16);
  #cacheIds = new Uint32Array(1 << 18);
  #cacheStarts = new Int32Array(1 << 16);
  #out = new Uint32Array(1024);
  #length = 0;
  #bytes = new Uint8Array(256);
  #symbols = new Int32Array(256);
  readonly #cacheWords: number;

  /**
   * Builds a tokenizer from its definition (see `fromJson` / `load` for files). `cacheWords` bounds
   * the per-word cache of `encode` (default 100,000 words).
   */
  constructor(definition: BpeDefinition, options: { cacheWords?: number } = {}) {
    this.#definition = definition;
    this.#cacheWords = Math.max(1, options.cacheWords ?? CACHE_WORDS);
    const { vocab, merges, addedTokens } = definition;
    let size = 0;
    for (const id of vocab.values()) size = Math.max(size, id + 1);
    for (const token of addedTokens) size = Math.max(size, token.id + 1);
    this.vocabSize = size;
    this.#tokens = new Array<string>(size).fill("");
    for (const [token, id] of vocab) this.#tokens[id] = token;
    this.#tokenBytes = this.#tokens.map(tokenToBytes);
    for (const token of addedTokens) {
      this.#tokens[token.id] = token.content;
      this.#tokenBytes[token.id] = encoder.encode(token.content);
    }
    const eot = addedTokens.find((token) => token.content === END_OF_TEXT);
    this.eotId = eot?.id ?? vocab.get(END_OF_TEXT) ?? -1;
    for (let byte = 0; byte < 256; byte++) {
      this.#byteToId[byte] = vocab.get(BYTE_TO_CHAR[byte]) ?? -1;
    }
    const ranks = new PairTable(merges.length);
    const mergedId = new Int32Array(merges.length);
    merges.forEach(([left, right], rank) => {
      const a = vocab.get(left), b = vocab.get(right), merged = vocab.get(left + right);
      if (a === undefined || b === undefined || merged === undefined) {
        throw new UserError(`merge ${rank} (${left} ${right}) uses a token missing from the vocab`);
      }
      ranks.set(a, b, rank);
      mergedId[rank] = merged;
    });
    this.#merges = { ranks, mergedId };
    this.#matcher = new AddedTokenMatcher(addedTokens);
  }

  /** Parses a Hugging Face `tokenizer.json`; `source` names it in errors. */
  static fromJson(json: string, source?: string): Tokenizer {
    return new Tokenizer(readTokenizerJson(json, source));
  }

  /** Reads a Hugging Face `tokenizer.json`; a missing or bad file is a UserError naming it. */
  static async load(path: string): Promise<Tokenizer> {
    let json: string;
    try {
      json = await Deno.readTextFile(path);
    } catch (error) {
      const why = error instanceof Deno.errors.NotFound ? "no such file" : (error as Error).message;
      throw new UserError(`${path}: cannot read the tokenizer (${why})`);
    }
    return Tokenizer.fromJson(json, path);
  }

  /** The tokenizer as Hugging Face `tokenizer.json` text; the same tokenizer gives the same bytes. */
  toJson(): string {
    return writeTokenizerJson(this.#definition);
  }

  /** Writes `toJson()` to `path` atomically (a temporary file renamed over it). */
  async save(path: string): Promise<void> {
    await writeFileAtomic(path, this.toJson());
  }

  /** The definition (vocab, merges, added tokens) this tokenizer was built from. */
  get definition(): BpeDefinition {
    return this.#definition;
  }

  /** The token string of `id` (GPT-2 stand-in characters; added tokens as written), or undefined. */
  token(id: number): string | undefined {
    return id >= 0 && id < this.vocabSize && this.#tokens[id] !== "" ? this.#tokens[id] : undefined;
  }

  /**
   * The ids of `text` (no end-of-text appended). Added tokens written in the text, such as
   * `<|endoftext|>`, become their own id, as in Hugging Face.
   */
  encode(text: string): Uint32Array {
    this.#length = 0;
    this.#append(text);
    return this.#out.slice(0, this.#length);
  }

  /**
   * The ids of `text` read as plain text: an added token written in it (a web page quoting
   * `<|endoftext|>`) is encoded as its characters, not as the token's id, so that in a corpus the
   * end-of-text id only ever marks a document's end (nanoGPT's `encode_ordinary`).
   */
  encodeOrdinary(text: string): Uint32Array {
    this.#length = 0;
    this.#encodeSegment(text, 0, text.length);
    return this.#out.slice(0, this.#length);
  }

  /**
   * The ordinary ids (see `encodeOrdinary`) of several documents in one array: document d is
   * `ids[offsets[d], offsets[d + 1])`. Faster than one call per document (one allocation instead
   * of one per document); the EncoderPool workers use it.
   */
  encodeConcatenated(
    documents: readonly string[],
  ): { ids: Uint32Array<ArrayBuffer>; offsets: Float64Array<ArrayBuffer> } {
    const offsets = new Float64Array(documents.length + 1);
    this.#length = 0;
    for (let d = 0; d < documents.length; d++) {
      this.#encodeSegment(documents[d], 0, documents[d].length);
      offsets[d + 1] = this.#length;
    }
    return { ids: this.#out.slice(0, this.#length), offsets };
  }

  // Appends the ids of `text` to #out.
  #append(text: string): void {
    if (this.#matcher.empty) {
      this.#encodeSegment(text, 0, text.length);
      return;
    }
    this.#matcher.begin(text);
    let from = 0;
    for (let hit = this.#matcher.find(0); hit; hit = this.#matcher.find(from)) {
      this.#encodeSegment(text, from, hit.index);
      this.#push(hit.token.id);
      from = hit.index + hit.token.content.length;
    }
    this.#encodeSegment(text, from, text.length);
  }

  /** The text of `ids`; invalid UTF-8 (a multi-byte character cut between tokens) becomes U+FFFD. */
  decode(ids: ArrayLike<number>): string {
    let total = 0;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k];
      if (!(id >= 0 && id < this.vocabSize)) throw new RangeError(`token id ${id} is out of range`);
      total += this.#tokenBytes[id].length;
    }
    const bytes = new Uint8Array(total);
    let at = 0;
    for (let k = 0; k < ids.length; k++) {
      const piece = this.#tokenBytes[ids[k]];
      bytes.set(piece, at);
      at += piece.length;
    }
    return decoder.decode(bytes);
  }

  #push(id: number): void {
    if (this.#length === this.#out.length) this.#out = grow(this.#out, this.#length + 1);
    this.#out[this.#length++] = id;
  }

  #encodeSegment(text: string, from: number, to: number): void {
    if (from === to) return;
    if (this.#definition.addPrefixSpace && text.charCodeAt(from) !== 0x20) {
      text = " " + text.slice(from, to);
      from = 0;
      to = text.length;
    }
    const cache = this.#cache;
    for (let i = from; i < to;) {
      const j = wordEnd(text, i, to);
      let entry = cache.find(text, i, j);
      if (entry === -1) entry = this.#cacheWord(text, i, j);
      const start = this.#cacheStarts[entry], end = this.#cacheStarts[entry + 1];
      // Checked here, not only inside grow: this runs once per word of the corpus.
      if (this.#length + end - start > this.#out.length) {
        this.#out = grow(this.#out, this.#length + end - start);
      }
      const out = this.#out, ids = this.#cacheIds;
      for (let k = start; k < end; k++) out[this.#length++] = ids[k];
      i = j;
    }
  }

  // Encodes the word text[from, to) and adds it to the cache (emptied first when full); returns
  // its cache entry.
  #cacheWord(text: string, from: number, to: number): number {
    if (this.#cache.size >= this.#cacheWords) {
      this.#cache.clear();
      this.#cache.find(text, from, to); // `add` needs the slot of a fresh `find`
    }
    const most = 3 * (to - from);
    if (this.#bytes.length < most) {
      this.#bytes = new Uint8Array(most);
      this.#symbols = new Int32Array(most);
    }
    const n = this.#encodeWord(text, from, to);
    const entry = this.#cache.add(text, from, to);
    this.#cacheStarts = grow(this.#cacheStarts, entry + 2);
    const start = this.#cacheStarts[entry];
    this.#cacheIds = grow(this.#cacheIds, start + n, { keep: start });
    this.#cacheIds.set(this.#symbols.subarray(0, n), start);
    this.#cacheStarts[entry + 1] = start + n;
    return entry;
  }

  // Puts the ids of the word text[from, to) in #symbols[0, n) and returns n.
  #encodeWord(text: string, from: number, to: number): number {
    const bytes = this.#bytes, symbols = this.#symbols;
    const byteCount = utf8Encode(text, from, to, bytes);
    if (this.#definition.ignoreMerges) {
      let whole = "";
      for (let k = 0; k < byteCount; k++) whole += BYTE_TO_CHAR[bytes[k]];
      const id = this.#definition.vocab.get(whole);
      if (id !== undefined) {
        symbols[0] = id;
        return 1;
      }
    }
    let n = 0;
    for (let k = 0; k < byteCount; k++) {
      const id = this.#byteToId[bytes[k]];
      if (id !== -1) symbols[n++] = id; // a byte missing from the vocab is dropped, as Hugging Face does
    }
    return mergeWord(symbols, n, this.#merges);
  }
}

// A vocab token's bytes; a token with a character that is not a byte stand-in is taken as UTF-8,
// as Hugging Face's ByteLevel decoder does.
function tokenToBytes(token: string): Uint8Array {
  const bytes = new Uint8Array(token.length);
  for (let k = 0; k < token.length; k++) {
    const byte = charToByte(token.charCodeAt(k));
    if (byte === -1) return encoder.encode(token);
    bytes[k] = byte;
  }
  return bytes;
}
