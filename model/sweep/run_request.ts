import type { TrainRequest } from "../train/mod.ts";
import type { SweepModel } from "./family.ts";
import { SWEEP_CTX, type SweepHyperparameters } from "./hyperparameters.ts";

/**
 * The training request for `model` trained by the sweep's rule (`run`): batch, updates, peak rate,
 * warmup and a cosine that ends at the run's last step (a schedule longer than the run biases the
 * law: Hoffmann et al. 2022, §3.1), with evals over the whole val split. The sweep's runs and
 * `train --law` both train through this, so a law's prediction is for a run trained as it was measured.
 *
 * @example
 * ```ts
 * import { sweepModel } from "./family.ts";
 * import { sweepHyperparameters } from "./hyperparameters.ts";
 * import { sweepTrainRequest } from "./run_request.ts";
 * const model = sweepModel(4, 64, 512);
 * sweepTrainRequest(model, sweepHyperparameters(model, 1e6)).decaySteps; // 977, the last step
 * ```
 */
export function sweepTrainRequest(model: SweepModel, run: SweepHyperparameters): TrainRequest {
  const { batch, steps, lr, warmup, endLr } = run;
  return {
    layers: model.layers,
    modelD: model.modelD,
    heads: model.heads,
    ctx: SWEEP_CTX,
    batch,
    lr,
    warmup,
    endLr,
    decaySteps: steps,
    steps,
    // Four evals (and checkpoints) a run, each over the whole val split: the last is the fits' loss.
    evalEvery: Math.max(1, Math.ceil(steps / 4)),
    evalTokens: 0,
    keep: 1,
  };
}
