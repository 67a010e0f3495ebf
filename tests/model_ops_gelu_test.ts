import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../model/backend/init.ts";
import { gelu } from "../model/gpt/ops/gelu.ts";
import { assert, assertAlmostEquals } from "./assert.ts";
import { checkGradients, randomTensor, weightedSum } from "./gradient_check.ts";

await initBackend("cpu");

// Values of jax.nn.gelu(x) (approximate=True), computed by hand from its formula
// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) in float64.
const JAX_GELU: [number, number][] = [
  [-3, -0.0036373920817729943],
  [-1, -0.15880800939172324],
  [0, 0],
  [0.5, 0.34571400982514394],
  [1, 0.8411919906082768],
  [2, 1.954597694087775],
  [2.7, 2.6911124053605326],
];

Deno.test("gelu is the tanh approximation (jax.nn.gelu's default)", () => {
  const x = tf.tensor1d(JAX_GELU.map(([x]) => x));
  const y = gelu(x).dataSync();
  JAX_GELU.forEach(([, expected], i) => assertAlmostEquals(y[i], expected, 2e-6));
  tf.dispose(x);
});

Deno.test("gelu differs from the exact erf form x·Φ(x) by less than 5e-4, measurably", () => {
  // x·Φ(x) = x·(1 + erf(x/√2))/2 at x = 1 and 2.7 (float64): 0.8413447460685429, 2.6906391707317905.
  const y = gelu(tf.tensor1d([1, 2.7])).dataSync();
  assertAlmostEquals(y[0], 0.8413447460685429, 5e-4);
  assertAlmostEquals(y[1], 2.6906391707317905, 5e-4);
  assert(Math.abs(y[1] - 2.6906391707317905) > 4e-4, "the tanh form, not the erf form");
});

Deno.test("gelu gradient matches finite differences", () => {
  const x = randomTensor([3, 7], 3, 2);
  checkGradients((x) => weightedSum(gelu(x)), [x]);
  x.dispose();
});
