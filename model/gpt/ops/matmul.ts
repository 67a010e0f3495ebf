import * as tf from "@tensorflow/tfjs-core";

/**
 * `op(a) · op(b)` where op transposes the last two axes when asked, computed as an explicit
 * transpose followed by a plain matMul.
 *
 * WHY: on this machine tfjs-wasm's matMul runs at ~25 GFLOP/s only for the plain 2-D layout; with
 * `transposeA` or `transposeB` it falls back to a slow loop (1–2 GFLOP/s, measured on
 * [1024, 384] · [384, 8000]), and WebGPU's transposed variants are 1.5–4× slower too. A transpose
 * is one pass over memory, far cheaper than the difference.
 */
export function matMul(
  a: tf.Tensor,
  b: tf.Tensor,
  transposeA = false,
  transposeB = false,
): tf.Tensor {
  return tf.tidy(() => {
    const left = transposeA ? swapLastAxes(a) : a;
    const right = transposeB ? swapLastAxes(b) : b;
    return tf.matMul(left, right);
  });
}

/** Transposes the last two axes of `x` (rank ≥ 2). */
export function swapLastAxes(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
  return tf.transpose(x, perm);
}
