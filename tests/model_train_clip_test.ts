import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { clipByGlobalNorm, globalNorm } from "../model/train/clip.ts";
import { assertAlmostEquals, assertEquals } from "./assert.ts";

await tf.setBackend("cpu");

function values(map: Map<string, tf.Tensor>): Record<string, number[]> {
  return Object.fromEntries([...map].map(([k, t]) => [k, [...t.dataSync()]]));
}

function close(actual: number[], expected: number[], tolerance = 1e-6): void {
  assertEquals(actual.length, expected.length);
  actual.forEach((value, i) => assertAlmostEquals(value, expected[i], tolerance, `element ${i}`));
}

Deno.test("global norm is the L2 norm over every element of every tensor", () => {
  const tensors = [tf.tensor1d([1, 2]), tf.tensor2d([[2]]), tf.scalar(4)];
  const norm = globalNorm(tensors);
  assertAlmostEquals(norm.dataSync()[0], 5, 1e-6); // sqrt(1 + 4 + 4 + 16)
  tf.dispose([...tensors, norm]);
});

Deno.test("above the threshold every gradient becomes t / g * max; below it nothing changes", () => {
  const before = tf.memory().numTensors;
  const gradients = new Map<string, tf.Tensor>([
    ["a", tf.tensor1d([1, 2])],
    ["b", tf.tensor2d([[2]])],
    ["c", tf.scalar(4)],
  ]);
  const { clipped, norm } = clipByGlobalNorm(gradients, 1);
  assertAlmostEquals(norm.dataSync()[0], 5, 1e-6);
  const out = values(clipped);
  close(out.a, [0.2, 0.4]);
  close(out.b, [0.4]);
  close(out.c, [0.8]);
  assertEquals(clipped.get("b")!.shape, [1, 1]);
  const { clipped: same, norm: norm2 } = clipByGlobalNorm(gradients, 10);
  assertEquals(values(same), values(gradients));
  // At exactly max_norm optax takes the scaled branch (g < max is false): t / 5 * 5.
  const { clipped: edge, norm: norm3 } = clipByGlobalNorm(gradients, 5);
  close(values(edge).a, [1, 2]);
  tf.dispose([...gradients.values(), ...clipped.values(), ...same.values(), ...edge.values()]);
  tf.dispose([norm, norm2, norm3]);
  assertEquals(tf.memory().numTensors, before, "no tensor left behind");
});

Deno.test("a NaN gradient makes the norm NaN (so the loop can stop before updating)", () => {
  const gradients = new Map<string, tf.Tensor>([["a", tf.tensor1d([1, NaN])]]);
  const { clipped, norm } = clipByGlobalNorm(gradients, 1);
  assertEquals(Number.isNaN(norm.dataSync()[0]), true);
  tf.dispose([...gradients.values(), ...clipped.values(), norm]);
});
