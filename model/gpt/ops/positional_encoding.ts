import * as tf from "@tensorflow/tfjs-core";
import "../_gradients.ts"; // tfjs-core's npm bundle registers no gradients

/**
 * The sinusoidal positional encoding of "Attention Is All You Need" (Vaswani et al. 2017),
 * section 3.5, for positions `offset … offset + length − 1`:
 *
 *   PE(pos, 2i)   = sin(pos / 10000^(2i / d))
 *   PE(pos, 2i+1) = cos(pos / 10000^(2i / d))
 *
 * computed in float64 and stored as float32. Row-major [length, modelD].
 */
export function sinusoidalTable(length: number, modelD: number, offset = 0): Float32Array {
  const table = new Float32Array(length * modelD);
  for (let row = 0; row < length; row++) {
    const position = offset + row;
    for (let dim = 0; dim < modelD; dim++) {
      const pair = dim - (dim % 2); // 2i: both members of a sin/cos pair share the frequency
      const angle = position / Math.pow(10000, pair / modelD);
      table[row * modelD + dim] = dim % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return table;
}

/**
 * The positional encoding as a constant tensor [length, modelD] (see `sinusoidalTable`), added to
 * the scaled token embeddings; it has no parameters, so any context length works.
 */
export function positionalEncoding(length: number, modelD: number, offset = 0): tf.Tensor2D {
  return tf.tensor2d(sinusoidalTable(length, modelD, offset), [length, modelD]);
}
