import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { AdamW } from "../model/train/optimizer.ts";
import { assertAlmostEquals, assertEquals } from "./assert.ts";

await tf.setBackend("cpu");

Deno.test("the first AdamW update is lr * (g / (|g| + eps) + wd * p): bias correction with count 1", () => {
  // t = 1: mu = 0.1 g, nu = 0.001 g^2, muHat = 0.1 g / (1 - 0.9) = g, nuHat = 0.001 g^2 / (1 - 0.999) = g^2.
  const p = [0.5, -2, 0];
  const g = [0.25, 3, -1e-3];
  const lr = 0.1;
  const expected = p.map((pi, i) => pi - lr * (g[i] / (Math.abs(g[i]) + 1e-8) + 0.01 * pi));
  const params = new Map([["w", tf.variable(tf.tensor1d(p))]]);
  const optimizer = new AdamW(params);
  const gradient = tf.tensor1d(g);
  optimizer.update(params, new Map([["w", gradient]]), lr);
  const actual = params.get("w")!.dataSync();
  expected.forEach((value, i) => assertAlmostEquals(actual[i], value, 1e-6, `w[${i}]`));
  assertEquals(optimizer.count, 1);
  // Moments as written: mu = (1 - b1) g, nu = (1 - b2) g^2.
  const mu = optimizer.mu.get("w")!.dataSync(), nu = optimizer.nu.get("w")!.dataSync();
  g.forEach((gi, i) => {
    assertAlmostEquals(mu[i], 0.1 * gi, 1e-7);
    assertAlmostEquals(nu[i], 0.001 * gi * gi, 1e-9);
  });
  tf.dispose([gradient, ...params.values()]);
  optimizer.dispose();
});

Deno.test("five AdamW updates follow optax's formulas (float64 reference written out here)", () => {
  const b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.05;
  const rates = [0, 1e-2, 2e-2, 3e-2, 1.5e-2]; // a warmup-like sequence, starting at 0 as optax's does
  const gradients = [[1, -2], [0.5, 0.1], [-3, 0.2], [0.01, -0.4], [2, 2]];
  let p = [1.5, -0.75];
  let m = [0, 0], v = [0, 0];
  for (let step = 0; step < 5; step++) {
    const t = step + 1;
    const g = gradients[step];
    m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]);
    v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i] ** 2);
    p = p.map((pi, i) => {
      const muHat = m[i] / (1 - b1 ** t), nuHat = v[i] / (1 - b2 ** t);
      return pi - rates[step] * (muHat / (Math.sqrt(nuHat) + eps) + wd * pi);
    });
  }
  const params = new Map([["w", tf.variable(tf.tensor1d([1.5, -0.75]))]]);
  const optimizer = new AdamW(params, { weightDecay: wd });
  const before = tf.memory().numTensors;
  for (let step = 0; step < 5; step++) {
    const gradient = tf.tensor1d(gradients[step]);
    optimizer.update(params, new Map([["w", gradient]]), rates[step]);
    gradient.dispose();
  }
  assertEquals(tf.memory().numTensors, before, "updates leave no tensors behind");
  const actual = params.get("w")!.dataSync();
  p.forEach((value, i) => assertAlmostEquals(actual[i], value, 2e-6, `w[${i}]`));
  const mu = optimizer.mu.get("w")!.dataSync(), nu = optimizer.nu.get("w")!.dataSync();
  m.forEach((value, i) => assertAlmostEquals(mu[i], value, 1e-6));
  v.forEach((value, i) => assertAlmostEquals(nu[i], value, 1e-6));
  assertEquals(optimizer.count, 5);
  tf.dispose([...params.values()]);
  optimizer.dispose();
});

Deno.test("a learning rate of 0 leaves parameters untouched but still advances the moments", () => {
  const params = new Map([["w", tf.variable(tf.tensor2d([[1, 2], [3, 4]]))]]);
  const optimizer = new AdamW(params);
  const gradient = tf.ones([2, 2]);
  optimizer.update(params, new Map([["w", gradient]]), 0);
  assertEquals([...params.get("w")!.dataSync()], [1, 2, 3, 4]);
  assertEquals(optimizer.count, 1);
  assertAlmostEquals(optimizer.mu.get("w")!.dataSync()[0], 0.1, 1e-7);
  tf.dispose([gradient, ...params.values()]);
  optimizer.dispose();
});
