import * as tf from "@tensorflow/tfjs-core";
import type { Split, TokenStore } from "../pipeline/mod.ts";
import { UserError } from "../core/user_error.ts";
import type { GptModel } from "./gpt.ts";
import { backendLimits, type MemoryLimits, microBatchFor } from "./memory_budget.ts";

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** Split to evaluate (default "val"). */
  split?: Split;
  /** Windows per forward pass (default 16; fewer when the backend's memory limits require). */
  batchSize?: number;
  /** The backend's limits (default: `backendLimits()`). */
  memoryLimits?: MemoryLimits;
  /** Stop after this many predicted tokens (default: the whole split). Always a prefix of the split. */
  maxTokens?: number;
  /** Training step of the model, passed through to the result. */
  step?: number;
  /** Called after every batch with the tokens evaluated so far and the total expected. */
  onProgress?: (tokens: number, total: number) => void;
}

/** Cross-entropy of a model on a split, and the same figure per byte of text. */
export interface Evaluation {
  /** Mean cross-entropy per predicted token, in nats. */
  valLoss: number;
  /** exp(valLoss). */
  valPpl: number;
  /**
   * valLoss in bits per UTF-8 byte of text: `valLoss × tokens / (ln 2 × bytes)`, where bytes are the split's
   * bytes scaled by the fraction of its tokens evaluated (`bytes(split) × tokens / tokens(split)`), i.e. the
   * split's mean bytes per token. It compares models with different tokenizers.
   */
  bitsPerByte: number;
  /** Tokens predicted (windows × ctx). */
  tokens: number;
  /** The model's training step, when given in the options. */
  step?: number;
}

/**
 * Evaluates `model` on consecutive windows of `model.config.ctx + 1` tokens from `shards` (`TokenStore.iterate`:
 * deterministic, non-overlapping, the last partial window dropped), in batches, without gradients.
 *
 * @example
 * ```ts
 * const { valLoss, valPpl, bitsPerByte } = await evaluate(model, shards);
 * ```
 */
export async function evaluate(
  model: GptModel,
  shards: TokenStore,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  const split = options.split ?? "val";
  const limits = options.memoryLimits ?? backendLimits();
  const batchSize = microBatchFor(model.config, options.batchSize ?? 16, limits, true);
  const ctx = model.config.ctx;
  const splitTokens = shards.tokens(split);
  const windows = Math.floor((splitTokens - 1) / ctx);
  const maxWindows = Math.min(windows, Math.floor((options.maxTokens ?? Infinity) / ctx));
  if (maxWindows < 1) {
    throw new UserError(
      `${shards.path}: the ${split} split has ${splitTokens} tokens, too few for one window of ` +
        `${ctx + 1} (--ctx ${ctx}); tokenize more text or lower --ctx`,
    );
  }
  let lossSum = 0, done = 0;
  let rows: Int32Array[] = [];
  const flush = async () => {
    const ids = new Int32Array(rows.length * (ctx + 1));
    rows.forEach((row, i) => ids.set(row, i * (ctx + 1)));
    const loss = tf.tidy(() => {
      const all = tf.tensor2d(ids, [rows.length, ctx + 1], "int32");
      const inputs = tf.slice(all, [0, 0], [rows.length, ctx]);
      const targets = tf.slice(all, [0, 1], [rows.length, ctx]);
      return model.loss(inputs as tf.Tensor2D, targets as tf.Tensor2D);
    });
    const [mean] = await loss.data();
    loss.dispose();
    // model.loss is the mean over rows × ctx tokens: weight each batch by its size.
    lossSum += mean * rows.length * ctx;
    done += rows.length;
    rows = [];
    options.onProgress?.(done * ctx, maxWindows * ctx);
  };
  for await (const window of shards.iterate(split, ctx)) {
    if (done + rows.length >= maxWindows) break;
    rows.push(window.slice()); // the reader may reuse its buffer
    if (rows.length === batchSize) await flush();
  }
  if (rows.length) await flush();
  const tokens = done * ctx;
  const valLoss = lossSum / tokens;
  const bytes = shards.bytes(split) * tokens / splitTokens;
  return {
    valLoss,
    valPpl: Math.exp(valLoss),
    bitsPerByte: valLoss * tokens / (Math.LN2 * bytes),
    tokens,
    step: options.step,
  };
}
