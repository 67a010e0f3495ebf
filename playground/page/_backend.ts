/// <reference lib="dom" />
/**
 * The page's TensorFlow.js backend: WebGPU when the browser has an adapter, wasm otherwise (or the
 * one `?backend=webgpu|wasm` asks for). The native BLAS backend is Deno's alone.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-webgpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

/** Starts a backend; returns the line the page shows ("webgpu: …", "wasm (SIMD)"). */
export async function startPageBackend(wanted: string | null): Promise<string> {
  tf.enableProdMode();
  if (wanted !== null && wanted !== "webgpu" && wanted !== "wasm") {
    throw new Error(`?backend=${wanted}: the page runs on webgpu or wasm`);
  }
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  const adapter = wanted === "wasm" ? null : await gpu?.requestAdapter().catch(() => null);
  if (adapter) {
    if (!(await tf.setBackend("webgpu"))) throw new Error("WebGPU: TensorFlow.js did not start");
    const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    const name = info.description || [info.vendor, info.architecture].filter(Boolean).join(" ");
    if (info.isFallbackAdapter) {
      // As model/backend/init.ts does on Mesa's llvmpipe: the packed matMul program for one-row
      // products (on SwiftShader too: see docs/playground.md for the figures).
      tf.env().set("WEBGPU_MATMUL_PROGRAM_TYPE", 3); // MatMulProgramType.MatMulPackedProgram
    }
    return `webgpu: ${name || "adapter"}${info.isFallbackAdapter ? " (software fallback)" : ""}`;
  }
  if (wanted === "webgpu") throw new Error("?backend=webgpu: this browser has no WebGPU adapter");
  setWasmPaths("/wasm/"); // the server's copies of the package's .wasm files
  if (!(await tf.setBackend("wasm"))) throw new Error("wasm: TensorFlow.js did not start");
  const simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
  const threads = tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT");
  return `wasm (${simd ? "SIMD" : "no SIMD"}, ${threads ? "threads" : "1 thread"})`;
}
