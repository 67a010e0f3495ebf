/**
 * The attention probabilities of every layer and head for one window of tokens: what the page's
 * heatmap shows. The blocks run through the model's own ops (`model/gpt/ops/`) exactly as
 * `gptHidden` wires them; at each block the probabilities softmax(Q Kᵀ / √D + M) are formed from
 * the block's normalised input and its W_q, W_k. Free of Deno APIs (the page runs it).
 *
 * Shapes: T = time (the window), C = channels (model_d), H = heads, D = C / H.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { GptWeights } from "../model/gpt/gpt.ts";
import { causalMask, causalSelfAttention } from "../model/gpt/ops/attention.ts";
import { embedTokens } from "../model/gpt/ops/embedding.ts";
import { feedForward } from "../model/gpt/ops/feed_forward.ts";
import { layerNorm } from "../model/gpt/ops/layer_norm.ts";
import { positionalEncoding } from "../model/gpt/ops/positional_encoding.ts";

/** One block's attention: its input after the LayerNorm, each head's probabilities, its output. */
export interface LayerAttention {
  /** The normalised input of the block's attention, T × C row-major. */
  input: Float32Array;
  /** The block's output (the residual stream after its feed-forward), T × C row-major. */
  output: Float32Array;
  /** Per head, the T × T probabilities (row = query position, column = key position). */
  heads: Float32Array[];
}

/**
 * The attention probabilities of `ids` (1 ≤ length ≤ ctx, positions 0 … T − 1), one entry per
 * layer from the first. Each row sums to 1 and is 0 right of the diagonal (the causal mask).
 *
 * @example
 * ```ts
 * import { initBackend, microGpt } from "../model/mod.ts";
 * import { attentionMaps } from "./attention_maps.ts";
 * await initBackend("cpu");
 * const model = microGpt({ layers: 2, modelD: 16, heads: 2, vocab: 50, ctx: 8, block: "original" });
 * const layers = await attentionMaps(model, [1, 2, 3]);
 * console.log(layers.length, layers[0].heads.length, layers[0].heads[0].length); // 2 2 9
 * model.dispose();
 * ```
 */
export async function attentionMaps(
  model: GptWeights,
  ids: readonly number[],
): Promise<LayerAttention[]> {
  const { layers, heads, modelD, ctx } = model.config;
  if (ids.length < 1 || ids.length > ctx) {
    throw new RangeError(`attentionMaps: ${ids.length} tokens do not fit the context of ${ctx}`);
  }
  const time = ids.length;
  const p = (name: string) => {
    const tensor = model.params.get(name);
    if (!tensor) throw new Error(`GPT: parameter '${name}' is missing`);
    return tensor;
  };
  const perLayer = tf.tidy(() => {
    const mask = causalMask(time); // (T, T)
    const tokens = embedTokens(
      p("embed") as tf.Tensor2D,
      tf.tensor2d([...ids], [1, time], "int32"),
    );
    let x = tf.add(tokens, positionalEncoding(time, modelD)) as tf.Tensor3D; // (1, T, C)
    const out: { input: tf.Tensor; probabilities: tf.Tensor; output: tf.Tensor }[] = [];
    for (let layer = 1; layer <= layers; layer++) {
      const gain = (name: string) => p(`${name}.gain`) as tf.Tensor1D;
      const bias = (name: string) => p(`${name}.bias`) as tf.Tensor1D;
      const xNorm = layerNorm(x, gain(`ln${layer}`), bias(`ln${layer}`)); // (1, T, C)
      const attention = {
        wQ: p(`attn${layer}.w_q`) as tf.Tensor2D,
        wK: p(`attn${layer}.w_k`) as tf.Tensor2D,
        wV: p(`attn${layer}.w_v`) as tf.Tensor2D,
        wO: p(`attn${layer}.w_o`) as tf.Tensor2D,
      };
      const probabilities = headProbabilities(xNorm, attention.wQ, attention.wK, heads, mask);
      const h = tf.add(x, causalSelfAttention(xNorm, attention, heads, mask)) as tf.Tensor3D;
      const preln = model.params.has(`ln${layer}_ffn.gain`);
      const ffnIn = preln ? layerNorm(h, gain(`ln${layer}_ffn`), bias(`ln${layer}_ffn`)) : h;
      x = tf.add(
        h,
        feedForward(ffnIn, {
          fcWeight: p(`ffn${layer}_fc.weight`) as tf.Tensor2D,
          fcBias: p(`ffn${layer}_fc.bias`) as tf.Tensor1D,
          projWeight: p(`ffn${layer}_proj.weight`) as tf.Tensor2D,
          projBias: p(`ffn${layer}_proj.bias`) as tf.Tensor1D,
        }),
      ) as tf.Tensor3D; // (1, T, C)
      out.push({ input: xNorm, probabilities, output: x });
    }
    return out;
  });
  const result: LayerAttention[] = [];
  for (const { input, probabilities, output } of perLayer) {
    // await data(): WebGPU cannot read synchronously (neither in Deno nor without a canvas).
    const all = await probabilities.data<"float32">(); // (1, H, T, T)
    const size = time * time;
    result.push({
      input: await input.data<"float32">(),
      heads: Array.from({ length: heads }, (_, head) => all.slice(head * size, (head + 1) * size)),
      output: await output.data<"float32">(),
    });
    tf.dispose([input, probabilities, output]);
  }
  return result;
}

/** softmax(Q Kᵀ / √D + M) for every head: (1, T, C) → (1, H, T, T). */
function headProbabilities(
  xNorm: tf.Tensor3D,
  wQ: tf.Tensor2D,
  wK: tf.Tensor2D,
  heads: number,
  mask: tf.Tensor2D,
): tf.Tensor4D {
  const [, time, modelD] = xNorm.shape;
  const headDim = modelD / heads;
  const rows = tf.reshape(xNorm, [time, modelD]) as tf.Tensor2D; // (T, C)
  const byHead = (w: tf.Tensor2D) =>
    // (T, C) · (C, C) → (H, T, D)
    tf.transpose(tf.reshape(tf.matMul(rows, w), [time, heads, headDim]), [1, 0, 2]) as tf.Tensor3D;
  const scores = tf.matMul(byHead(wQ), byHead(wK), false, true); // (H, T, T)
  const scaled = tf.add(tf.mul(scores, 1 / Math.sqrt(headDim)), mask);
  return tf.reshape(tf.softmax(scaled), [1, heads, time, time]) as tf.Tensor4D;
}
