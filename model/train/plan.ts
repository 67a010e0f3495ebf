import { UserError } from "../../core/user_error.ts";
import { type GptConfig, validateConfig } from "../gpt/config.ts";
import { preset } from "./presets.ts";
import { validateSchedule, type WarmupCosineSchedule } from "./schedule.ts";

/** What a user asks of a training run: every field optional; `planTraining` fills in the rest. */
export interface TrainRequest {
  /** The token store (a folder made by `deno task tokenize`). */
  data?: string;
  /** `exp1` or `exp2` (see `PRESETS`). */
  preset?: string;
  /** Blocks. */
  layers?: number;
  /** Model width. */
  modelD?: number;
  /** Attention heads. */
  heads?: number;
  /** Vocabulary; must equal the store's. */
  vocab?: number;
  /** Context length. */
  ctx?: number;
  /** Block wiring. */
  block?: GptConfig["block"];
  /** Windows per batch. */
  batch?: number;
  /** Peak learning rate. */
  lr?: number;
  /** Linear warmup steps. */
  warmup?: number;
  /** Step where the cosine reaches `endLr`. */
  decaySteps?: number;
  /** Final learning rate. */
  endLr?: number;
  /** AdamW's decoupled weight decay. */
  weightDecay?: number;
  /** Global-norm clipping threshold (0 = none). */
  clip?: number;
  /** Seeds the initial weights and the batch sampler. */
  seed?: number;
  /** Batches per update. */
  accum?: number;
  /** Optimizer updates (or `epochs`). */
  steps?: number;
  /** Passes over the train tokens (or `steps`). */
  epochs?: number;
  /** Steps between evals (and checkpoints). */
  evalEvery?: number;
  /** Val tokens per in-training eval (0 = all). */
  evalTokens?: number;
  /** Checkpoints kept (0 = all). */
  keep?: number;
}

/** Every setting of a run, resolved; stored in each checkpoint so `--resume` continues with the same. */
export interface TrainPlan {
  /** The token store. */
  data: string;
  /** The model. */
  config: GptConfig;
  /** Windows per batch (run as fewer per forward pass when the backend's memory requires). */
  batch: number;
  /** Batches per update: their gradients are averaged, as one batch of batch × accum windows. */
  accum: number;
  /** Total optimizer updates. */
  steps: number;
  /** The learning-rate schedule. */
  schedule: WarmupCosineSchedule;
  /** AdamW's decoupled weight decay. */
  weightDecay: number;
  /** Global-norm clipping threshold (0 = no clipping). */
  clip: number;
  /** Seeds the initial parameters (`Random(seed)`) and the batch sampler (`Random(seed + 1)`). */
  seed: number;
  /** Evaluate (and save a checkpoint) every this many steps, and at the end. */
  evalEvery: number;
  /** Predicted tokens per in-training eval (a fixed prefix of val; 0 = the whole split). */
  evalTokens: number;
  /** Checkpoints kept (0 = all). */
  keep: number;
}

/** The numbers the defaults need from the token store. */
export interface StoreFacts {
  path: string;
  vocabSize: number;
  trainTokens: number;
}

/** What a model size is chosen from: the train tokens, the epochs the run will make, the vocabulary. */
export interface SizeFacts {
  trainTokens: number;
  epochs: number;
  vocab: number;
}

/** A model size proposed for a store when no size flags are given, with the reason to print. */
export interface SizeChoice {
  /** Blocks. */
  layers: number;
  /** Model width. */
  modelD: number;
  /** Attention heads. */
  heads: number;
  /** One or more lines saying what was chosen and why. */
  explanation: string;
}

/** The context length when neither `--ctx` nor a preset gives one (the microGPT study does not state its own). */
export const DEFAULT_CTX = 128;
/** Windows per batch without a preset (exp2's 64 halved: CPU-class backends are the common case). */
export const DEFAULT_BATCH = 32;
/** Predicted tokens per in-training eval by default: enough for a stable figure, cheap next to training. */
export const DEFAULT_EVAL_TOKENS = 1 << 20;

