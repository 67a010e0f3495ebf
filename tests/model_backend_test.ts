import * as tf from "@tensorflow/tfjs-core";
import { BACKENDS, initBackend, parseBackend } from "../model/backend/init.ts";
import { UserError } from "../core/user_error.ts";
import { assertAlmostEquals, assertEquals, assertMatch, assertThrows } from "./assert.ts";

const a = [[1, 2, 3], [4, 5, 6]];
const b = [[1, -1], [0.5, 2], [-3, 1]];
const product = [[-7, 6], [-11.5, 12]];

async function matMulOn(): Promise<number[]> {
  const [x, y] = [tf.tensor2d(a), tf.tensor2d(b)];
  const z = tf.matMul(x, y);
  const values = Array.from(await z.data()); // data(), not dataSync(): WebGPU cannot read synchronously
  tf.dispose([x, y, z]);
  return values;
}

Deno.test("cpu and wasm start, describe themselves, and compute", async () => {
  assertMatch(await initBackend("cpu"), /^cpu/);
  assertEquals(tf.getBackend(), "cpu");
  assertEquals(await matMulOn(), product.flat());
  assertMatch(await initBackend("wasm"), /^wasm \(TensorFlow\.js (SIMD|no SIMD), 1 thread\)$/);
  assertEquals(tf.getBackend(), "wasm");
  (await matMulOn()).forEach((v, i) => assertAlmostEquals(v, product.flat()[i], 1e-5));
});

Deno.test({
  name: "webgpu reports its adapter (llvmpipe here) and computes",
  ignore: !("gpu" in navigator),
  fn: async () => {
    const description = await initBackend("webgpu");
    assertMatch(description, /^webgpu: \S/);
    assertEquals(tf.getBackend(), "webgpu");
    (await matMulOn()).forEach((v, i) => assertAlmostEquals(v, product.flat()[i], 1e-5));
    await initBackend("cpu");
  },
});

Deno.test("parseBackend accepts the three names and refuses others naming the flag", () => {
  for (const name of BACKENDS) assertEquals(parseBackend(name), name);
  assertThrows(
    () => parseBackend("webgl"),
    UserError,
    "--backend: expected one of webgpu, wasm, cpu",
  );
});
