import * as tf from "@tensorflow/tfjs-core";
import type { Split, TokenStore } from "../../pipeline/mod.ts";
import { UserError } from "../../core/user_error.ts";
import type { GptModel } from "../gpt/gpt.ts";
import { backendLimits, type MemoryLimits, microBatchFor } from "../train/memory_budget.ts";
import { activeBlas } from "../backend/native/native_backend.ts";
import { NativeTrainer } from "../backend/native/native_trainer.ts";

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
  /**
   * On the native backend, the trainer whose parameters to evaluate (the training loop's, which runs
   * ahead of the model's tensors between checkpoints); without it, `evaluate` makes one from the model.
   */
  native?: NativeTrainer | null;
  /** Native backend: threads each batch is split across (default: every core). */
  threads?: number;
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
 * import { openStore, tokenizeCorpus } from "../../pipeline/mod.ts";
 * import { initBackend, microGpt } from "../mod.ts";
 * await initBackend("cpu");
 * const dir = await Deno.makeTempDir();
 * // A store of a small text (`deno task tokenize` makes one of a real corpus).
 * const lines = Array.from({ length: 80 }, (_, i) => `${i}: the cat sat on the mat ${i % 7} times.`);
 * await Deno.writeTextFile(`${dir}/cat.txt`, lines.join("\n"));
 * const text = { inputs: [`${dir}/cat.txt`], splitLines: true, vocabSize: 260, valFraction: 0.2 };
 * await tokenizeCorpus({ ...text, outDir: `${dir}/data` });
 * const shards = await openStore(`${dir}/data`);
 * const model = microGpt({ layers: 1, modelD: 16, heads: 2, vocab: 260, ctx: 8, block: "original" });
 * const { valLoss, valPpl, bitsPerByte } = await evaluate(model, shards);
 * console.log(valLoss, valPpl, bitsPerByte); // untrained: about ln 260 = 5.56 nats, perplexity 260
 * model.dispose();
 * await Deno.remove(dir, { recursive: true });
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
  const windows = shards.windowCount?.(split, ctx) ?? Math.floor((splitTokens - 1) / ctx);
  const maxWindows = Math.min(windows, Math.floor((options.maxTokens ?? Infinity) / ctx));
  if (maxWindows < 1) {
    throw new UserError(
      `${shards.path}: the ${split} split has ${splitTokens} tokens, too few for one window of ` +
        `${ctx + 1} (--ctx ${ctx}); tokenize more text or lower --ctx`,
    );
  }
  const blas = activeBlas();
  const native = options.native ??
    (blas
      ? await NativeTrainer.create(model, null, blas, {
        batch: batchSize,
        threads: options.threads,
      })
      : null);
  try {
    return await evaluateWindows(model, shards, split, maxWindows, batchSize, native, options);
  } finally {
    if (native && native !== options.native) native.dispose();
  }
}

async function evaluateWindows(
  model: GptModel,
  shards: TokenStore,
  split: Split,
  maxWindows: number,
  batchSize: number,
  native: NativeTrainer | null,
  options: EvaluateOptions,
): Promise<Evaluation> {
  const ctx = model.config.ctx;
  const splitTokens = shards.tokens(split);
  let lossSum = 0, done = 0;
  let rows: Int32Array[] = [];
  const flush = async () => {
    const ids = new Int32Array(rows.length * (ctx + 1));
    rows.forEach((row, i) => ids.set(row, i * (ctx + 1)));
    lossSum += native
      ? await native.lossSum(ids, rows.length)
      : await tfjsLossSum(model, ids, rows.length);
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

/** Σ token losses of `windows` windows (ctx + 1 ids each) by the tfjs model. */
async function tfjsLossSum(model: GptModel, ids: Int32Array, windows: number): Promise<number> {
  const ctx = model.config.ctx;
  const loss = tf.tidy(() => {
    const all = tf.tensor2d(ids, [windows, ctx + 1], "int32");
    const inputs = tf.slice(all, [0, 0], [windows, ctx]);
    const targets = tf.slice(all, [0, 1], [windows, ctx]);
    return model.loss(inputs as tf.Tensor2D, targets as tf.Tensor2D);
  });
  const [mean] = await loss.data();
  loss.dispose();
  // model.loss is the mean over windows × ctx tokens: weight each batch by its size.
  return mean * windows * ctx;
}
