import * as tf from "@tensorflow/tfjs-core";
import { clipByGlobalNorm, globalNorm } from "./clip.ts";
import type { GptModel } from "../gpt/gpt.ts";
import type { AdamW } from "./optimizer.ts";

/** The shape of one update: `accum` batches of `batch` windows of `ctx + 1` tokens. */
export interface StepShape {
  /** Windows per batch. */
  batch: number;
  /** Context length (each window holds ctx + 1 tokens). */
  ctx: number;
  /** Batches per update. */
  accum: number;
  /** Global-norm clipping threshold (0 = none). */
  clip: number;
  /** Windows per forward pass (a divisor of `batch`; default `batch`): what the backend's memory allows. */
  microBatch?: number;
}

/** What one update measured. `applied` is false when the loss or norm was not finite (no update made). */
export interface StepOutcome {
  /** Mean cross-entropy over the step's tokens, before the update (nats). */
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Whether the update was made. */
  applied: boolean;
}

/**
 * One optimizer update: the loss and gradients averaged over `accum` batches (each from `nextBatch`:
 * `batch` × (`ctx` + 1) ids, row-major; each run as forward passes of `microBatch` windows), clipped by global
 * norm, then AdamW with rate `lr`. A non-finite loss or gradient norm skips the update, so the parameters stay
 * those of the last good step. Leaves no tensors behind.
 */
export async function trainStep(
  model: GptModel,
  optimizer: AdamW,
  shape: StepShape,
  lr: number,
  nextBatch: () => Promise<Int32Array>,
): Promise<StepOutcome> {
  const { loss, gradients } = await averagedGradients(model, shape, nextBatch);
  const { clipped, norm } = shape.clip > 0
    ? clipByGlobalNorm(gradients, shape.clip)
    : { clipped: gradients, norm: globalNorm(gradients.values()) };
  try {
    // await data(), not dataSync(): WebGPU under Deno cannot read synchronously.
    const [[lossValue], [normValue]] = await Promise.all([loss.data(), norm.data()]);
    const finite = Number.isFinite(lossValue) && Number.isFinite(normValue);
    if (finite) optimizer.update(model.params, clipped, lr);
    return { loss: lossValue, gradNorm: normValue, applied: finite };
  } finally {
    tf.dispose([loss, norm, ...gradients.values()]);
    if (clipped !== gradients) tf.dispose([...clipped.values()]);
  }
}

/**
 * Loss and gradients of one update: the mean over `accum` × `batch / microBatch` forward passes (equal sizes,
 * so the mean of their means is the mean over all their tokens: the same update as one batch of
 * batch × accum windows).
 */
async function averagedGradients(
  model: GptModel,
  shape: StepShape,
  nextBatch: () => Promise<Int32Array>,
): Promise<{ loss: tf.Scalar; gradients: Map<string, tf.Tensor> }> {
  const { batch, ctx, accum } = shape;
  const micro = shape.microBatch ?? batch;
  if (!(micro >= 1 && batch % micro === 0)) {
    throw new RangeError(`microBatch ${micro} does not divide batch ${batch}`);
  }
  const passes = accum * (batch / micro);
  const variables = [...model.params.values()];
  const names = [...model.params.keys()];
  let lossSum: tf.Scalar | undefined;
  let sums: tf.Tensor[] | undefined;
  for (let a = 0; a < accum; a++) {
    const ids = await nextBatch();
    for (let first = 0; first < batch; first += micro) {
      const rows = ids.subarray(first * (ctx + 1), (first + micro) * (ctx + 1));
      const result = tf.tidy(() => {
        const all = tf.tensor2d(rows, [micro, ctx + 1], "int32");
        const inputs = tf.slice(all, [0, 0], [micro, ctx]) as tf.Tensor2D;
        const targets = tf.slice(all, [0, 1], [micro, ctx]) as tf.Tensor2D;
        return tf.variableGrads(() => model.loss(inputs, targets), variables);
      });
      const grads = variables.map((v) => result.grads[v.name]);
      if (!lossSum || !sums) {
        lossSum = result.value;
        sums = grads;
      } else {
        const previous = [lossSum, ...sums];
        lossSum = tf.add(lossSum, result.value);
        sums = sums.map((sum, i) => tf.add(sum, grads[i]));
        tf.dispose([...previous, result.value, ...grads]);
      }
    }
  }
  if (passes === 1) {
    return { loss: lossSum!, gradients: new Map(names.map((name, i) => [name, sums![i]])) };
  }
  const scale = tf.scalar(1 / passes);
  const loss = tf.mul(lossSum!, scale) as tf.Scalar;
  const gradients = new Map(names.map((name, i) => [name, tf.mul(sums![i], scale)]));
  tf.dispose([scale, lossSum!, ...sums!]);
  return { loss, gradients };
}
