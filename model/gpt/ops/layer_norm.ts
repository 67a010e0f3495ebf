import * as tf from "@tensorflow/tfjs-core";
import "../_gradients.ts"; // tfjs-core's npm bundle registers no gradients

/**
 * The epsilon of the microGPT study's `layer_norm` (microGPT, `decoder/layernorm/lnorm.py`: `eps=1e-5`).
 * Note that the microGPT study adds it to the standard deviation, not to the variance.
 */
export const LAYER_NORM_EPS = 1e-5;

/**
 * Layer normalisation (Ba, Kiros & Hinton 2016) over the last axis, written as the microGPT study writes it:
 *
 *   y = gain · x̂ + bias,   x̂ = (x − μ) / (σ + ε),   μ = mean(x),  σ = sqrt(mean((x − μ)²))
 *
 * with ε = 1e-5 added to σ (the common form adds ε to σ² inside the root; for activations whose σ
 * is far above 1e-5, as here, the two agree to float32 precision, and keeping the microGPT study's form makes
 * a model trained here the same function as the microGPT study's).
 *
 * The backward pass is the closed form (per row of d numbers, g = ∂L/∂y ⊙ gain):
 *
 *   ∂L/∂x = (g − mean(g)) / (σ + ε) − x̂ · mean(g ⊙ x̂) / σ
 *   ∂L/∂gain = Σ_rows ∂L/∂y ⊙ x̂,   ∂L/∂bias = Σ_rows ∂L/∂y
 *
 * (the x̂-term has 1/σ, not 1/(σ+ε), because ε sits outside the root), which keeps three tensors for
 * the backward pass instead of every intermediate of the chain rule.
 *
 * @param x [..., modelD]
 * @param gain [modelD] (initialised to 1)
 * @param bias [modelD] (initialised to 0)
 */
export function layerNorm<T extends tf.Tensor>(
  x: T,
  gain: tf.Tensor1D,
  bias: tf.Tensor1D,
  eps = LAYER_NORM_EPS,
): T {
  return tf.tidy(() => {
    const modelD = gain.shape[0];
    const rows = tf.reshape(x, [-1, modelD]) as tf.Tensor2D;
    return tf.reshape(normalise(rows, gain, bias, eps), x.shape) as T;
  });
}

function normalise(rows: tf.Tensor2D, gain: tf.Tensor1D, bias: tf.Tensor1D, eps: number) {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, g, b, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const centred = tf.sub(x, tf.mean(x, -1, true));
    const std = tf.sqrt(tf.mean(tf.square(centred), -1, true));
    const denominator = tf.add(std, eps);
    const normalised = tf.div(centred, denominator);
    save([normalised, std, denominator, g]);
    return {
      value: tf.add(tf.mul(normalised, g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xHat, sigma, sigmaPlusEps, savedGain] = saved;
        const scaled = tf.mul(dy, savedGain);
        const centredGrad = tf.sub(scaled, tf.mean(scaled, -1, true));
        // A constant row has σ = 0 and x̂ = 0: the term is 0, not 0/0 (the guard only changes that case).
        const safeSigma = tf.maximum(sigma, 1e-30);
        const projection = tf.mul(xHat, tf.div(tf.mean(tf.mul(scaled, xHat), -1, true), safeSigma));
        return [
          tf.sub(tf.div(centredGrad, sigmaPlusEps), projection),
          tf.sum(tf.mul(dy, xHat), 0),
          tf.sum(dy, 0),
        ];
      },
    };
  });
  return op(rows, gain, bias) as tf.Tensor2D;
}
