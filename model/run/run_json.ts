/**
 * A run's JSON form: the model config and the training plan in snake_case (each field's own spelling,
 * `model_d`, `weight_decay`, ...), as every checkpoint stores them. The one place they are written and read.
 *
 * @module
 */
import { parseBlockKind } from "../../core/block_kind.ts";
import type { GptConfig } from "../gpt/config.ts";
import type { TrainPlan } from "../train/plan.ts";

/** A `GptConfig` as JSON. */
export interface GptConfigJson {
  layers: number;
  model_d: number;
  heads: number;
  vocab: number;
  ctx: number;
  /** `original` or `preln`; `seed`, the old name of `original`, is still read. */
  block: string;
}

/** A learning-rate schedule as JSON (optax's parameter names). */
export interface ScheduleJson {
  init_value: number;
  peak_value: number;
  warmup_steps: number;
  decay_steps: number;
  end_value: number;
  exponent: number;
}

/** A `TrainPlan` as JSON: its model, its schedule, and everything else under `training`. */
export interface TrainPlanJson {
  config: GptConfigJson;
  /** data, batch, accum, steps, weight_decay, clip, seed, eval_every, eval_tokens, keep. */
  training: Record<string, unknown>;
  schedule: ScheduleJson;
}

/** The JSON of a model config. */
export function gptConfigToJson(config: GptConfig): GptConfigJson {
  const { layers, modelD, heads, vocab, ctx, block } = config;
  return { layers, model_d: modelD, heads, vocab, ctx, block };
}

/** The model config a JSON describes; `source` (the file) names it in the error for an unknown block. */
export function gptConfigFromJson(json: GptConfigJson, source: string): GptConfig {
  return {
    layers: json.layers,
    modelD: json.model_d,
    heads: json.heads,
    vocab: json.vocab,
    ctx: json.ctx,
    block: parseBlockKind(json.block, `${source}: config.block`),
  };
}

/** The JSON of a training plan, as a checkpoint stores it. */
export function trainPlanToJson(plan: TrainPlan): TrainPlanJson {
  const { schedule } = plan;
  return {
    config: gptConfigToJson(plan.config),
    training: {
      data: plan.data,
      batch: plan.batch,
      accum: plan.accum,
      steps: plan.steps,
      weight_decay: plan.weightDecay,
      clip: plan.clip,
      seed: plan.seed,
      eval_every: plan.evalEvery,
      eval_tokens: plan.evalTokens,
      keep: plan.keep,
    },
    schedule: {
      init_value: schedule.initValue,
      peak_value: schedule.peakValue,
      warmup_steps: schedule.warmupSteps,
      decay_steps: schedule.decaySteps,
      end_value: schedule.endValue,
      exponent: schedule.exponent ?? 1,
    },
  };
}

/** The training plan a checkpoint's JSON stores; `source` is the file, for errors. */
export function trainPlanFromJson(json: TrainPlanJson, source: string): TrainPlan {
  const { training, schedule } = json;
  const n = (key: string) => Number(training[key]);
  return {
    data: String(training.data),
    config: gptConfigFromJson(json.config, source),
    batch: n("batch"),
    accum: n("accum"),
    steps: n("steps"),
    schedule: {
      initValue: schedule.init_value,
      peakValue: schedule.peak_value,
      warmupSteps: schedule.warmup_steps,
      decaySteps: schedule.decay_steps,
      endValue: schedule.end_value,
      exponent: schedule.exponent,
    },
    weightDecay: n("weight_decay"),
    clip: n("clip"),
    seed: n("seed"),
    evalEvery: n("eval_every"),
    evalTokens: n("eval_tokens"),
    keep: n("keep"),
  };
}
