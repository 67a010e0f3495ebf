import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../model/backend/init.ts";
import { LAYER_NORM_EPS, layerNorm } from "../model/gpt/ops/layer_norm.ts";
import { assert, assertAlmostEquals } from "./assert.ts";
import { checkGradients, randomTensor, weightedSum } from "./gradient_check.ts";

await initBackend("cpu");

Deno.test("layerNorm matches the microGPT study's formula gain·(x−μ)/(σ+ε)+bias row by row", () => {
  const x = randomTensor([3, 5], 1, 3);
  const gain = randomTensor([5], 2);
  const bias = randomTensor([5], 3);
  const y = layerNorm(x, gain as tf.Tensor1D, bias as tf.Tensor1D).arraySync() as number[][];
  const rows = x.arraySync() as number[][];
  const g = gain.dataSync();
  const b = bias.dataSync();
  rows.forEach((row, r) => {
    const mean = row.reduce((s, v) => s + v, 0) / row.length;
    const std = Math.sqrt(row.reduce((s, v) => s + (v - mean) ** 2, 0) / row.length);
    row.forEach((v, k) => {
      const expected = g[k] * (v - mean) / (std + LAYER_NORM_EPS) + b[k];
      assertAlmostEquals(y[r][k], expected, 1e-5);
    });
  });
  tf.dispose([x, gain, bias]);
});

Deno.test("with gain 1 and bias 0 each row has mean 0 and standard deviation ≈ 1", () => {
  const x = randomTensor([4, 64], 4, 10);
  const y = layerNorm(x, tf.ones([64]) as tf.Tensor1D, tf.zeros([64]) as tf.Tensor1D);
  const { mean, variance } = tf.moments(y, -1);
  mean.dataSync().forEach((m) => assertAlmostEquals(m, 0, 1e-5));
  variance.dataSync().forEach((v) => assertAlmostEquals(Math.sqrt(v), 1, 1e-4));
  tf.dispose([x, y, mean, variance]);
});

Deno.test("layerNorm gradients (x, gain, bias) match finite differences", () => {
  const x = randomTensor([2, 3, 6], 5);
  const gain = randomTensor([6], 6);
  const bias = randomTensor([6], 7);
  const report = checkGradients(
    (x, g, b) => weightedSum(layerNorm(x, g as tf.Tensor1D, b as tf.Tensor1D)),
    [x, gain, bias],
    { names: ["x", "gain", "bias"] },
  );
  assertAlmostEquals(report.checked, 36 + 12, 0);
  tf.dispose([x, gain, bias]);
});

Deno.test("a constant row normalises to the bias and has finite gradients", () => {
  const x = tf.fill([2, 4], 3);
  const gain = tf.ones([4]) as tf.Tensor1D;
  const bias = tf.tensor1d([1, 2, 3, 4]);
  assertAlmostEquals(layerNorm(x, gain, bias).dataSync()[5], 2, 0);
  const grads = tf.grads((x, g, b) =>
    weightedSum(layerNorm(x, g as tf.Tensor1D, b as tf.Tensor1D))
  )([x, gain, bias]);
  for (const g of grads) g.dataSync().forEach((v) => assert(Number.isFinite(v), "finite"));
  tf.dispose([x, gain, bias, ...grads]);
});
