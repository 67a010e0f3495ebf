import { UserError } from "../../core/user_error.ts";

/** A named set of training values that reproduces one of the microGPT study's experiments. */
export interface TrainPreset {
  /** Blocks. */
  layers: number;
  /** Model width. */
  modelD: number;
  /** Attention heads. */
  heads: number;
  /** Vocabulary (the store must have it). */
  vocab: number;
  /** Context length. The microGPT study does not state it; 128 is this toolkit's choice (see README). */
  ctx: number;
  /** Windows per batch. */
  batch: number;
  /** Peak learning rate. */
  lr: number;
  /** Linear warmup steps from 0. */
  warmup: number;
  /** Step where the cosine reaches `endLr`. */
  decaySteps: number;
  /** Final learning rate. */
  endLr: number;
  /** AdamW's decoupled weight decay. */
  weightDecay: number;
  /** Global-norm clipping threshold. */
  clip: number;
  /** Passes over the train tokens. */
  epochs: number;
}

// The microGPT study (JAX): both runs use micro_gpt_4 with AdamW (weight decay 0.01) after
// clip_by_global_norm(1.0), and warmup_cosine_decay_schedule(0, 5e-4, 100, decay_steps, 1e-5).
const studyTraining = {
  layers: 4,
  ctx: 128,
  lr: 5e-4,
  warmup: 100,
  endLr: 1e-5,
  weightDecay: 0.01,
  clip: 1,
};

/**
 * `--preset exp1` and `--preset exp2`: the microGPT study's two experiments (val perplexity 17.85 and 31.02 there).
 * Every value can still be overridden by its own flag.
 */
export const PRESETS: Readonly<Record<string, Readonly<TrainPreset>>> = {
  exp1: {
    ...studyTraining,
    heads: 8,
    batch: 128,
    decaySteps: 7600,
    modelD: 512,
    vocab: 9000,
    epochs: 60,
  },
  exp2: {
    ...studyTraining,
    heads: 12,
    batch: 64,
    decaySteps: 20000,
    modelD: 384,
    vocab: 8000,
    epochs: 100,
  },
};

/** The preset called `name`; a `UserError` naming `--preset` and the choices otherwise. */
export function preset(name: string): TrainPreset {
  const found = Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
  if (!found) {
    throw new UserError(
      `--preset: expected one of ${Object.keys(PRESETS).join(", ")}, got '${name}'`,
    );
  }
  return { ...found };
}
