import type { SweepModel } from "./family.ts";

/** The length and optimiser settings of one sweep run (the rest are `deno task train`'s defaults). */
export interface SweepHyperparameters {
  /** Windows per batch. */
  batch: number;
  /** Updates. */
  steps: number;
  /** Training tokens: steps × batch × ctx (the tokens asked for, to within half an update). */
  tokens: number;
  /** Peak learning rate. */
  lr: number;
  /** Linear warmup steps. */
  warmup: number;
  /** The cosine's final learning rate: a tenth of the peak, as Hoffmann et al. (2022, §3) decay. */
  endLr: number;
}

/** The context length of every sweep run: the toolkit's default. */
export const SWEEP_CTX = 128;
/** Windows per batch of every run: 8 × 128 = 1,024 tokens an update. One batch for all, so the
 * loss at a budget is not stepped where the batch would change with N; and a small one, because at
 * these budgets the runs are short of updates, not of tokens per update (docs/sizing.md). */
export const SWEEP_BATCH = 8;
/** The peak learning rate at width 64; other widths scale it by (64 / d)^`LR_WIDTH_EXPONENT`.
 * Half the rate that was best on a grid of 5 rates × 2 widths (`deno task bench sweep --parts lr`):
 * that one diverged a long run (docs/sizing.md, "What the sweep of the default store measured"). */
export const LR_AT_WIDTH_64 = 4e-3;
/** How the peak learning rate falls with the width. */
export const LR_WIDTH_EXPONENT = 0.5;

/**
 * The run the sweep's rule makes of `model` and `tokens` training tokens: batches of
 * `SWEEP_BATCH` windows, a peak rate that falls with the width, a warmup of 5% of the run (at most
 * 100 updates) and a cosine to a tenth of the peak at the run's last step. Every sweep run follows
 * it, and so does `train --law`.
 *
 * @example
 * ```ts
 * import { sweepModel } from "./family.ts";
 * import { sweepHyperparameters } from "./hyperparameters.ts";
 * const run = sweepHyperparameters(sweepModel(4, 64, 512), 1e6);
 * [run.batch, run.steps, run.lr]; // [8, 977, 0.004]
 * ```
 */
export function sweepHyperparameters(model: SweepModel, tokens: number): SweepHyperparameters {
  const batch = SWEEP_BATCH;
  const steps = Math.max(1, Math.round(tokens / (batch * SWEEP_CTX)));
  const lr = LR_AT_WIDTH_64 * (64 / model.modelD) ** LR_WIDTH_EXPONENT;
  return {
    batch,
    steps,
    tokens: steps * batch * SWEEP_CTX,
    lr,
    warmup: Math.min(100, Math.floor(steps / 20)),
    endLr: lr / 10,
  };
}
