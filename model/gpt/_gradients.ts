/**
 * Gradients of the TensorFlow.js kernels the GPT uses, each from its calculus.
 *
 * WHY this file exists: the npm build of `@tensorflow/tfjs-core` registers no gradients in its
 * Node.js bundle (the union package `@tensorflow/tfjs` does that from ES modules whose
 * extensionless imports Deno cannot load), so `tf.grad` would fail with "gradient function not
 * found for Reshape". Importing this module registers the gradients below, once, for every
 * backend; a gradient some other package already registered is left alone. Each one is checked
 * against central finite differences in tests/model_gradients_test.ts.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { matMul } from "./ops/matmul.ts";

type Grads = Record<string, () => tf.Tensor>;

/** Sums `dy` over the axes along which `shape` was broadcast to `dy`'s shape; reshapes to `shape`. */
function unbroadcast(dy: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.broadcast_util.getReductionAxes(shape, dy.shape);
  const reduced = axes.length > 0 ? tf.sum(dy, axes) : dy;
  return tf.reshape(reduced, shape);
}

function register(
  kernelName: string,
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[], attrs: tf.NamedAttrMap) => Grads,
  save: { inputs?: string[]; outputs?: boolean[] } = {},
): void {
  if (tf.getGradient(kernelName) !== undefined) return;
  tf.registerGradient({
    kernelName,
    inputsToSave: save.inputs,
    outputsToSave: save.outputs,
    gradFunc: (dy, saved, attrs) => gradFunc(dy as tf.Tensor, saved, attrs),
  });
}

// z = a + b: ∂z/∂a = ∂z/∂b = 1 (summed over broadcast axes).
register(tf.Add, (dy, [a, b]) => ({
  a: () => unbroadcast(dy, a.shape),
  b: () => unbroadcast(dy, b.shape),
}), { inputs: ["a", "b"] });

// z = a − b.
register(tf.Sub, (dy, [a, b]) => ({
  a: () => unbroadcast(dy, a.shape),
  b: () => unbroadcast(tf.neg(dy), b.shape),
}), { inputs: ["a", "b"] });

// z = a · b: ∂z/∂a = b, ∂z/∂b = a.
register(tf.Multiply, (dy, [a, b]) => ({
  a: () => unbroadcast(tf.mul(dy, b), a.shape),
  b: () => unbroadcast(tf.mul(dy, a), b.shape),
}), { inputs: ["a", "b"] });

// z = a / b: ∂z/∂a = 1/b, ∂z/∂b = −a/b².
register(tf.RealDiv, (dy, [a, b]) => ({
  a: () => unbroadcast(tf.div(dy, b), a.shape),
  b: () => unbroadcast(tf.neg(tf.div(tf.mul(dy, a), tf.square(b))), b.shape),
}), { inputs: ["a", "b"] });

// z = −x.
register(tf.Neg, (dy) => ({ x: () => tf.neg(dy) }));

// z = x²: 2x.
register(tf.Square, (dy, [x]) => ({ x: () => tf.mul(dy, tf.mul(x, 2)) }), { inputs: ["x"] });

// z = √x: 1 / (2z).
register(tf.Sqrt, (dy, [z]) => ({ x: () => tf.div(dy, tf.mul(z, 2)) }), { outputs: [true] });

// z = tanh x: 1 − z².
register(tf.Tanh, (dy, [z]) => ({ x: () => tf.mul(dy, tf.sub(1, tf.square(z))) }), {
  outputs: [true],
});

// z = exp x: z.
register(tf.Exp, (dy, [z]) => ({ x: () => tf.mul(dy, z) }), { outputs: [true] });

// z = log x: 1/x.
register(tf.Log, (dy, [x]) => ({ x: () => tf.div(dy, x) }), { inputs: ["x"] });

// Shape-only kernels: the gradient is dy given back the input's shape / dtype / layout.
register(tf.Identity, (dy) => ({ x: () => dy }));
register(tf.Cast, (dy) => ({ x: () => tf.clone(dy) }));
register(tf.Reshape, (dy, [x]) => ({ x: () => tf.reshape(dy, x.shape) }), { inputs: ["x"] });
register(tf.Transpose, (dy, _saved, attrs) => {
  const perm = attrs.perm as number[];
  const inverse = new Array<number>(perm.length);
  perm.forEach((axis, i) => inverse[axis] = i);
  return { x: () => tf.transpose(dy, inverse) };
});

