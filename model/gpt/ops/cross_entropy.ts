import * as tf from "@tensorflow/tfjs-core";
import "../_gradients.ts"; // tfjs-core's npm bundle registers no gradients

/**
 * Mean cross-entropy (nats) of integer targets under logits, via a numerically stable
 * log-softmax: with m = max_j z_j,
 *
 *   log p_t = (z_t − m) − log Σ_j exp(z_j − m),     loss = −mean over rows of log p_t
 *
 * Subtracting m keeps every exp ≤ 1, so large logits cannot overflow float32. The gradient is the
 * closed form (softmax(z) − onehot(t)) / rows, written as a custom gradient so the backward pass
 * is three elementwise kernels instead of the chain rule through every op above.
 *
 * @param logits [rows, vocab] (or [batch, time, vocab], flattened)
 * @param targets int32 [rows] (or [batch, time]); each in [0, vocab)
 */
export function crossEntropy(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const vocab = logits.shape[logits.shape.length - 1];
    const rows = logits.size / vocab;
    if (targets.size !== rows) {
      throw new RangeError(`crossEntropy: ${targets.size} targets for ${rows} rows of logits`);
    }
    const logitRows = tf.reshape(logits, [rows, vocab]) as tf.Tensor2D;
    const t = tf.reshape(targets, [rows]) as tf.Tensor1D;
    const loss = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [z, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
      const shifted = tf.sub(z, tf.max(z, -1, true));
      const logSumExp = tf.log(tf.sum(tf.exp(shifted), -1, true));
      // Row r's target sits at flat index r·vocab + t_r of the [rows · vocab] log-probabilities.
      const flatIndex = tf.add(tf.mul(tf.range(0, rows, 1, "int32"), tf.scalar(vocab, "int32")), t);
      const picked = tf.gather(tf.reshape(tf.sub(shifted, logSumExp), [-1]), flatIndex);
      save([shifted, logSumExp]);
      return {
        value: tf.neg(tf.mean(picked)) as tf.Scalar,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [shiftedSaved, logSumExpSaved] = saved;
          const softmax = tf.exp(tf.sub(shiftedSaved, logSumExpSaved));
          // oneHot in int32 then cast: tfjs-wasm's float32 oneHot writes integer bits into floats.
          const oneHot = tf.cast(tf.oneHot(t, vocab), "float32");
          return tf.mul(tf.sub(softmax, oneHot), tf.div(dy, rows));
        },
      };
    });
    return loss(logitRows);
  });
}
