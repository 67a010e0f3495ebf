/**
 * Gradient clipping and AdamW on flat buffers (the native path's optimizer step), with the
 * arithmetic of `model/train/optimizer.ts` and `clip.ts` (optax's `adamw` and
 * `clip_by_global_norm`), one loop over the parameters instead of a dozen kernels per tensor.
 *
 * @module
 */

/** √(Σ g²) over `count` values of `grads` (accumulated in float64). */
export function globalNorm(grads: Float32Array, count = grads.length): number {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += grads[i] * grads[i];
  return Math.sqrt(sum);
}

/**
 * Adds each of `shares` into `total` (the Workers' gradients into the main thread's) and returns
 * √(Σ g²) of the sum, in the same pass over the last share.
 */
export function sumGradients(total: Float32Array, shares: readonly Float32Array[]): number {
  if (shares.length === 0) return globalNorm(total);
  for (let s = 0; s < shares.length - 1; s++) {
    const share = shares[s];
    for (let i = 0; i < total.length; i++) total[i] += share[i];
  }
  const last = shares[shares.length - 1];
  let squares = 0;
  for (let i = 0; i < total.length; i++) {
    const g = total[i] + last[i];
    total[i] = g;
    squares += g * g;
  }
  return Math.sqrt(squares);
}

/** AdamW's hyper-parameters and the update count so far (optax's `count`). */
export interface AdamWState {
  b1: number;
  b2: number;
  eps: number;
  weightDecay: number;
}

/**
 * One AdamW update of params[from, to) with rate `lr` at update number `t` (from 1), the
 * gradients first multiplied by `gradientScale` (the clipping factor, 1 when the norm is below the
 * threshold):
 *   μ ← (1 − b1) g + b1 μ;  ν ← (1 − b2) g² + b2 ν;  μ̂ = μ / (1 − b1ᵗ);  ν̂ = ν / (1 − b2ᵗ)
 *   θ ← θ − lr · (μ̂ / (√ν̂ + ε) + λ θ)
 */
export function adamwUpdate(
  params: Float32Array,
  grads: Float32Array,
  mu: Float32Array,
  nu: Float32Array,
  options: AdamWState,
  t: number,
  lr: number,
  gradientScale: number,
  from = 0,
  to = params.length,
): void {
  const { b1, b2, eps, weightDecay } = options;
  const oneMinusB1 = 1 - b1, oneMinusB2 = 1 - b2;
  const correction1 = 1 - b1 ** t, correction2 = 1 - b2 ** t;
  for (let i = from; i < to; i++) {
    const g = grads[i] * gradientScale;
    const m = oneMinusB1 * g + b1 * mu[i];
    const v = oneMinusB2 * g * g + b2 * nu[i];
    mu[i] = m;
    nu[i] = v;
    const step = (m / correction1) / (Math.sqrt(v / correction2) + eps) + weightDecay * params[i];
    params[i] = params[i] - lr * step;
  }
}
