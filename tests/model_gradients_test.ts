import * as tf from "@tensorflow/tfjs-core";
import "../model/gpt/_gradients.ts";
import { initBackend } from "../model/backend/init.ts";
import { assert, assertThrows } from "./assert.ts";
import { checkGradients, randomTensor, weightedSum } from "./gradient_check.ts";

await initBackend("cpu");

/** Checks the gradient of `op` at random inputs of `shapes` (all coordinates). */
function check(
  name: string,
  op: (...xs: tf.Tensor[]) => tf.Tensor,
  shapes: number[][],
  positive = false,
) {
  const xs = shapes.map((shape, i) => {
    const x = randomTensor(shape, 10 + i);
    // Sqrt/Log/division need inputs away from 0.
    return positive ? tf.tidy(() => tf.add(tf.abs(x), 0.5)) : x;
  });
  const report = checkGradients((...args) => weightedSum(op(...args)), xs, { names: [name] });
  assert(
    report.checked === xs.reduce((n, x) => n + x.size, 0),
    `${name}: every coordinate checked`,
  );
  tf.dispose(xs);
}

Deno.test("binary kernels with broadcasting: Add, Sub, Multiply, RealDiv", () => {
  check("add", (a, b) => tf.add(a, b), [[2, 3, 4], [4]]);
  check("add", (a, b) => tf.add(a, b), [[2, 1, 4], [3, 1]]);
  check("sub", (a, b) => tf.sub(a, b), [[3, 4], [3, 1]]);
  check("mul", (a, b) => tf.mul(a, b), [[2, 3, 4], [1, 3, 4]]);
  check("mul by a number", (a) => tf.mul(a, 1.7), [[5]]);
  check("div", (a, b) => tf.div(a, b), [[2, 3], [3]], true);
});

Deno.test("unary kernels: Neg, Square, Sqrt, Tanh, Exp, Log", () => {
  check("neg", (x) => tf.neg(x), [[6]]);
  check("square", (x) => tf.square(x), [[2, 3]]);
  check("sqrt", (x) => tf.sqrt(x), [[7]], true);
  check("tanh", (x) => tf.tanh(x), [[7]]);
  check("exp", (x) => tf.exp(x), [[7]]);
  check("log", (x) => tf.log(x), [[7]], true);
});

Deno.test("shape kernels: Reshape, Transpose, Cast, Identity", () => {
  check("reshape", (x) => tf.mul(tf.reshape(x, [6, 2]), tf.reshape(tf.range(0, 12), [6, 2])), [[
    3,
    4,
  ]]);
  check("transpose", (x) => tf.mul(tf.transpose(x, [2, 0, 1]), 1), [[2, 3, 4]]);
  check("cast", (x) => tf.cast(x, "float32"), [[4]]);
  check("clone", (x) => tf.clone(x), [[4]]);
});

Deno.test("reductions: Sum and Mean over axes, with and without keepDims", () => {
  check("sum", (x) => tf.sum(x, 1), [[2, 3, 4]]);
  check("sum", (x) => tf.sum(x, [0, 2], true), [[2, 3, 4]]);
  check("mean", (x) => tf.mean(x, -1, true), [[2, 3, 4]]);
  check("mean", (x) => tf.mean(x), [[3, 4]]);
  check("moments", (x) => tf.moments(x, -1, true).variance, [[3, 5]]);
});

Deno.test("Softmax along the last axis", () => {
  check("softmax", (x) => tf.softmax(x), [[3, 5]]);
  check("softmax", (x) => tf.softmax(x), [[2, 2, 4]]);
});

Deno.test("BatchMatMul: all four transpose combinations, batched and broadcast", () => {
  check("A B", (a, b) => tf.matMul(a, b), [[3, 4], [4, 2]]);
  check("A Bᵀ", (a, b) => tf.matMul(a, b, false, true), [[3, 4], [2, 4]]);
  check("Aᵀ B", (a, b) => tf.matMul(a, b, true, false), [[4, 3], [4, 2]]);
  check("Aᵀ Bᵀ", (a, b) => tf.matMul(a, b, true, true), [[4, 3], [2, 4]]);
  check("batched", (a, b) => tf.matMul(a, b), [[2, 2, 3, 4], [2, 2, 4, 3]]);
  check("broadcast batch", (a, b) => tf.matMul(a, b), [[2, 3, 4], [4, 2]]);
  check("fused with bias", (a, b, bias) => tf.fused.matMul({ a, b, bias } as never), [[3, 4], [
    4,
    2,
  ], [2]]);
});

Deno.test("GatherV2 (embedding lookup) sums the rows of repeated ids", () => {
  const ids = tf.tensor2d([[0, 2, 2], [1, 2, 0]], [2, 3], "int32");
  check("gather", (table) => tf.gather(table, ids), [[4, 3]]);
  const table = randomTensor([4, 3], 3);
  const gradient = tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, ids)))(table);
  // Row 2 appears three times, rows 0 and 1 twice and once, row 3 never.
  assert(
    JSON.stringify(Array.from(gradient.dataSync())) ===
      JSON.stringify([2, 2, 2, 1, 1, 1, 3, 3, 3, 0, 0, 0]),
    `gather gradient counts rows: ${gradient.dataSync()}`,
  );
  tf.dispose([ids, table, gradient]);
});

Deno.test("the checker itself fails on a wrong gradient", () => {
  const slightlyWrong = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    return { value: tf.square(x), gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.mul(x, 2.1)) };
  });
  const x = randomTensor([5], 4);
  assertThrows(
    () => checkGradients((t) => weightedSum(slightlyWrong(t)), [x]),
    Error,
    "gradient of",
  );
  x.dispose();
});
