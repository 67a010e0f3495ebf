/**
 * The GPT, forward pass top to bottom: token embedding + sinusoidal positions, `layers` blocks (attention and
 * feed-forward, each added to the residual stream), an optional final LayerNorm, and logits from the tied
 * embedding. Each op is one call into `./ops/` (one file each, with its equation and its tests).
 *
 * Shapes: B = batch, T = time (the positions of this pass, ≤ ctx), C = channels (model_d), V = vocab,
 * H = heads, D = C / H (head size), P = past positions (those whose keys and values are cached).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { type GptConfig, parameterLayout, validateConfig } from "./config.ts";
import "./_gradients.ts"; // tfjs-core's npm bundle registers no gradients
import { Random } from "./random.ts";
import {
  type AttentionWeights,
  cachedSelfAttention,
  causalMask,
  causalSelfAttention,
  type KeysValues,
} from "./ops/attention.ts";
import { crossEntropy } from "./ops/cross_entropy.ts";
import { embedTokens } from "./ops/embedding.ts";
import { feedForward, type FeedForwardWeights } from "./ops/feed_forward.ts";
import { layerNorm } from "./ops/layer_norm.ts";
import { positionalEncoding } from "./ops/positional_encoding.ts";
import { tiedLogits } from "./ops/tied_logits.ts";

/** A GPT: its config, its named parameters, and the two passes training and evaluation need. */
export interface GptModel {
  /** The shape and wiring the model was built with. */
  readonly config: GptConfig;
  /** Parameters by name (see `parameterLayout`), in layout order. */
  readonly params: Map<string, tf.Variable>;
  /** Next-token logits: ids int32 (B, T), T ≤ ctx → (B, T, V). */
  logits(ids: tf.Tensor2D): tf.Tensor3D;
  /** Mean cross-entropy (nats) of `targets` (B, T) given `ids` (B, T). */
  loss(ids: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar;
  /** Frees every parameter. */
  dispose(): void;
}

/**
 * A GPT with freshly initialised parameters (see `parameterLayout` for names and initialisation),
 * drawn in layout order from `new Random(seed)`: the same config and seed give the same model.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { initBackend, microGpt } from "../mod.ts";
 * await initBackend("cpu");
 * const model = microGpt({ layers: 1, modelD: 16, heads: 2, vocab: 50, ctx: 8, block: "original" }, 0);
 * const ids = tf.tensor2d([[1, 2, 3]], [1, 3], "int32");
 * const targets = tf.tensor2d([[2, 3, 4]], [1, 3], "int32");
 * console.log((await model.loss(ids, targets).data())[0]); // ≈ ln 50 at initialisation
 * ```
 */
export function microGpt(config: GptConfig, seed = 0): GptModel {
  validateConfig(config);
  const random = new Random(seed);
  const params = new Map<string, tf.Variable>();
  for (const spec of parameterLayout(config)) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (spec.init === "ones") values.fill(1);
    else if (spec.init !== "zeros") random.fillNormal(values, spec.init.normal);
    const initial = tf.tensor(values, spec.shape, "float32");
    params.set(spec.name, tf.variable(initial, true));
    initial.dispose();
  }
  return new MicroGpt({ ...config }, params);
}

/** The sizes a named micro_gpt_N leaves open; `block` defaults to the microGPT study's wiring. */
export type MicroGptOptions = Omit<GptConfig, "layers" | "block"> & { block?: GptConfig["block"] };

/** The microGPT study's `micro_gpt_1`: one block (wired as micro_gpt_4's blocks, see README). */
export function microGpt1(options: MicroGptOptions, seed = 0): GptModel {
  return microGpt({ block: "original", ...options, layers: 1 }, seed);
}

/** The microGPT study's `micro_gpt_2`: two blocks. */
export function microGpt2(options: MicroGptOptions, seed = 0): GptModel {
  return microGpt({ block: "original", ...options, layers: 2 }, seed);
}

