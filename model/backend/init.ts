import * as tf from "@tensorflow/tfjs-core";
import { UserError } from "../../core/user_error.ts";

/** A TensorFlow.js backend the toolkit runs on. */
export type Backend = "webgpu" | "wasm" | "cpu";

/** The backends in the order `--help` lists them. */
export const BACKENDS: readonly Backend[] = ["webgpu", "wasm", "cpu"];

/** Checks a `--backend` value; a `UserError` naming the flag otherwise. */
export function parseBackend(value: unknown): Backend {
  if (BACKENDS.includes(value as Backend)) return value as Backend;
  throw new UserError(`--backend: expected one of ${BACKENDS.join(", ")}, got '${value}'`);
}

/**
 * Makes `backend` the active TensorFlow.js backend and returns a one-line description of it
 * (for WebGPU the adapter's own description, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)").
 * Only the requested backend's package is loaded. A backend that cannot start is a `UserError`.
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
export async function initBackend(backend: Backend): Promise<string> {
  // Production mode only silences tfjs's console warnings, chiefly the banner that advises Node.js
  // users to install tfjs-node (which Deno cannot load); errors still throw.
  tf.enableProdMode();
  switch (backend) {
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
            "use --backend wasm or cpu",
        );
      }
      ensureRuntimeDir();
      const adapter = await gpu.requestAdapter();
      if (!adapter) {
        throw new UserError(
          "--backend webgpu: no WebGPU adapter found (no GPU and no software adapter); " +
            "use --backend wasm or cpu",
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
      const name = info.description || [info.vendor, info.device].filter(Boolean).join(" ") ||
        "unknown adapter";
      return `webgpu: ${name}${info.isFallbackAdapter ? " (software fallback adapter)" : ""}`;
    }
    default:
      throw new UserError(`unknown backend '${backend}'`);
  }
}

async function activate(name: Backend): Promise<void> {
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
