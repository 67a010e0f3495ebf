import * as tf from "@tensorflow/tfjs-core";
import "../_gradients.ts"; // tfjs-core's npm bundle registers no gradients
import { matMul } from "./matmul.ts";

/**
 * An affine layer `y = x · W + b` over the last axis, as the microGPT study's `linear` (W is [in, out]).
 *
 * Forward: one fused matMul-with-bias kernel. Backward, from the equations (rows of x as X):
 *   ∂L/∂X = ∂L/∂Y · Wᵀ,   ∂L/∂W = Xᵀ · ∂L/∂Y,   ∂L/∂b = Σ_rows ∂L/∂Y
 * written out here because tfjs's own gradient for the fused kernel uses transposed matMuls, which
 * are an order of magnitude slower on wasm (see `matMul`).
 *
 * @param x [..., in]
 * @param weight [in, out]
 * @param bias [out]
 * @returns [..., out]
 */
export function linear<T extends tf.Tensor>(x: T, weight: tf.Tensor2D, bias: tf.Tensor1D): T {
  return tf.tidy(() => {
    const [inputs, outputs] = weight.shape;
    const rows = tf.reshape(x, [-1, inputs]) as tf.Tensor2D;
    const y = affine(rows, weight, bias);
    return tf.reshape(y, [...x.shape.slice(0, -1), outputs]) as T;
  });
}

const affine = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [rows, weight, bias, save] = args as [
    tf.Tensor2D,
    tf.Tensor2D,
    tf.Tensor1D,
    tf.GradSaveFunc,
  ];
  save([rows, weight]);
  return {
    value: tf.fused.matMul({ a: rows, b: weight, bias }),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedRows, savedWeight] = saved;
      return [
        matMul(dy, savedWeight, false, true),
        matMul(savedRows, dy, true, false),
        tf.sum(dy, 0),
      ];
    },
  };
}) as (rows: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;
