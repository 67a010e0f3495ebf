import * as tf from "@tensorflow/tfjs-core";
import "../_gradients.ts"; // tfjs-core's npm bundle registers no gradients

/**
 * Token embedding scaled by sqrt(model_d), as in "Attention Is All You Need" (Vaswani et al.
 * 2017), section 3.4: `E[ids] · √d`. The scale keeps the embedding (initialised at std 0.01)
 * large next to the positional encoding it is added to.
 *
 * @param embed the embedding table [vocab, modelD] (also the output projection: weights are tied)
 * @param ids token ids, int32 [batch, time]
 * @returns [batch, time, modelD]
 */
export function embedTokens(embed: tf.Tensor2D, ids: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const modelD = embed.shape[1];
    return tf.mul(tf.gather(embed, ids), Math.sqrt(modelD)) as tf.Tensor3D;
  });
}
