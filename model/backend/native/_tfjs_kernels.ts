/**
 * TensorFlow.js's matrix kernels on the wasm backend, re-registered to call the platform's BLAS:
 * `BatchMatMul` (every `tf.matMul`, and the products of their gradients) and `_FusedMatMul`
 * (`tf.fused.matMul`: a product plus a bias). Every other kernel stays wasm's own.
 *
 * WHY the wasm backend: its tensors live in one wasm heap, so `cblas_sgemm` reads the inputs and
 * writes the output in place, with no copy (`typedArrayFromHeap`); its element-wise kernels are
 * SIMD, 10–20× the cpu backend's. The transposes tfjs asks for are folded into the BLAS call.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Blas } from "./blas.ts";

/** What the kernels use of tfjs-backend-wasm's backend object (its public methods). */
interface WasmBackend {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** What a kernel receives: its inputs by name, the backend, its attributes. */
type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
};

let registeredWith: Blas | null = null;
let originals: tf.KernelConfig[] = [];

/**
 * Re-registers `BatchMatMul` and `_FusedMatMul` for the wasm backend on `blas` (a later call
 * with another library replaces it). Products the BLAS path does not cover (non-float32
 * inputs, a fused activation other than linear, a bias not broadcast along the last axis) go to
 * wasm's own kernel.
 */
export function registerBlasKernels(blas: Blas): void {
  if (registeredWith === blas) return;
  if (registeredWith) unregisterBlasKernels();
  const wasmBatchMatMul = tf.getKernel("BatchMatMul", "wasm");
  const wasmFusedMatMul = tf.getKernel("_FusedMatMul", "wasm");
  if (!wasmBatchMatMul || !wasmFusedMatMul) {
    throw new Error("the wasm backend must be registered before its BLAS kernels");
  }
  replace(wasmBatchMatMul, (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const attrs = args.attrs as { transposeA: boolean; transposeB: boolean };
    if (a.dtype !== "float32" || b.dtype !== "float32" || fewRows(a, attrs.transposeA)) {
      return wasmBatchMatMul.kernelFunc(args as never) as tf.TensorInfo;
    }
    return product(blas, args.backend as WasmBackend, a, b, attrs.transposeA, attrs.transposeB);
  });
  replace(wasmFusedMatMul, (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as {
      a: tf.TensorInfo;
      b: tf.TensorInfo;
      bias?: tf.TensorInfo;
      preluActivationWeights?: tf.TensorInfo;
    };
    const attrs = args.attrs as {
      transposeA: boolean;
      transposeB: boolean;
      activation: string;
    };
    const lastAxis = bias && bias.shape.length > 0 ? bias.shape[bias.shape.length - 1] : 0;
    const biasAlongColumns = !bias ||
      (bias.shape.slice(0, -1).every((size) => size === 1) &&
        lastAxis === (attrs.transposeB ? b.shape[b.shape.length - 2] : b.shape.at(-1)));
    if (
      a.dtype !== "float32" || b.dtype !== "float32" || preluActivationWeights ||
      attrs.activation !== "linear" || !biasAlongColumns || fewRows(a, attrs.transposeA)
    ) {
      return wasmFusedMatMul.kernelFunc(args as never) as tf.TensorInfo;
    }
    return product(
      blas,
      args.backend as WasmBackend,
      a,
      b,
      attrs.transposeA,
      attrs.transposeB,
      bias,
    );
  });
  registeredWith = blas;
  originals = [wasmBatchMatMul, wasmFusedMatMul];
}

/** Puts wasm's own matrix kernels back (when another backend starts). */
export function unregisterBlasKernels(): void {
  for (const original of originals) {
    tf.unregisterKernel(original.kernelName, original.backendName);
    tf.registerKernel(original);
  }
  originals = [];
  registeredWith = null;
}

/**
 * Products of a few rows (a generated token's projections, m = 1) stay on wasm: there the cost is
 * the call, not the arithmetic, and BLAS's threads cost more than they save. Measured on
 * micro_gpt_4's generation with the KV cache: 103 tokens/s with every product on BLAS, 149 on
 * wasm alone.
 */
const MIN_BLAS_ROWS = 16;

function fewRows(a: tf.TensorInfo, transposeA: boolean): boolean {
  const rank = a.shape.length;
  return (transposeA ? a.shape[rank - 1] : a.shape[rank - 2]) < MIN_BLAS_ROWS;
}

function replace(original: tf.KernelConfig, kernelFunc: (args: KernelArgs) => tf.TensorInfo) {
  tf.unregisterKernel(original.kernelName, original.backendName);
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as tf.KernelFunc });
}

/**
 * op(a) · op(b) (+ bias along the columns), batched over the leading axes with broadcasting of a
 * batch of one: one `cblas_sgemm` per matrix of the batch, reading and writing the wasm heap.
 */
function product(
  blas: Blas,
  backend: WasmBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  bias?: tf.TensorInfo,
): tf.TensorInfo {
  const aRank = a.shape.length, bRank = b.shape.length;
  const m = transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2];
  const k = transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1];
  const kB = transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2];
  const n = transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1];
  if (k !== kB) {
    throw new Error(
      `matMul: inner sizes ${k} and ${kB} of shapes [${a.shape}] and [${b.shape}] differ ` +
        `(transposeA ${transposeA}, transposeB ${transposeB})`,
    );
  }
  const batchA = size(a.shape.slice(0, -2)), batchB = size(b.shape.slice(0, -2));
  const outerShape = tf.broadcast_util.assertAndGetBroadcastShape(
    a.shape.slice(0, -2),
    b.shape.slice(0, -2),
  );
  const batch = size(outerShape);
  if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) {
    throw new Error(`matMul: cannot broadcast batches of [${a.shape}] and [${b.shape}]`);
  }
  // Allocate first: a new output may grow the wasm memory, which detaches older views of it.
  const out = backend.makeOutput([...outerShape, m, n], "float32");
  const aValues = backend.typedArrayFromHeap(a);
  const bValues = backend.typedArrayFromHeap(b);
  const outValues = backend.typedArrayFromHeap(out);
  let beta = 0;
  if (bias) {
    const biasValues = backend.typedArrayFromHeap(bias);
    for (let row = 0; row < batch * m; row++) outValues.set(biasValues, row * n);
    beta = 1;
  }
  const lda = transposeA ? m : k, ldb = transposeB ? k : n;
  for (let i = 0; i < batch; i++) {
    blas.sgemm(
      transposeA,
      transposeB,
      m,
      n,
      k,
      1,
      aValues,
      batchA === 1 ? 0 : i * m * k,
      lda,
      bValues,
      batchB === 1 ? 0 : i * k * n,
      ldb,
      beta,
      outValues,
      i * m * n,
      n,
    );
  }
  return out;
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
