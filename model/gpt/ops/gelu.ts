import * as tf from "@tensorflow/tfjs-core";
import "../_gradients.ts"; // tfjs-core's npm bundle registers no gradients

// Hendrycks & Gimpel, "Gaussian Error Linear Units (GELUs)", 2016, section 2: the tanh approximation.
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const CUBIC = 0.044715;

/**
 * GELU with the tanh approximation:
 *
 *   gelu(x) = ½ x (1 + tanh(u)),   u = √(2/π) (x + 0.044715 x³)
 *
 * The microGPT study calls `jax.nn.gelu`, whose default is `approximate=True`, i.e. this form; it differs from
 * the exact x·Φ(x) (erf form) by at most 4.7e-4, near |x| ≈ 2.7.
 *
 * The derivative is written out (only x is kept for the backward pass, instead of every
 * intermediate of the chain rule):
 *
 *   gelu'(x) = ½ (1 + tanh u) + ½ x (1 − tanh² u) · √(2/π) (1 + 3 · 0.044715 x²)
 */
export function gelu<T extends tf.Tensor>(x: T): T {
  return geluWithGradient(x) as T;
}

function tanhOfInner(x: tf.Tensor): tf.Tensor {
  return tf.tanh(tf.mul(tf.add(x, tf.mul(tf.mul(tf.square(x), x), CUBIC)), SQRT_2_OVER_PI));
}

const geluWithGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([x]);
  return {
    value: tf.mul(tf.mul(x, 0.5), tf.add(tanhOfInner(x), 1)),
    gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => {
      const t = tanhOfInner(saved);
      const slope = tf.mul(tf.add(tf.mul(tf.square(saved), 3 * CUBIC), 1), SQRT_2_OVER_PI);
      const outer = tf.mul(tf.add(t, 1), 0.5);
      const inner = tf.mul(tf.mul(tf.mul(saved, 0.5), tf.sub(1, tf.square(t))), slope);
      return tf.mul(dy, tf.add(outer, inner));
    },
  };
}) as (x: tf.Tensor) => tf.Tensor;
