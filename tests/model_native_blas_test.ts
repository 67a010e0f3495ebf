/**
 * The native path's foundations: `cblas_sgemm` through FFI (every transpose, offsets and row
 * strides inside larger buffers) against a plain triple loop; the tfjs matrix kernels re-registered
 * on BLAS against wasm's own; `exp32` and `tanh32` against Math's to float32 precision.
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../model/backend/init.ts";
import { blasCandidates, findBlas } from "../model/backend/native/blas.ts";
import { exp32, tanh32 } from "../model/backend/native/_fast_math.ts";
import { registerBlasKernels } from "../model/backend/native/_tfjs_kernels.ts";
import { assert, assertAlmostEquals, assertEquals } from "./assert.ts";
import { randomArray, testBlas, withoutBlas } from "./model_native_fixture.ts";

/** C = op(A)·op(B) by the definition, with A and B read at their offsets and row strides. */
function reference(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOffset: number,
  lda: number,
  b: Float32Array,
  bOffset: number,
  ldb: number,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) {
        const left = transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p];
        const right = transB ? b[bOffset + j * ldb + p] : b[bOffset + p * ldb + j];
        sum += left * right;
      }
      out[i * n + j] = sum;
    }
  }
  return out;
}

Deno.test({
  name:
    "cblas_sgemm: every transpose, with offsets, strides, alpha and beta, equals the definition",
  ignore: withoutBlas,
  fn() {
    const blas = testBlas();
    const [m, n, k] = [7, 5, 9];
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        // A and B sit inside larger buffers, at an offset, with rows wider than the matrix.
        const lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 2, ldc = n + 4;
        const a = randomArray(5 + (transA ? k : m) * lda, 1),
          b = randomArray(3 + (transB ? n : k) * ldb, 2);
        const c = randomArray(2 + m * ldc, 3);
        const before = c.slice();
        blas.sgemm(transA, transB, m, n, k, 0.5, a, 5, lda, b, 3, ldb, 2, c, 2, ldc);
        const expected = reference(transA, transB, m, n, k, a, 5, lda, b, 3, ldb);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < ldc; j++) {
            const at = 2 + i * ldc + j;
            const want = j < n ? 0.5 * expected[i * n + j] + 2 * before[at] : before[at];
            assertAlmostEquals(c[at], want, 1e-5, `transA ${transA} transB ${transB} at ${i},${j}`);
          }
        }
        assertEquals(c[0], before[0], "before the output's offset nothing is written");
      }
    }
  },
});

Deno.test({
  name: "findBlas: MICROGPT_BLAS names the library; a missing one is reported, not thrown",
  ignore: withoutBlas,
  fn() {
    const path = testBlas().path;
    assert(blasCandidates("linux").some((candidate) => candidate.endsWith(".so.0")));
    assert(blasCandidates("darwin")[0].includes("Accelerate"));
    const saved = Deno.env.get("MICROGPT_BLAS");
    try {
      Deno.env.set("MICROGPT_BLAS", "/nonexistent/libblas.so");
      const missing = findBlas();
      assertEquals(missing.blas, null);
      assert(!missing.blas && missing.failures[0].startsWith("/nonexistent/libblas.so: "));
      Deno.env.set("MICROGPT_BLAS", path);
      assertEquals(findBlas().blas?.path, path);
    } finally {
      if (saved === undefined) Deno.env.delete("MICROGPT_BLAS");
      else Deno.env.set("MICROGPT_BLAS", saved);
    }
  },
});

