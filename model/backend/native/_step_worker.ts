/**
 * A Worker of the native trainer: one replica of the GPT's passes (`GptEngine`) on the shared
 * parameters, adding its share of a batch's gradients into its own shared gradient buffer.
 *
 * Messages in: `StepWorkerInit` once, then `StepWorkerPass`; out: `StepWorkerReply` per message.
 *
 * @module
 */
import type { GptConfig } from "../../gpt/config.ts";
import { openBlas } from "./blas.ts";
import { flatLayout } from "./_flat_parameters.ts";
import { GptEngine } from "./_gpt_engine.ts";
import { type AdamWState, adamwUpdate } from "./_optimizer_kernels.ts";

/** The first message: what to build. */
export interface StepWorkerInit {
  config: GptConfig;
  blasPath: string;
  /** The parameters (read only here), float32, in flat layout order. */
  params: SharedArrayBuffer;
  /** This worker's gradients, float32, in flat layout order. */
  grads: SharedArrayBuffer;
  /** The batch's token windows, int32, ctx + 1 per window. */
  tokens: SharedArrayBuffer;
  /** The most windows one pass of this worker handles. */
  maxWindows: number;
  /** The summed gradients (the main thread's buffer) and AdamW's moments, for `StepWorkerUpdate`. */
  optimizer: { grads: SharedArrayBuffer; mu: SharedArrayBuffer; nu: SharedArrayBuffer } | null;
}

/** One pass: windows first … first + windows − 1 of the shared token buffer. */
export interface StepWorkerPass {
  first: number;
  windows: number;
  /** Multiplies the loss whose gradient is added (1 / the update's token count). */
  gradientScale: number;
  /** Zero the gradient buffer first (the first pass of an update). */
  zeroGradients: boolean;
  /** Forward only (evaluation): no gradient. */
  forwardOnly: boolean;
}

/** This worker's share of an AdamW update: parameters [from, to) (see `adamwUpdate`). */
export interface StepWorkerUpdate {
  update: AdamWState & { from: number; to: number; t: number; lr: number; gradientScale: number };
}

/** The reply: Σ token losses of the pass, done (an update), or the error that stopped it. */
export type StepWorkerReply =
  | { ready: true }
  | { loss: number }
  | { updated: true }
  | { error: string };

interface WorkerScope {
  onmessage:
    | ((event: MessageEvent<StepWorkerInit | StepWorkerPass | StepWorkerUpdate>) => void)
    | null;
  postMessage(message: StepWorkerReply): void;
}

const scope = self as unknown as WorkerScope;
let engine: GptEngine | null = null;
let grads: Float32Array | null = null;
let tokens: Int32Array | null = null;
let params: Float32Array | null = null;
let optimizer: { grads: Float32Array; mu: Float32Array; nu: Float32Array } | null = null;

scope.onmessage = (event) => {
  try {
    const message = event.data;
    if ("config" in message) {
      const blas = openBlas(message.blasPath);
      blas.setThreads(1); // each Worker is one core's share; the library's own threads would compete
      grads = new Float32Array(message.grads);
      tokens = new Int32Array(message.tokens);
      params = new Float32Array(message.params);
      const shared = message.optimizer;
      optimizer = shared && {
        grads: new Float32Array(shared.grads),
        mu: new Float32Array(shared.mu),
        nu: new Float32Array(shared.nu),
      };
      engine = new GptEngine(
        message.config,
        flatLayout(message.config),
        blas,
        params,
        grads,
        message.maxWindows,
      );
      scope.postMessage({ ready: true });
      return;
    }
    if (!engine || !grads || !tokens || !params) throw new Error("step worker: pass before init");
    if ("update" in message) {
      if (!optimizer) throw new Error("step worker: an update without an optimizer");
      const { from, to, t, lr, gradientScale } = message.update;
      adamwUpdate(
        params,
        optimizer.grads,
        optimizer.mu,
        optimizer.nu,
        message.update,
        t,
        lr,
        gradientScale,
        from,
        to,
      );
      scope.postMessage({ updated: true });
      return;
    }
    if (message.forwardOnly) {
      scope.postMessage({ loss: engine.loss(tokens, message.first, message.windows) });
      return;
    }
    if (message.zeroGradients) grads.fill(0);
    const loss = engine.forwardBackward(
      tokens,
      message.first,
      message.windows,
      message.gradientScale,
    );
    scope.postMessage({ loss });
  } catch (error) {
    scope.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
