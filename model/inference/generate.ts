import { UserError } from "../../core/user_error.ts";
import type { GptWeights } from "../gpt/gpt.ts";
import { KvCache, transposedEmbedding, windowLogits } from "./kv_cache.ts";
import { Random } from "../gpt/random.ts";
import { sampleToken, type SamplingOptions, validateSampling } from "./sampling.ts";

/** What generation needs of a tokenizer (`pipeline`'s `Tokenizer` has it). */
export interface TextCodec {
  /** Token ids of `text` (no `<|endoftext|>` appended). */
  encode(text: string): ArrayLike<number>;
  /** The text of `ids`; an incomplete UTF-8 sequence becomes U+FFFD. */
  decode(ids: ArrayLike<number>): string;
  /** The id of `<|endoftext|>`. */
  readonly eotId: number;
}

/** Options of `generate` and `generateTokens`. */
export interface GenerateOptions extends SamplingOptions {
  /** How many tokens to generate at most. */
  maxNew: number;
  /** Seed of the sampling generator (default 0); ignored when `random` is given. */
  seed?: number;
  /** The sampling generator, to continue a stream. */
  random?: Random;
  /** Use the key/value cache (default true); false recomputes the window for every token. */
  cache?: boolean;
  /** Stop (without emitting it) when this token is drawn; `generate` sets the tokenizer's
   *  `<|endoftext|>` unless `ignoreEndOfText`. */
  stopAt?: number;
  /** `generate` only: keep going past `<|endoftext|>` (then decoded as text). */
  ignoreEndOfText?: boolean;
  /** Called with each generated token id, as it is drawn (e.g. to count tokens per second). */
  onToken?: (id: number) => void;
}

/**
 * Generates up to `maxNew` token ids after `promptIds` (at least one id; only the last ctx count).
 * Each step samples from the next-token logits (`sampleToken`) and feeds the token back: through
 * the key/value cache by default, or by a full forward pass over the window with `cache: false`.
 * The same seed gives the same tokens, with or without the cache.
 */
export async function* generateTokens(
  model: GptWeights,
  promptIds: ArrayLike<number>,
  options: GenerateOptions,
): AsyncGenerator<number> {
  validateGenerate(options);
  if (promptIds.length === 0) throw new RangeError("generateTokens: the prompt has no tokens");
  const random = options.random ?? new Random(options.seed ?? 0);
  const context = Array.from(promptIds);
  const cache = options.cache === false ? null : new KvCache(model);
  // The anchor path gets the same one-time transposed embedding the cache keeps.
  const embedTransposed = cache ? undefined : transposedEmbedding(model);
  const step = (ids: number[]) =>
    cache ? cache.append(ids) : windowLogits(model, context, embedTransposed);
  try {
    let next = step(context.slice(-model.config.ctx));
    for (let produced = 0; produced < options.maxNew; produced++) {
      const logits = await next.data(); // async: WebGPU cannot read synchronously under Deno
      next.dispose();
      const id = sampleToken(logits, options, random);
      if (id === options.stopAt) return;
      options.onToken?.(id);
      yield id;
      if (produced + 1 === options.maxNew) return;
      context.push(id);
      next = step([id]);
    }
  } finally {
    cache?.dispose();
    embedTransposed?.dispose();
  }
}

/**
 * Generates text after `prompt`, as an async iterator of text pieces in the order produced (their
 * concatenation is the decoded continuation). An empty prompt starts from `<|endoftext|>`, the
 * token that begins every document in training. A piece never ends inside a multi-byte UTF-8
 * character: token bytes are held back until the character is complete. Generation ends after
 * `maxNew` tokens or at `<|endoftext|>` (unless `ignoreEndOfText`).
 *
 * @example
 * ```ts
 * import { initBackend, microGpt } from "../mod.ts";
 * await initBackend("cpu");
 * // A trained model and its tokenizer come from `loadRun("runs/NAME")`; here, an untrained model over bytes.
 * const model = microGpt({ layers: 1, modelD: 16, heads: 2, vocab: 256, ctx: 16, block: "original" });
 * const bytes = {
 *   eotId: 0,
 *   encode: (text: string) => [...new TextEncoder().encode(text)],
 *   decode: (ids: ArrayLike<number>) => new TextDecoder().decode(Uint8Array.from(ids)),
 * };
 * for await (const piece of generate(model, bytes, "The meaning of", { maxNew: 20, seed: 1 })) {
 *   await Deno.stdout.write(new TextEncoder().encode(piece));
 * }
 * model.dispose();
 * ```
 */
export async function* generate(
  model: GptWeights,
  tokenizer: TextCodec,
  prompt: string,
  options: GenerateOptions,
): AsyncGenerator<string> {
  validateGenerate(options);
  const encoded = Array.from(tokenizer.encode(prompt));
  const promptIds = encoded.length > 0 ? encoded : [tokenizer.eotId];
  const stopAt = options.ignoreEndOfText ? options.stopAt : (options.stopAt ?? tokenizer.eotId);
  const stream = new TextStream(tokenizer);
  for await (const id of generateTokens(model, promptIds, { ...options, stopAt })) {
    const piece = stream.push(id);
    if (piece) yield piece;
  }
  const rest = stream.flush();
  if (rest) yield rest;
}

/** Throws a `UserError` naming the flag for bad generation options. */
export function validateGenerate(options: GenerateOptions): void {
  if (!(Number.isInteger(options.maxNew) && options.maxNew >= 1)) {
    throw new UserError(`--max-new: must be a whole number ≥ 1, got ${options.maxNew}`);
  }
  validateSampling(options);
}

// A UTF-8 character has at most 4 bytes and every token at least 1: after 4 tokens an unfinished
// character is not going to be finished (the bytes were invalid), so they are let through.
const MAX_HELD_TOKENS = 4;
const REPLACEMENT = "\uFFFD";

/**
 * Turns a stream of token ids into text pieces without splitting a multi-byte character: ids are
 * decoded together since the last piece, and held while the text ends in an incomplete sequence.
 */
export class TextStream {
  #pending: number[] = [];
  #held = 0;

  /** A stream that decodes with `tokenizer`. */
  constructor(readonly tokenizer: Pick<TextCodec, "decode">) {}

  /** Adds one id; returns the text now complete ("" while a character is unfinished). */
  push(id: number): string {
    this.#pending.push(id);
    const text = this.tokenizer.decode(this.#pending);
    if (text.endsWith(REPLACEMENT) && ++this.#held < MAX_HELD_TOKENS) return "";
    return this.flush(text);
  }

  /** Returns whatever is pending (an unfinished character as U+FFFD) and starts afresh. */
  flush(text = this.tokenizer.decode(this.#pending)): string {
    this.#pending = [];
    this.#held = 0;
    return text;
  }
}
