import * as tf from "@tensorflow/tfjs-core";
import "../_gradients.ts"; // tfjs-core's npm bundle registers no gradients

/** The projections of one attention block, each [d, d], applied as `x · W` (no biases). */
export interface AttentionWeights {
  /** W_q, queries. */
  wQ: tf.Tensor2D;
  /** W_k, keys. */
  wK: tf.Tensor2D;
  /** W_v, values. */
  wV: tf.Tensor2D;
  /** W_o, the output projection of the concatenated heads. */
  wO: tf.Tensor2D;
}

/**
 * Keys and values of the positions seen so far, per head: keys transposed for the scores as
 * [batch, heads, headDim, positions], values as [batch, heads, positions, headDim].
 */
// A type alias, not an interface, so that tf.tidy accepts it as a TensorContainer.
export type KeysValues = {
  keys: tf.Tensor4D;
  values: tf.Tensor4D;
};

/** What `cachedSelfAttention` returns: the block's output and the keys/values including the new positions. */
export type CachedAttentionResult = KeysValues & { output: tf.Tensor3D };

// A score this low is exp() = 0 in float32 after the softmax's max-subtraction, but stays finite,
// so a row never turns into NaN (the microGPT study subtracts 1e10 the same way).
const MASKED = -1e9;

/**
 * The additive causal mask for `queries` new positions attending to `past + queries` positions:
 * 0 where query i (absolute position past + i) may look at key j (j ≤ past + i), −1e9 elsewhere.
 */
export function causalMask(queries: number, past = 0): tf.Tensor2D {
  const keys = past + queries;
  const mask = new Float32Array(queries * keys);
  for (let i = 0; i < queries; i++) mask.fill(MASKED, i * keys + past + i + 1, (i + 1) * keys);
  return tf.tensor2d(mask, [queries, keys]);
}

/**
 * Causal multi-head self-attention ("Attention Is All You Need", section 3.2.2, with the scaled
 * dot-product attention of eq. 1), as the microGPT study computes it:
 *
 *   Q = x W_q, K = x W_k, V = x W_v, split into h heads of d/h;
 *   head = softmax(Q Kᵀ / √(d/h) + M) V, with M = −1e9 above the diagonal (masked before softmax);
 *   out = concat(heads) W_o
 *
 * All heads are computed at once as [batch, heads, time, headDim] tensors (no per-head loop).
 *
 * @param x [batch, time, d]
 * @param mask optional precomputed `causalMask(time)`, to share one across the layers
 */
export function causalSelfAttention(
  x: tf.Tensor3D,
  weights: AttentionWeights,
  heads: number,
  mask?: tf.Tensor2D,
): tf.Tensor3D {
  return tf.tidy(() => {
    const [q, k, v] = projectHeads(x, weights, heads);
    const maskUsed = mask ?? causalMask(x.shape[1]);
    return mergeHeadsAndProject(attend(q, k, v, maskUsed), weights.wO);
  });
}

/**
 * The same attention for `x`'s new positions given the keys and values of earlier positions
 * (`past`, or null at the start): the new keys/values are appended, so each new position costs one
 * row of work instead of the whole prefix. Returns the output for the new positions and the
 * extended keys/values (the caller owns them).
 *
 * @param x [batch, newPositions, d]
 */
export function cachedSelfAttention(
  x: tf.Tensor3D,
  weights: AttentionWeights,
  heads: number,
  past: KeysValues | null,
): CachedAttentionResult {
  return tf.tidy(() => {
    const [q, kNew, vNew] = projectHeads(x, weights, heads);
    const keys = (past ? tf.concat([past.keys, kNew], 3) : kNew) as tf.Tensor4D;
    const values = (past ? tf.concat([past.values, vNew], 2) : vNew) as tf.Tensor4D;
    const queries = x.shape[1];
    // One new position may look at everything before it: no mask needed.
    const mask = queries === 1 ? null : causalMask(queries, keys.shape[3] - queries);
    const output = mergeHeadsAndProject(attend(q, keys, values, mask), weights.wO);
    return { output, keys, values };
  });
}

/**
 * Q (already scaled by 1/√headDim) and V as [batch, heads, time, headDim], and K already transposed
 * for the scores, as [batch, heads, headDim, time] (one transpose instead of two; see `matMul`).
 */
function projectHeads(
  x: tf.Tensor3D,
  weights: AttentionWeights,
  heads: number,
): [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D] {
  const [batch, time, modelD] = x.shape;
  const headDim = modelD / heads;
  const rows = tf.reshape(x, [batch * time, modelD]) as tf.Tensor2D;
  const split = (w: tf.Tensor2D, perm: number[]) =>
    tf.transpose(
      tf.reshape(tf.matMul(rows, w), [batch, time, heads, headDim]),
      perm,
    ) as tf.Tensor4D;
  // Scaling Q (t·headDim numbers) is cheaper than scaling the scores (t·t numbers); same result.
  const q = tf.mul(split(weights.wQ, [0, 2, 1, 3]), 1 / Math.sqrt(headDim)) as tf.Tensor4D;
  return [q, split(weights.wK, [0, 2, 3, 1]), split(weights.wV, [0, 2, 1, 3])];
}

/** softmax(Q Kᵀ + M) V over the last axis; Q is pre-scaled, Kᵀ given. [batch, heads, queries, headDim]. */
function attend(q: tf.Tensor4D, kT: tf.Tensor4D, v: tf.Tensor4D, mask: tf.Tensor2D | null) {
  const scores = tf.matMul(q, kT);
  const weights = tf.softmax(mask ? tf.add(scores, mask) : scores);
  return tf.matMul(weights, v) as tf.Tensor4D;
}

/** [batch, heads, time, headDim] → [batch, time, d] · W_o. */
function mergeHeadsAndProject(heads: tf.Tensor4D, wO: tf.Tensor2D): tf.Tensor3D {
  const [batch, headCount, time, headDim] = heads.shape;
  const modelD = headCount * headDim;
  const merged = tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), [batch * time, modelD]);
  return tf.reshape(tf.matMul(merged as tf.Tensor2D, wO), [batch, time, modelD]) as tf.Tensor3D;
}
