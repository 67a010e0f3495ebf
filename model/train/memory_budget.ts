import * as tf from "@tensorflow/tfjs-core";
import { UserError } from "../../core/user_error.ts";
import type { GptConfig } from "../gpt/config.ts";
import { activeBlas } from "../backend/native/native_backend.ts";

/** What the active backend can hold: the largest single tensor, and all of one step's activations. */
export interface MemoryLimits {
  largestTensorBytes: number;
  stepBytes: number;
  /** Where the limits come from, for messages. */
  source: string;
}

// tfjs-backend-wasm is a 32-bit WebAssembly module: its heap cannot pass 4 GiB, and the estimate below is rough.
const WASM_STEP_BYTES = 1.5 * 2 ** 30;

/**
 * The limits of the active TensorFlow.js backend. WebGPU: a tensor must fit the device's
 * `maxStorageBufferBindingSize` (128 MiB on Mesa's llvmpipe; beyond it the kernels read and write zeros, with no
 * error), and a step half the system's available memory. wasm: 1.5 GiB a step (a 32-bit heap). cpu and native
 * (whose passes keep their activations in plain ArrayBuffers, outside the wasm heap): half the available memory.
 */
export function backendLimits(): MemoryLimits {
  const available = Deno.systemMemoryInfo().available;
  const backend = activeBlas() ? "native" : tf.getBackend();
  if (backend === "webgpu") {
    const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
    const binding = device?.limits.maxStorageBufferBindingSize ?? 128 * 2 ** 20;
    const buffer = device?.limits.maxBufferSize ?? binding;
    return {
      largestTensorBytes: Math.min(binding, buffer),
      stepBytes: available / 2,
      source: `the WebGPU device's ${formatBytes(Math.min(binding, buffer))} storage binding limit`,
    };
  }
  if (backend === "wasm") {
    return {
      largestTensorBytes: WASM_STEP_BYTES,
      stepBytes: WASM_STEP_BYTES,
      source: "the wasm backend's 32-bit heap",
    };
  }
  return {
    largestTensorBytes: 2 ** 31,
    stepBytes: available / 2,
    source: "half the available memory",
  };
}

/**
 * Rough float32 memory of one forward + backward pass over `rows` windows: the largest tensor (logits
 * rows·ctx·vocab, attention scores rows·heads·ctx², or the FFN's rows·ctx·4d) and everything kept for the
 * backward pass (per token and layer about 30·d + 4·heads·ctx floats, plus 4·vocab for the logits, softmax and
 * their gradients).
 */
export function stepMemory(config: GptConfig, rows: number): { largest: number; total: number } {
  const { ctx, vocab, modelD: d, heads, layers } = config;
  const tokens = rows * ctx;
  const largest = 4 * Math.max(tokens * vocab, rows * heads * ctx * ctx, tokens * 4 * d);
  const total = 4 * tokens * (layers * (30 * d + 4 * heads * ctx) + 4 * vocab);
  return { largest, total };
}

/**
 * Windows per forward pass: the largest divisor of `batch` whose pass fits `limits`, so a batch too big for the
 * backend runs as equal micro-batches with their gradients averaged (the same update). With `anySize` (eval,
 * where passes need not be equal) the largest count up to `batch`. A `UserError` when one window does not fit.
 */
export function microBatchFor(
  config: GptConfig,
  batch: number,
  limits: MemoryLimits,
  anySize = false,
): number {
  for (let rows = batch; rows >= 1; rows--) {
    if (!anySize && batch % rows !== 0) continue;
    const { largest, total } = stepMemory(config, rows);
    if (largest <= limits.largestTensorBytes && total <= limits.stepBytes) return rows;
  }
  const { largest, total } = stepMemory(config, 1);
  throw new UserError(
    `--ctx ${config.ctx} with vocab ${config.vocab}: one window needs about ${
      formatBytes(total)
    } ` +
      `(largest tensor ${formatBytes(largest)}), more than ${limits.source} allows; lower --ctx`,
  );
}

function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30
    ? `${(bytes / 2 ** 30).toFixed(1)} GiB`
    : `${Math.round(bytes / 2 ** 20)} MiB`;
}