/**
 * Resolves a request against a store: preset values, then flags on top; when neither a preset nor all of
 * `--layers`, `--model-d`, `--heads` are given, `chooseSize` proposes the model (the flags given still win).
 * The vocabulary defaults to the store's, and any other is refused. `--steps` or `--epochs` (an epoch is
 * train tokens / (batch × accum × ctx) updates; default 1, or the preset's) sets the length.
 *
 * Defaults without a preset: batch 32, ctx 128, peak lr 5e-4, warmup min(100, steps / 10), the cosine ends at
 * the last step, end lr 1e-5, weight decay 0.01, clip 1, seed 0, eval every min(500, ceil(steps / 10)).
 */
export function planTraining(
  request: TrainRequest,
  store: StoreFacts,
  chooseSize: (facts: SizeFacts) => SizeChoice,
  say: (line: string) => void = () => {},
): TrainPlan {
  const base = request.preset !== undefined ? preset(request.preset) : undefined;
  const vocab = request.vocab ?? base?.vocab ?? store.vocabSize;
  if (vocab !== store.vocabSize) {
    const flag = request.vocab !== undefined
      ? `--vocab ${vocab}`
      : `--preset ${request.preset} (vocab ${vocab})`;
    throw new UserError(
      `${flag} differs from the vocabulary of ${store.path} (${store.vocabSize} tokens): ` +
        `re-run deno task tokenize with --vocab ${vocab}, or drop the flag`,
    );
  }
  const ctx = request.ctx ?? base?.ctx ?? DEFAULT_CTX;
  const batch = request.batch ?? base?.batch ?? DEFAULT_BATCH;
  const accum = request.accum ?? 1;
  for (const [flag, value] of [["ctx", ctx], ["batch", batch], ["accum", accum]] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new UserError(`--${flag}: expected a whole number >= 1, got ${value}`);
    }
  }
  if (request.steps !== undefined && request.epochs !== undefined) {
    throw new UserError("--steps and --epochs: give one or the other");
  }
  const epochs = request.epochs ?? base?.epochs ?? 1;
  const tokensPerStep = batch * accum * ctx;
  const steps = request.steps ?? Math.max(1, Math.ceil(epochs * store.trainTokens / tokensPerStep));
  if (!Number.isInteger(steps) || steps < 1) {
    throw new UserError(`--steps: expected a whole number >= 1, got ${steps}`);
  }
  let size: { layers?: number; modelD?: number; heads?: number } = base ?? {};
  const allSizeFlags = [request.layers, request.modelD, request.heads].every((v) =>
    v !== undefined
  );
  if (!base && !allSizeFlags) {
    const choice = chooseSize({
      trainTokens: store.trainTokens,
      epochs: request.steps !== undefined ? steps * tokensPerStep / store.trainTokens : epochs,
      vocab,
    });
    say(choice.explanation);
    size = choice;
  }
  const config: GptConfig = {
    layers: request.layers ?? size.layers!,
    modelD: request.modelD ?? size.modelD!,
    heads: request.heads ?? size.heads!,
    vocab,
    ctx,
    block: request.block ?? "original",
  };
  validateConfig(config);
  const warmupSteps = request.warmup ?? base?.warmup ?? Math.min(100, Math.floor(steps / 10));
  const schedule: WarmupCosineSchedule = {
    initValue: 0,
    peakValue: request.lr ?? base?.lr ?? 5e-4,
    warmupSteps,
    decaySteps: request.decaySteps ?? base?.decaySteps ?? Math.max(steps, warmupSteps + 1),
    endValue: request.endLr ?? base?.endLr ?? 1e-5,
    exponent: 1,
  };
  validateSchedule(schedule);
  const plan: TrainPlan = {
    data: request.data ?? store.path,
    config,
    batch,
    accum,
    steps,
    schedule,
    weightDecay: request.weightDecay ?? base?.weightDecay ?? 0.01,
    clip: request.clip ?? base?.clip ?? 1,
    seed: request.seed ?? 0,
    evalEvery: request.evalEvery ?? Math.min(500, Math.ceil(steps / 10)),
    evalTokens: request.evalTokens ?? DEFAULT_EVAL_TOKENS,
    keep: request.keep ?? 3,
  };
  validatePlan(plan);
  return plan;
}

function validatePlan(plan: TrainPlan): void {
  const checks: [string, number, number][] = [
    ["weight-decay", plan.weightDecay, 0],
    ["clip", plan.clip, 0],
    ["eval-every", plan.evalEvery, 1],
    ["eval-tokens", plan.evalTokens, 0],
    ["keep", plan.keep, 0],
  ];
  for (const [flag, value, min] of checks) {
    if (!(value >= min) || !Number.isFinite(value)) {
      throw new UserError(`--${flag}: must be >= ${min}, got ${value}`);
    }
  }
  if (!Number.isSafeInteger(plan.seed)) {
    throw new UserError(`--seed: expected a whole number, got ${plan.seed}`);
  }
}

