import * as tf from "@tensorflow/tfjs-core";
import { BACKENDS, chooseBackend, initBackend, parseBackend } from "../model/backend/init.ts";
import { activeBlas } from "../model/backend/native/native_backend.ts";
import { UserError } from "../core/user_error.ts";
import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertMatch,
  assertRejects,
  assertThrows,
} from "./assert.ts";
import { withoutBlas } from "./model_native_fixture.ts";

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

Deno.test("parseBackend accepts auto and the four backends and refuses others naming the flag", () => {
  assertEquals([...BACKENDS], ["auto", "webgpu", "native", "wasm", "cpu"]);
  for (const name of BACKENDS) assertEquals(parseBackend(name), name);
  assertThrows(
    () => parseBackend("webgl"),
    UserError,
    "--backend: expected one of auto, webgpu, native, wasm, cpu",
  );
});

/** Runs `fn` with MICROGPT_BLAS set to `value`, then restores it. */
async function withBlasVariable<T>(value: string, fn: () => Promise<T>): Promise<T> {
  const saved = Deno.env.get("MICROGPT_BLAS");
  Deno.env.set("MICROGPT_BLAS", value);
  try {
    return await fn();
  } finally {
    if (saved === undefined) Deno.env.delete("MICROGPT_BLAS");
    else Deno.env.set("MICROGPT_BLAS", saved);
  }
}

Deno.test({
  name: "native starts on BLAS, describes its library, computes; wasm gets its own kernels back",
  ignore: withoutBlas,
  async fn() {
    assertMatch(await initBackend("native"), /^native \(.+, \/.+\)$/);
    assertEquals(tf.getBackend(), "wasm");
    assert(activeBlas() !== null, "the native backend is active");
    (await matMulOn()).forEach((v, i) => assertAlmostEquals(v, product.flat()[i], 1e-5));
    await initBackend("wasm");
    assertEquals(activeBlas(), null);
    (await matMulOn()).forEach((v, i) => assertAlmostEquals(v, product.flat()[i], 1e-5));
  },
});

Deno.test({
  name: "auto picks native here (a software WebGPU adapter, BLAS loads) and says why in its line",
  ignore: withoutBlas || !("gpu" in navigator),
  async fn() {
    const pick = await chooseBackend();
    assertEquals(pick.backend, "native");
    assertMatch(pick.reason, /software fallback; BLAS loaded$/);
    assertMatch(await initBackend("auto"), /^native \(.*\); picked by auto \(no GPU: /);
    await initBackend("cpu");
  },
});

Deno.test("without a BLAS library auto falls back to wasm with the hint; native is a one-line error", async () => {
  await withBlasVariable("/nonexistent/libopenblas.so.0", async () => {
    const pick = await chooseBackend();
    assertEquals(pick.backend, "wasm");
    assertMatch(
      pick.reason,
      /the BLAS library failed to load \(\/nonexistent\/libopenblas\.so\.0: /,
    );
    assertMatch(await initBackend("auto"), /^wasm .*; picked by auto \(/);
    const error = await assertRejects(() => initBackend("native"), UserError);
    assertMatch(error.message, /^--backend native: the BLAS library failed to load/);
    assert(!error.message.includes("\n"), "one line");
  });
  // A library that loads but has no cblas_sgemm (the C maths library) is named with its error too.
  const libm = `/lib/${Deno.build.arch}-linux-gnu/libm.so.6`;
  if (Deno.build.os === "linux" && await Deno.stat(libm).then(() => true, () => false)) {
    await withBlasVariable(libm, async () => {
      const pick = await chooseBackend();
      assertEquals(pick.backend, "wasm");
      assertMatch(pick.reason, /failed to load \(\/lib\/.*libm\.so\.6: .*cblas_sgemm/);
    });
  }
  await initBackend("cpu");
});
