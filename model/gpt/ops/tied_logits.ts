import * as tf from "@tensorflow/tfjs-core";
import "../_gradients.ts"; // tfjs-core's npm bundle registers no gradients

/**
 * Next-token logits from the tied embedding (the microGPT study's `x @ embed.T`): the same matrix maps ids to
 * vectors on the way in and vectors to scores over the vocabulary on the way out.
 *
 * @param x [batch, time, modelD]
 * @param embed [vocab, modelD]
 * @returns [batch, time, vocab]
 */
export function tiedLogits(x: tf.Tensor3D, embed: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => logitsFromTransposed(x, tf.transpose(embed)));
}

/**
 * The same logits from the embedding already transposed, [modelD, vocab]: generation transposes
 * it once instead of at every token (the transpose, and on wasm the re-packing of a new weight
 * matrix, cost more than the one-row product itself). A plain matMul, not `transposeB`: see
 * `matMul` in ./matmul.ts for why.
 */
export function logitsFromTransposed(x: tf.Tensor3D, embedTransposed: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, time, modelD] = x.shape;
    const rows = tf.reshape(x, [batch * time, modelD]) as tf.Tensor2D;
    const logits = tf.matMul(rows, embedTransposed);
    return tf.reshape(logits, [batch, time, embedTransposed.shape[1]]) as tf.Tensor3D;
  });
}
