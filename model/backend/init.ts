import * as tf from "@tensorflow/tfjs-core";
import { UserError } from "../../core/user_error.ts";
import { type BlasProbe, probeBlas, startNative, stopNative } from "./native/native_backend.ts";

/**
 * A backend the toolkit runs on: TensorFlow.js's webgpu, wasm or cpu, or `native` (wasm with its
 * matrix products on the platform's BLAS and the hand-written training passes, `native/`).
 */
export type Backend = "webgpu" | "native" | "wasm" | "cpu";

/** What `--backend` accepts: a backend, or `auto` (see `chooseBackend`). */
export type BackendChoice = Backend | "auto";

/** The choices in the order `--help` lists them. */
export const BACKENDS: readonly BackendChoice[] = ["auto", "webgpu", "native", "wasm", "cpu"];

/** Checks a `--backend` value; a `UserError` naming the flag otherwise. */
export function parseBackend(value: unknown): BackendChoice {
  if (BACKENDS.includes(value as BackendChoice)) return value as BackendChoice;
  throw new UserError(`--backend: expected one of ${BACKENDS.join(", ")}, got '${value}'`);
}

/** What `auto` picked, and why, in words for the user's first line. */
export interface BackendPick {
  backend: Backend;
  reason: string;
  /** The BLAS search behind the pick, reused by `native` so the library is looked up once. */
  blas?: BlasProbe;
}

/**
 * The fastest backend this machine has: WebGPU when the adapter is a real GPU (not the software
 * fallback, which runs at a few GFLOP/s), else `native` when a BLAS library loads, else wasm.
 */
export async function chooseBackend(): Promise<BackendPick> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  let noGpu = "no WebGPU in this Deno";
  if (gpu) {
    ensureRuntimeDir();
    const adapter = await gpu.requestAdapter().catch(() => null);
    const info = adapter?.info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined;
    if (adapter && info && !info.isFallbackAdapter) {
      return { backend: "webgpu", reason: "a GPU adapter" };
    }
    noGpu = adapter && info
      ? `no GPU: the WebGPU adapter, ${adapterName(info)}, is a software fallback`
      : "no WebGPU adapter";
  }
  const blas = probeBlas();
  if (blas.blas) return { backend: "native", reason: `${noGpu}; BLAS loaded`, blas };
  return { backend: "wasm", reason: `${noGpu}; ${blas.reason}`, blas };
}

/**
 * Makes `backend` the active backend and returns a one-line description of it (for WebGPU the
 * adapter's own description, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)"; for `auto`, what it picked
 * and why). Only the requested backend's package is loaded. A backend that cannot start is a
 * `UserError`.
 *
 * On WebGPU, `Tensor.dataSync()` does not work under Deno (it needs an OffscreenCanvas):
 * read tensors with `await tensor.data()`.
 *
 * @example
 * ```ts
 * import { initBackend } from "./init.ts";
 * console.error(`backend: ${await initBackend("wasm")}`);
 * ```
 */
export async function initBackend(choice: BackendChoice): Promise<string> {
  if (choice === "auto") {
    const pick = await chooseBackend();
    return `${await startBackend(pick.backend, pick.blas)}; picked by auto (${pick.reason})`;
  }
  return await startBackend(choice);
}

async function startBackend(backend: Backend, blas?: BlasProbe): Promise<string> {
  // Production mode only silences tfjs's console warnings, chiefly the banner that advises Node.js
  // users to install tfjs-node (which Deno cannot load); errors still throw.
  tf.enableProdMode();
  if (backend !== "native") stopNative();
  switch (backend) {
    case "native": {
      const probe = blas ?? probeBlas();
      if (!probe.blas) throw new UserError(`--backend native: ${probe.reason}`);
      await startBackend("wasm");
      return startNative(probe);
    }
    case "cpu": {
      await import("@tensorflow/tfjs-backend-cpu");
      await activate("cpu");
      return "cpu (TensorFlow.js JavaScript kernels)";
    }
    case "wasm": {
      const wasm = await import("@tensorflow/tfjs-backend-wasm");
      // The multi-threaded build cannot start its Workers under Deno (ERR_WORKER_PATH): one thread.
      tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
      wasm.setWasmPaths(wasmDistFolder());
      await activate("wasm");
      const simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
      return `wasm (TensorFlow.js ${simd ? "SIMD" : "no SIMD"}, 1 thread)`;
    }
    case "webgpu": {
      const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
      if (!gpu) {
        throw new UserError(
          "--backend webgpu: WebGPU is not available in this Deno (navigator.gpu is missing); " +
            "use --backend auto, native or wasm",
        );
      }
      ensureRuntimeDir();
      const adapter = await gpu.requestAdapter();
      if (!adapter) {
        throw new UserError(
          "--backend webgpu: no WebGPU adapter found (no GPU and no software adapter); " +
            "use --backend auto, native or wasm",
        );
      }
      await import("@tensorflow/tfjs-backend-webgpu");
      await activate("webgpu");
      const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
      if (info.isFallbackAdapter) {
        // On the software adapter (Mesa llvmpipe) tfjs's matMul heuristic picks slow programs for
        // one-row products: forcing the packed 32×32-tile program halved the time per generated
        // token (micro_gpt_4: 290 → 150 ms) and left the large training products as they were.
        tf.env().set("WEBGPU_MATMUL_PROGRAM_TYPE", 3); // MatMulProgramType.MatMulPackedProgram
      }
      return `webgpu: ${adapterName(info)}${
        info.isFallbackAdapter ? " (software fallback adapter)" : ""
      }`;
    }
    default:
      throw new UserError(`unknown backend '${backend}'`);
  }
}

function adapterName(info: GPUAdapterInfo): string {
  return info.description || [info.vendor, info.device].filter(Boolean).join(" ") ||
    "unknown adapter";
}

async function activate(name: "webgpu" | "wasm" | "cpu"): Promise<void> {
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch (error) {
    throw new UserError(`--backend ${name}: failed to start (${(error as Error).message})`);
  }
  if (!ok || tf.getBackend() !== name) {
    throw new UserError(`--backend ${name}: TensorFlow.js could not initialise this backend`);
  }
}

/** The folder of the wasm package's .wasm files (node_modules/@tensorflow/tfjs-backend-wasm/dist/). */
function wasmDistFolder(): string {
  const entry = import.meta.resolve("@tensorflow/tfjs-backend-wasm");
  if (!entry.startsWith("file:")) {
    throw new UserError(
      `--backend wasm: cannot locate the package's .wasm files (resolved to ${entry}); ` +
        `set "nodeModulesDir": "auto" in deno.json`,
    );
  }
  const url = new URL(entry);
  return decodeURIComponent(new URL(".", url).pathname);
}

// Mesa's Vulkan loader prints "XDG_RUNTIME_DIR is invalid" on every start when the variable is
// unset (as in CI and under sudo); a private folder of our own keeps stderr for our progress bars.
function ensureRuntimeDir(): void {
  if (Deno.env.get("XDG_RUNTIME_DIR")) return;
  const dir = `${Deno.env.get("TMPDIR") ?? "/tmp"}/xdg-runtime-${Deno.uid() ?? "user"}`;
  try {
    Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
    Deno.env.set("XDG_RUNTIME_DIR", dir);
  } catch {
    // Only a cosmetic warning is at stake: leave the environment as it is.
  }
}
