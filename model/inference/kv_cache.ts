import * as tf from "@tensorflow/tfjs-core";
import { gptHidden, gptHiddenCached, type GptWeights } from "../gpt/gpt.ts";
import type { KeysValues } from "../gpt/ops/attention.ts";
import { logitsFromTransposed } from "../gpt/ops/tied_logits.ts";

/**
 * Incremental decoding for one sequence: every layer's keys and values of the tokens in the current
 * window, so a new token costs one position of work instead of the whole prefix.
 *
 * Positions are absolute within the window (0 … ctx − 1), as in training. When a token would
 * take the window past `ctx`, the window slides: the cache is recomputed from the last ctx tokens
 * (each of which gets its new position), so the logits always equal those of a full forward pass
 * over the same window. Past ctx every token therefore costs a full window again.
 *
 * @example
 * ```ts
 * import { initBackend, microGpt } from "../mod.ts";
 * await initBackend("cpu");
 * const model = microGpt({ layers: 1, modelD: 16, heads: 2, vocab: 50, ctx: 8, block: "original" });
 * const eotId = 49;
 * const cache = new KvCache(model);
 * const logits = cache.append([eotId]); // [1, vocab]: the distribution of the next token
 * console.log((await logits.data()).length); // 50
 * logits.dispose();
 * cache.dispose();
 * ```
 */
export class KvCache {
  #layers: KeysValues[] | null = null;
  #window: number[] = [];
  #embedTransposed: tf.Tensor2D | null = null;

  /** A cache for `model`'s weights as they are now (it keeps a transposed copy of the embedding). */
  constructor(readonly model: GptWeights) {}

  /** The tokens whose keys and values are cached (the current window). */
  get tokens(): readonly number[] {
    return this.#window;
  }

  /**
   * Feeds `ids` after the cached tokens and returns their next-token logits: [1, vocab] for the
   * last of them, or with `allPositions` one row per id still in the window. The caller disposes
   * the returned tensor.
   */
  append(ids: readonly number[], allPositions = false): tf.Tensor2D {
    if (ids.length === 0) throw new RangeError("KvCache.append: no ids");
    const { ctx, vocab } = this.model.config;
    let fresh = [...ids];
    if (this.#window.length + ids.length > ctx) {
      fresh = [...this.#window, ...ids].slice(-ctx); // slide: rebuild from the last ctx tokens
      this.#dropLayers();
      this.#window = [];
    }
    const rows = allPositions ? Math.min(ids.length, fresh.length) : 1;
    const past = this.#layers;
    const embedTransposed = this.#embedTransposed ??= transposedEmbedding(this.model);
    const { logits, present } = tf.tidy(() => {
      const input = tf.tensor2d(fresh, [1, fresh.length], "int32");
      const { hidden, present } = gptHiddenCached(this.model, input, past);
      const last = tf.slice(hidden, [0, fresh.length - rows, 0], [1, rows, -1]) as tf.Tensor3D;
      const logits = logitsFromTransposed(last, embedTransposed);
      return { logits: tf.reshape(logits, [rows, vocab]) as tf.Tensor2D, present };
    });
    this.#dropLayers();
    this.#layers = present;
    this.#window.push(...fresh);
    return logits;
  }

  /** Frees the cached keys and values and the transposed embedding. */
  dispose(): void {
    this.#dropLayers();
    this.#window = [];
    this.#embedTransposed?.dispose();
    this.#embedTransposed = null;
  }

  #dropLayers(): void {
    if (this.#layers) { for (const { keys, values } of this.#layers) tf.dispose([keys, values]); }
    this.#layers = null;
  }
}

/** The embedding transposed to [modelD, vocab], for `logitsFromTransposed` (the caller disposes it). */
export function transposedEmbedding(model: GptWeights): tf.Tensor2D {
  const embed = model.params.get("embed");
  if (!embed) throw new Error("GPT: parameter 'embed' is missing");
  return tf.transpose(embed as tf.Tensor2D);
}

/**
 * The next-token logits [1, vocab] after `tokens` without a cache: one full forward pass over the
 * last ctx tokens (the anchor the cache is measured and tested against). Pass `embedTransposed`
 * (from `transposedEmbedding`) when calling it repeatedly.
 */
export function windowLogits(
  model: GptWeights,
  tokens: readonly number[],
  embedTransposed?: tf.Tensor2D,
): tf.Tensor2D {
  const { ctx, vocab } = model.config;
  const window = tokens.slice(-ctx);
  return tf.tidy(() => {
    const hidden = gptHidden(model, tf.tensor2d(window, [1, window.length], "int32"));
    const last = tf.slice(hidden, [0, window.length - 1, 0], [1, 1, -1]) as tf.Tensor3D;
    const projection = embedTransposed ?? transposedEmbedding(model);
    return tf.reshape(logitsFromTransposed(last, projection), [1, vocab]) as tf.Tensor2D;
  });
}
