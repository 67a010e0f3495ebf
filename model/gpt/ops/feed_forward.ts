import * as tf from "@tensorflow/tfjs-core";
import "../_gradients.ts"; // tfjs-core's npm bundle registers no gradients
import { gelu } from "./gelu.ts";
import { linear } from "./linear.ts";

/** The feed-forward weights of one block: d → 4d (`ffnN_fc`) and 4d → d (`ffnN_proj`). */
export interface FeedForwardWeights {
  /** `ffnN_fc.weight`, [d, 4d]. */
  fcWeight: tf.Tensor2D;
  /** `ffnN_fc.bias`, [4d]. */
  fcBias: tf.Tensor1D;
  /** `ffnN_proj.weight`, [4d, d]. */
  projWeight: tf.Tensor2D;
  /** `ffnN_proj.bias`, [d]. */
  projBias: tf.Tensor1D;
}

/**
 * The position-wise feed-forward network of "Attention Is All You Need" (section 3.3, eq. 2) with
 * GELU in place of ReLU, as the microGPT study has it:
 *
 *   FFN(x) = gelu(x · W_fc + b_fc) · W_proj + b_proj
 *
 * @param x [..., d]
 */
export function feedForward<T extends tf.Tensor>(x: T, weights: FeedForwardWeights): T {
  return tf.tidy(() => {
    const hidden = gelu(linear(x, weights.fcWeight, weights.fcBias));
    return linear(hidden, weights.projWeight, weights.projBias);
  });
}
