import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../model/backend/init.ts";
import { crossEntropy } from "../model/gpt/ops/cross_entropy.ts";
import { assertAlmostEquals, assertThrows } from "./assert.ts";
import { checkGradients, randomTensor } from "./gradient_check.ts";

await initBackend("cpu");

/** −mean log softmax(z)[t] in float64, the long way. */
function reference(logits: number[][], targets: number[]): number {
  return -logits.reduce((sum, row, r) => {
    const max = Math.max(...row);
    const logSumExp = max + Math.log(row.reduce((s, z) => s + Math.exp(z - max), 0));
    return sum + row[targets[r]] - logSumExp;
  }, 0) / logits.length;
}

Deno.test("crossEntropy equals −mean log-softmax of the targets", () => {
  const logits = randomTensor([4, 7], 1, 2);
  const targets = [0, 6, 3, 3];
  const loss = crossEntropy(logits, tf.tensor1d(targets, "int32")).dataSync()[0];
  assertAlmostEquals(loss, reference(logits.arraySync() as number[][], targets), 1e-5);
  logits.dispose();
});

Deno.test("uniform logits give ln(vocab)", () => {
  const loss = crossEntropy(tf.zeros([3, 50]), tf.tensor1d([1, 2, 49], "int32")).dataSync()[0];
  assertAlmostEquals(loss, Math.log(50), 1e-5);
});

Deno.test("huge logits stay finite (the max is subtracted before exp)", () => {
  const logits = tf.tensor2d([[1000, 0, -1000], [5000, 5001, 4999]]);
  const loss = crossEntropy(logits, tf.tensor1d([0, 1], "int32")).dataSync()[0];
  // Row 1: log p = 0; row 2: log p = −log(1 + e⁻¹ + e⁻²).
  assertAlmostEquals(loss, Math.log(1 + Math.exp(-1) + Math.exp(-2)) / 2, 1e-5);
  const gradient = tf.grad((z: tf.Tensor) => crossEntropy(z, tf.tensor1d([0, 1], "int32")))(logits);
  gradient.dataSync().forEach((g) => assertAlmostEquals(g, g, 0)); // not NaN
});

Deno.test("crossEntropy accepts [batch, time, vocab] with [batch, time] targets", () => {
  const logits = randomTensor([2, 3, 5], 2);
  const targets = tf.tensor2d([[0, 1, 2], [3, 4, 0]], [2, 3], "int32");
  const loss = crossEntropy(logits, targets).dataSync()[0];
  const flat = (logits.arraySync() as number[][][]).flat();
  assertAlmostEquals(loss, reference(flat, [0, 1, 2, 3, 4, 0]), 1e-5);
  tf.dispose([logits, targets]);
});

Deno.test("crossEntropy gradient (softmax − onehot)/rows matches finite differences", () => {
  const logits = randomTensor([3, 6], 3, 2);
  const targets = tf.tensor1d([5, 0, 2], "int32");
  checkGradients((z) => crossEntropy(z, targets), [logits]);
  tf.dispose([logits, targets]);
});

Deno.test("crossEntropy refuses a target count that does not match the rows", () => {
  assertThrows(
    () => crossEntropy(tf.zeros([3, 4]), tf.tensor1d([0, 1], "int32")),
    RangeError,
    "2 targets",
  );
});