/** The microGPT study's `micro_gpt_4`: four blocks (17,205,248 parameters at vocab 9000, model_d 512). */
export function microGpt4(options: MicroGptOptions, seed = 0): GptModel {
  return microGpt({ block: "original", ...options, layers: 4 }, seed);
}

class MicroGpt implements GptModel {
  constructor(readonly config: GptConfig, readonly params: Map<string, tf.Variable>) {}

  logits(ids: tf.Tensor2D): tf.Tensor3D {
    return gptLogits(this, ids);
  }

  loss(ids: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
    return gptLoss(this, ids, targets);
  }

  dispose(): void {
    for (const variable of this.params.values()) variable.dispose();
  }
}

/** What the forward passes read: the config and the parameters by name (variables or plain tensors). */
export type GptWeights = {
  readonly config: GptConfig;
  readonly params: ReadonlyMap<string, tf.Tensor>;
};

/** Next-token logits (B, T, V) of a full forward pass (`GptModel.logits`). */
export function gptLogits(model: GptWeights, ids: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const hidden = gptHidden(model, ids); // (B, T, C)
    return tiedLogits(hidden, param(model, "embed") as tf.Tensor2D); // (B, T, V)
  });
}

/** Mean cross-entropy (nats) of `targets` (B, T) under the full forward pass (`GptModel.loss`). */
export function gptLoss(model: GptWeights, ids: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => crossEntropy(gptLogits(model, ids), targets)); // (B, T, V) → ()
}

/**
 * The final hidden states (B, T, C) of a full forward pass over `ids` (B, T) at positions 0 … T − 1,
 * before the tied output projection.
 */
export function gptHidden(model: GptWeights, ids: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const { config } = model;
    const time = ids.shape[1];
    checkWindow(config, 0, time);
    const mask = causalMask(time); // (T, T): 0 on and below the diagonal, −1e9 above
    let x = embedWithPositions(model, ids, 0); // (B, T) → (B, T, C)
    for (let layer = 1; layer <= config.layers; layer++) {
      const w = blockWeights(model, layer);
      const xNorm = layerNorm(x, w.gain, w.bias); // (B, T, C)
      // Q, K, V are split into heads (B, H, T, D) inside; the heads merge back to (B, T, C).
      const attended = causalSelfAttention(xNorm, w.attention, config.heads, mask); // (B, T, C)
      const h = tf.add(x, attended) as tf.Tensor3D; // the attention residual, (B, T, C)
      const ffn = feedForward(ffnInput(h, w), w.ffn); // (B, T, 4C) inside → (B, T, C)
      x = tf.add(h, ffn) as tf.Tensor3D; // the feed-forward residual, (B, T, C)
    }
    return finalNorm(model, x); // (B, T, C)
  });
}

/** What `gptHiddenCached` returns: hidden states of the new positions and every layer's keys/values. */
export type CachedForward = { hidden: tf.Tensor3D; present: KeysValues[] };

/**
 * The forward pass for new positions `ids` (B, T) that follow the P positions whose keys and values are
 * in `past` (one entry per layer; null at the start of a window). The new positions get the positional
 * encoding of their absolute place in the window (P + i). Returns their hidden states (B, T, C) and each
 * layer's keys (B, H, D, P + T) and values (B, H, P + T, D), extended by the new positions (owned by the
 * caller).
 */
export function gptHiddenCached(
  model: GptWeights,
  ids: tf.Tensor2D,
  past: KeysValues[] | null,
): CachedForward {
  return tf.tidy(() => {
    const { config } = model;
    const offset = past ? past[0].values.shape[2] : 0; // P
    checkWindow(config, offset, ids.shape[1]);
    const present: KeysValues[] = [];
    let x = embedWithPositions(model, ids, offset); // (B, T) → (B, T, C)
    for (let layer = 1; layer <= config.layers; layer++) {
      const w = blockWeights(model, layer);
      const xNorm = layerNorm(x, w.gain, w.bias); // (B, T, C)
      const cached = past?.[layer - 1] ?? null; // keys (B, H, D, P), values (B, H, P, D)
      const attended = cachedSelfAttention(xNorm, w.attention, config.heads, cached);
      present.push({ keys: attended.keys, values: attended.values }); // now P + T positions
      const h = tf.add(x, attended.output) as tf.Tensor3D; // (B, T, C)
      const ffn = feedForward(ffnInput(h, w), w.ffn); // (B, T, C)
      x = tf.add(h, ffn) as tf.Tensor3D; // (B, T, C)
    }
    return { hidden: finalNorm(model, x), present };
  });
}

