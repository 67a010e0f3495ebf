import * as tf from "@tensorflow/tfjs-core";

/**
 * The global L2 norm of a set of tensors: sqrt of the sum of the squares of every element of every tensor
 * (optax's `global_norm`, alias `tree_l2_norm`). Returns a scalar the caller owns.
 */
export function globalNorm(tensors: Iterable<tf.Tensor>): tf.Scalar {
  return tf.tidy(() => {
    const squares = [...tensors].map((tensor) => tf.sum(tf.square(tensor)));
    // stack + sum, not addN: tfjs-backend-webgpu 4.22 reuses an AddN shader compiled for another
    // input count (addN of 21 scalars gave the sum of the first 3), so the norm came out wrong.
    return tf.sqrt(squares.length ? tf.sum(tf.stack(squares)) : tf.scalar(0)) as tf.Scalar;
  });
}

/**
 * optax's `clip_by_global_norm(maxNorm)`: when the global norm `g` of the gradients is `>= maxNorm`, every
 * gradient becomes `t / g * maxNorm`; below it they pass unchanged. Returns new tensors (same keys) and the norm
 * measured before clipping; the caller owns all of them and disposes them.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { initBackend } from "../backend/mod.ts";
 * await initBackend("cpu");
 * const { clipped, norm } = clipByGlobalNorm(new Map([["w", tf.tensor1d([3, 4])]]), 1); // w -> [0.6, 0.8]
 * ```
 */
export function clipByGlobalNorm<K>(
  gradients: Map<K, tf.Tensor>,
  maxNorm: number,
): { clipped: Map<K, tf.Tensor>; norm: tf.Scalar } {
  const norm = globalNorm(gradients.values());
  const clipped = new Map<K, tf.Tensor>();
  tf.tidy(() => {
    // optax uses jax.lax.select(g < max, t, t / g * max): the division comes first, in that order.
    const keep = tf.less(norm, tf.scalar(maxNorm));
    for (const [key, gradient] of gradients) {
      const scaled = tf.mul(tf.div(gradient, norm), tf.scalar(maxNorm));
      clipped.set(key, tf.keep(tf.where(tf.broadcastTo(keep, gradient.shape), gradient, scaled)));
    }
  });
  return { clipped, norm };
}