/**
 * On `--resume` the model stays as it is: flags that would change its shape (`--layers`, `--model-d`, `--heads`,
 * `--vocab`, `--ctx`, `--block`), `--seed` or `--preset` must agree with the run (a `UserError` otherwise). The
 * others replace the run's values: how long to go on (`--steps`, `--epochs`), how often to look, and the
 * optimisation settings (`--lr`, `--clip`, ...: to continue a run that stopped on a NaN with a gentler rate).
 * Returns the updated plan and one line per changed setting.
 */
export function resumePlan(
  plan: TrainPlan,
  request: TrainRequest,
  trainTokens: number,
  source: string,
): { plan: TrainPlan; changes: string[] } {
  const fixed: [string, unknown, unknown][] = [
    ["preset", request.preset, undefined],
    ["layers", request.layers, plan.config.layers],
    ["model-d", request.modelD, plan.config.modelD],
    ["heads", request.heads, plan.config.heads],
    ["vocab", request.vocab, plan.config.vocab],
    ["ctx", request.ctx, plan.config.ctx],
    ["block", request.block, plan.config.block],
    ["seed", request.seed, plan.seed],
  ];
  for (const [flag, given, planned] of fixed) {
    if (given !== undefined && given !== planned) {
      throw new UserError(
        `--${flag} ${given}: a resumed run keeps its model and seed (${source} has ${
          planned ?? "no preset"
        })`,
      );
    }
  }
  if (request.steps !== undefined && request.epochs !== undefined) {
    throw new UserError("--steps and --epochs: give one or the other");
  }
  const batch = request.batch ?? plan.batch, accum = request.accum ?? plan.accum;
  const tokensPerStep = batch * accum * plan.config.ctx;
  const updated: TrainPlan = {
    ...plan,
    data: request.data ?? plan.data,
    batch,
    accum,
    steps: request.steps ??
      (request.epochs !== undefined
        ? Math.ceil(request.epochs * trainTokens / tokensPerStep)
        : plan.steps),
    schedule: {
      ...plan.schedule,
      peakValue: request.lr ?? plan.schedule.peakValue,
      warmupSteps: request.warmup ?? plan.schedule.warmupSteps,
      decaySteps: request.decaySteps ?? plan.schedule.decaySteps,
      endValue: request.endLr ?? plan.schedule.endValue,
    },
    weightDecay: request.weightDecay ?? plan.weightDecay,
    clip: request.clip ?? plan.clip,
    evalEvery: request.evalEvery ?? plan.evalEvery,
    evalTokens: request.evalTokens ?? plan.evalTokens,
    keep: request.keep ?? plan.keep,
  };
  for (
    const [flag, value] of [["batch", batch], ["accum", accum], ["steps", updated.steps]] as const
  ) {
    if (!Number.isInteger(value) || value < 1) {
      throw new UserError(`--${flag}: expected a whole number >= 1, got ${value}`);
    }
  }
  validateSchedule(updated.schedule);
  validatePlan(updated);
  const changes: string[] = [];
  const compare = (flag: string, before: unknown, after: unknown) => {
    if (before !== after) changes.push(`--${flag}: ${before} -> ${after}`);
  };
  compare("data", plan.data, updated.data);
  compare("batch", plan.batch, updated.batch);
  compare("accum", plan.accum, updated.accum);
  compare("steps", plan.steps, updated.steps);
  compare("lr", plan.schedule.peakValue, updated.schedule.peakValue);
  compare("warmup", plan.schedule.warmupSteps, updated.schedule.warmupSteps);
  compare("decay-steps", plan.schedule.decaySteps, updated.schedule.decaySteps);
  compare("end-lr", plan.schedule.endValue, updated.schedule.endValue);
  compare("weight-decay", plan.weightDecay, updated.weightDecay);
  compare("clip", plan.clip, updated.clip);
  compare("eval-every", plan.evalEvery, updated.evalEvery);
  compare("eval-tokens", plan.evalTokens, updated.evalTokens);
  compare("keep", plan.keep, updated.keep);
  return { plan: updated, changes };
}