/** The weights of block `layer` (from 1), looked up by name. */
interface BlockWeights {
  gain: tf.Tensor1D;
  bias: tf.Tensor1D;
  attention: AttentionWeights;
  ffnNorm: { gain: tf.Tensor1D; bias: tf.Tensor1D } | null;
  ffn: FeedForwardWeights;
}

function blockWeights(model: Pick<GptWeights, "params">, layer: number): BlockWeights {
  const p = (name: string) => param(model, name);
  const preln = model.params.has(`ln${layer}_ffn.gain`);
  return {
    gain: p(`ln${layer}.gain`) as tf.Tensor1D,
    bias: p(`ln${layer}.bias`) as tf.Tensor1D,
    attention: {
      wQ: p(`attn${layer}.w_q`) as tf.Tensor2D,
      wK: p(`attn${layer}.w_k`) as tf.Tensor2D,
      wV: p(`attn${layer}.w_v`) as tf.Tensor2D,
      wO: p(`attn${layer}.w_o`) as tf.Tensor2D,
    },
    ffnNorm: preln
      ? {
        gain: p(`ln${layer}_ffn.gain`) as tf.Tensor1D,
        bias: p(`ln${layer}_ffn.bias`) as tf.Tensor1D,
      }
      : null,
    ffn: {
      fcWeight: p(`ffn${layer}_fc.weight`) as tf.Tensor2D,
      fcBias: p(`ffn${layer}_fc.bias`) as tf.Tensor1D,
      projWeight: p(`ffn${layer}_proj.weight`) as tf.Tensor2D,
      projBias: p(`ffn${layer}_proj.bias`) as tf.Tensor1D,
    },
  };
}

/**
 * The input of a block's feed-forward: the attention residual h itself in the original wiring
 * (out = h + FFN(h)), LN₂(h) in preln (out = h + FFN(LN₂(h))).
 */
function ffnInput(h: tf.Tensor3D, weights: BlockWeights): tf.Tensor3D {
  return weights.ffnNorm ? layerNorm(h, weights.ffnNorm.gain, weights.ffnNorm.bias) : h;
}

/** Token embeddings (scaled by √C) plus the sinusoidal encoding of positions offset … offset + T − 1. */
function embedWithPositions(
  model: GptWeights,
  ids: tf.Tensor2D,
  offset: number,
): tf.Tensor3D {
  const tokens = embedTokens(param(model, "embed") as tf.Tensor2D, ids); // (B, T, C)
  return tf.add(tokens, positionalEncoding(ids.shape[1], model.config.modelD, offset)); // + (T, C)
}

function finalNorm(model: Pick<GptWeights, "params">, x: tf.Tensor3D): tf.Tensor3D {
  if (!model.params.has("lnf.gain")) return x;
  return layerNorm(
    x,
    param(model, "lnf.gain") as tf.Tensor1D,
    param(model, "lnf.bias") as tf.Tensor1D,
  );
}

function param(model: Pick<GptWeights, "params">, name: string): tf.Tensor {
  const variable = model.params.get(name);
  if (!variable) throw new Error(`GPT: parameter '${name}' is missing`);
  return variable;
}

function checkWindow(config: GptConfig, offset: number, time: number): void {
  if (time < 1 || offset + time > config.ctx) {
    throw new RangeError(
      `GPT: positions ${offset}…${offset + time - 1} do not fit the context of ${config.ctx}`,
    );
  }
}
