/**
 * How the loop makes an update on the active backend: TensorFlow.js's autodiff (`trainStep`), or
 * on the native backend the hand-written passes split across the cores (`NativeTrainer`), whose
 * parameters the loop copies back into the model before a checkpoint or an evaluation.
 */
import type { GptModel } from "../gpt/gpt.ts";
import { activeBlas } from "../backend/native/native_backend.ts";
import { NativeTrainer } from "../backend/native/native_trainer.ts";
import type { AdamW } from "./optimizer.ts";
import { type StepOutcome, type StepShape, trainStep } from "./step.ts";

/** One update at a time, whatever runs it. */
export interface Stepper {
  /** One update (see `trainStep`). */
  step(shape: StepShape, lr: number, nextBatch: () => Promise<Int32Array>): Promise<StepOutcome>;
  /** Brings the model's and the optimizer's tensors up to date (before a checkpoint). */
  sync(): void;
  /** The native trainer, for evaluating with the same threads; null on tfjs. */
  native: NativeTrainer | null;
  /** One line for the log: how the updates run. */
  description: string;
  /** Stops Workers, if any. */
  dispose(): void;
}

/** The stepper of the active backend for `batch` windows a batch; `threads` for the native path. */
export async function createStepper(
  model: GptModel,
  optimizer: AdamW,
  batch: number,
  threads?: number,
): Promise<Stepper> {
  const blas = activeBlas();
  if (!blas) {
    return {
      step: (shape, lr, nextBatch) => trainStep(model, optimizer, shape, lr, nextBatch),
      sync: () => {},
      native: null,
      description: "updates: TensorFlow.js autodiff on the active backend",
      dispose: () => {},
    };
  }
  const native = await NativeTrainer.create(model, optimizer, blas, { batch, threads });
  const count = native.threadCount;
  return {
    step: (shape, lr, nextBatch) => native.step(shape, lr, nextBatch),
    sync: () => native.writeBack(),
    native,
    description: `updates: native passes, each batch split across ${count} thread${
      count === 1 ? "" : "s"
    } (one core each)`,
    dispose: () => native.dispose(),
  };
}
