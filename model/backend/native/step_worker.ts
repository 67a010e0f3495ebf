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
import { flatLayout } from "./flat_parameters.ts";
import { GptEngine } from "./gpt_engine.ts";

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

/** The reply: Σ token losses of the pass, or the error that stopped it. */
export type StepWorkerReply = { ready: true } | { loss: number } | { error: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<StepWorkerInit | StepWorkerPass>) => void) | null;
  postMessage(message: StepWorkerReply): void;
}

const scope = self as unknown as WorkerScope;
let engine: GptEngine | null = null;
let grads: Float32Array | null = null;
let tokens: Int32Array | null = null;

scope.onmessage = (event) => {
  try {
    const message = event.data;
    if ("config" in message) {
      const blas = openBlas(message.blasPath);
      blas.setThreads(1); // each Worker is one core's share; the library's own threads would compete
      grads = new Float32Array(message.grads);
      tokens = new Int32Array(message.tokens);
      engine = new GptEngine(
        message.config,
        flatLayout(message.config),
        blas,
        new Float32Array(message.params),
        grads,
        message.maxWindows,
      );
      scope.postMessage({ ready: true });
      return;
    }
    if (!engine || !grads || !tokens) throw new Error("step worker: pass before init");
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