Deno.test({
  name:
    "BLAS kernels on wasm: matMul and fused.matMul equal wasm's matMul (+ bias), batched and transposed",
  ignore: withoutBlas,
  async fn() {
    await initBackend("wasm");
    // m ≥ 16 rows go to BLAS; fewer stay on wasm's own kernel (the last two cases).
    const cases: [number[], number[], boolean, boolean][] = [
      [[17, 7], [7, 3], false, false],
      [[7, 17], [7, 3], true, false],
      [[17, 7], [3, 7], false, true],
      [[7, 17], [3, 7], true, true],
      [[2, 3, 17, 7], [2, 3, 7, 4], false, false],
      [[2, 3, 7, 17], [2, 3, 4, 7], true, true],
      [[4, 17, 7], [1, 7, 6], false, false], // a batch of one broadcast
      [[1, 7], [7, 5], false, false],
      [[2, 4, 1, 8], [2, 4, 8, 9], false, false],
    ];
    const inputs = cases.map(([aShape, bShape], i) => ({
      a: tf.tensor(randomArray(aShape.reduce((x, y) => x * y), 10 + i), aShape),
      b: tf.tensor(randomArray(bShape.reduce((x, y) => x * y), 20 + i), bShape),
    }));
    const bias = (i: number) => {
      const [, bShape, , transposeB] = cases[i];
      return tf.tensor1d(randomArray(transposeB ? bShape.at(-2)! : bShape.at(-1)!, 30 + i));
    };
    // The reference for the fused product is wasm's matMul plus an add: wasm 4.22's own fused kernel
    // adds the bias at the wrong places when transposeA is set, and cannot broadcast a batch of one.
    const run = async (fusedKernel: boolean) => {
      const plain = [], fused = [];
      for (let i = 0; i < cases.length; i++) {
        const [, , transposeA, transposeB] = cases[i];
        const { a, b } = inputs[i];
        plain.push(await tf.matMul(a, b, transposeA, transposeB).data());
        if (a.rank !== b.rank) continue;
        const product = fusedKernel
          ? tf.fused.matMul({ a, b, transposeA, transposeB, bias: bias(i) })
          : tf.add(tf.matMul(a, b, transposeA, transposeB), bias(i));
        fused.push(await product.data());
      }
      return { plain, fused };
    };
    const wasm = await run(false);
    const blas = testBlas();
    let calls = 0;
    registerBlasKernels({ ...blas, sgemm: (...args) => (calls++, blas.sgemm(...args)) });
    const onBlas = await run(true);
    assert(calls > 0, "the products of 16 rows or more ran on BLAS");
    calls = 0;
    tf.matMul(inputs[7].a, inputs[7].b).dispose();
    assertEquals(calls, 0, "a one-row product stays on wasm");
    wasm.plain.forEach((expected, i) => {
      assertEquals(onBlas.plain[i].length, expected.length);
      expected.forEach((value, j) =>
        assertAlmostEquals(onBlas.plain[i][j], value, 1e-5, `case ${i}`)
      );
    });
    wasm.fused.forEach((expected, i) => {
      expected.forEach((value, j) =>
        assertAlmostEquals(onBlas.fused[i][j], value, 1e-5, `fused ${i}`)
      );
    });
    tf.dispose(inputs.flatMap(({ a, b }) => [a, b]));
  },
});

Deno.test("exp32 and tanh32 agree with Math.exp and Math.tanh to float32 precision", () => {
  let worstExp = 0, worstTanh = 0;
  for (let i = 0; i <= 200_000; i++) {
    const x = -100 + i * 0.00094;
    const exact = Math.fround(Math.exp(x));
    if (exact > 1e-37) {
      worstExp = Math.max(worstExp, Math.abs(Math.fround(exp32(x)) - exact) / exact);
    }
    const y = -12 + i * 0.00012;
    worstTanh = Math.max(worstTanh, Math.abs(Math.fround(tanh32(y)) - Math.fround(Math.tanh(y))));
  }
  assert(worstExp < 2.5e-7, `exp32's worst relative error ${worstExp}`);
  assert(worstTanh < 5e-7, `tanh32's worst absolute error ${worstTanh}`);
  assertEquals(Math.fround(exp32(-1000)), 0);
  assertEquals(Math.fround(exp32(1000)), Infinity);
  assert(Number.isNaN(exp32(NaN)) && Number.isNaN(tanh32(NaN)));
  assertEquals(exp32(0), 1);
  assertEquals(tanh32(0), 0);
});