/** The input shape with the reduced axes kept as 1 (so dy broadcasts back over them). */
function keptShape(shape: number[], axis: unknown): { kept: number[]; count: number } {
  const axes = tf.util.parseAxisParam(axis as number | number[], shape);
  const kept = shape.map((size, i) => axes.includes(i) ? 1 : size);
  return { kept, count: axes.reduce((n, i) => n * shape[i], 1) };
}

// z = Σ x over axes: dy broadcast back.
register(tf.Sum, (dy, [x], attrs) => {
  const { kept } = keptShape(x.shape, attrs.axis);
  return { x: () => tf.broadcastTo(tf.reshape(dy, kept), x.shape) };
}, { inputs: ["x"] });

// z = mean x over axes: dy broadcast back, divided by the number of elements averaged.
register(tf.Mean, (dy, [x], attrs) => {
  const { kept, count } = keptShape(x.shape, attrs.axis);
  return { x: () => tf.div(tf.broadcastTo(tf.reshape(dy, kept), x.shape), count) };
}, { inputs: ["x"] });

// y = softmax(z) along `dim`: ∂L/∂z = y ⊙ (dy − Σ_dim(dy ⊙ y)).
register(tf.Softmax, (dy, [y], attrs) => {
  const dim = attrs.dim as number;
  return { logits: () => tf.mul(y, tf.sub(dy, tf.sum(tf.mul(dy, y), dim, true))) };
}, { outputs: [true] });

// C = op(A) · op(B) (batched, op = optional transpose of the last two axes).
register(tf.BatchMatMul, (dy, [a, b], attrs) => {
  const transposeA = attrs.transposeA as boolean;
  const transposeB = attrs.transposeB as boolean;
  let gradA: () => tf.Tensor;
  let gradB: () => tf.Tensor;
  if (!transposeA && !transposeB) { // C = A B: dA = dC Bᵀ, dB = Aᵀ dC
    gradA = () => matMul(dy, b, false, true);
    gradB = () => matMul(a, dy, true, false);
  } else if (!transposeA && transposeB) { // C = A Bᵀ: dA = dC B, dB = dCᵀ A
    gradA = () => matMul(dy, b, false, false);
    gradB = () => matMul(dy, a, true, false);
  } else if (transposeA && !transposeB) { // C = Aᵀ B: dA = B dCᵀ, dB = A dC
    gradA = () => matMul(b, dy, false, true);
    gradB = () => matMul(a, dy, false, false);
  } else { // C = Aᵀ Bᵀ: dA = Bᵀ dCᵀ, dB = dCᵀ Aᵀ
    gradA = () => matMul(b, dy, true, true);
    gradB = () => matMul(dy, a, true, true);
  }
  // Batch axes may have been broadcast (e.g. [B, T, d] · [d, e] as [1, d, e]): sum them back.
  return { a: () => unbroadcast(gradA(), a.shape), b: () => unbroadcast(gradB(), b.shape) };
}, { inputs: ["a", "b"] });

// z = x[indices] along axis 0 (embedding lookup): each row of dy is added to the row it came from.
register(tf.GatherV2, (dy, [x, indices], attrs) => {
  if ((attrs.axis as number) !== 0 || (attrs.batchDims as number) !== 0) {
    throw new Error("GatherV2 gradient: only axis 0 without batch dimensions is implemented");
  }
  return {
    x: () => {
      // scatterND sums updates that share an index on every backend; UnsortedSegmentSum, the
      // textbook kernel for this, does not exist on wasm.
      const rowIndices = tf.reshape(indices, [indices.size, 1]);
      const rows = tf.reshape(dy, [indices.size, ...x.shape.slice(1)]);
      return tf.scatterND(rowIndices, rows, x.shape);
    },
  };
}, { inputs: ["x", "indices"] });
