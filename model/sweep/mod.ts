/**
 * Measured scaling laws: an IsoFLOP sweep of the micro_gpt family on the user's store (`runSweep`:
 * the grid, every run as an ordinary run folder, `--jobs` processes at a time, resumable), the fits
 * of Approaches 2 and 3 written to law.json with two charts, and the use of such a law: the model
 * it picks for a budget and the val loss it predicts (`planWithLaw`), by default on the default
 * corpus's store (`defaultLawFor`).
 *
 * @example
 * ```ts
 * import { planSweep } from "./mod.ts";
 * const plan = planSweep({ budgets: [1e12, 3e12], sizes: 3, vocab: 512, trainTokens: 4.4e6 });
 * plan.runs.map((run) => run.model.params); // three sizes per budget around the expected optimum
 * ```
 *
 * @module
 */
export {
  closestSweepModel,
  SWEEP_LAYERS,
  SWEEP_MIN_WIDTH,
  SWEEP_WIDTH_STEP,
  sweepFamily,
  type SweepModel,
  sweepModel,
} from "./family.ts";
export {
  LR_AT_WIDTH_64,
  LR_WIDTH_EXPONENT,
  SWEEP_BATCH,
  SWEEP_CTX,
  type SweepHyperparameters,
  sweepHyperparameters,
} from "./hyperparameters.ts";
export {
  planSweep,
  SIZE_SPACING,
  type SweepCenterLaw,
  type SweepPlan,
  type SweepRequest,
  type SweepRunPlan,
} from "./plan.ts";
export { sweepTrainRequest } from "./run_request.ts";
export { expectedRunCost, longestFirst, PER_TOKEN_OVERHEAD_PARAMS } from "./run_order.ts";
export { type PoolRun, type RunJob, runPool } from "./run_pool.ts";
export { readOutcome, RESULT_FILE, type RunOutcome } from "./run_outcome.ts";
export {
  defaultJobs,
  measuredCenter,
  runSweep,
  type SweepOptions,
  type SweepProgress,
  type SweepResult,
} from "./run_sweep.ts";
export {
  fitLaw,
  type FitLawInput,
  fitSweep,
  type FitSweepInput,
  FRONTIER_CHART,
  ISOFLOP_CHART,
  LAW_FILE,
  lawRunOf,
  type SweepFit,
} from "./fit_sweep.ts";
export {
  type LawRun,
  type LawStore,
  lawStoreOf,
  type MeasuredLaw,
  parseLaw,
  readLaw,
  writeLaw,
} from "./law_file.ts";
export { checkLawStore, type LawBudget, type LawPlan, planWithLaw } from "./law_plan.ts";
export { DEFAULT_LAW_FILE, DEFAULT_LAW_SOURCE, defaultLawFor } from "./default_law.ts";
export { type LawTrainOptions, type LawTrainRequest, lawTrainRequest } from "./law_train.ts";
export { formatLawPlan, formatSweep, lawPlanToJson, sweepToJson } from "./report.ts";
export { frontierChartSvg, isoflopChartSvg } from "./charts.ts";
