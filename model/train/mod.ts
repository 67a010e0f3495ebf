/**
 * Training: AdamW, the warmup-cosine schedule, clipping by global norm, one step (`step.ts`), the plan a
 * request resolves to (`plan.ts`, with the presets and the scaling laws' size choice), the memory budget
 * that splits a batch, how a run starts or resumes (`start.ts`), and the loop (`loop.ts`).
 *
 * @module
 */
export { AdamW, type AdamWOptions } from "./optimizer.ts";
export { learningRate, validateSchedule, type WarmupCosineSchedule } from "./schedule.ts";
export { clipByGlobalNorm, globalNorm } from "./clip.ts";
export { type StepOutcome, type StepShape, trainStep } from "./step.ts";
export { preset, PRESETS, type TrainPreset } from "./presets.ts";
export {
  planTraining,
  resumePlan,
  type SizeChoice,
  type SizeFacts,
  type TrainPlan,
  type TrainRequest,
} from "./plan.ts";
export {
  DEFAULT_DATA,
  type StepProgress,
  train,
  type TrainOptions,
  type TrainResult,
} from "./loop.ts";
export { backendLimits, type MemoryLimits, microBatchFor, stepMemory } from "./memory_budget.ts";
export { chooseModelForStore } from "./size_choice.ts";
