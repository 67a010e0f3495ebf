import { defaultHeads, paramBreakdown } from "../../scaling/mod.ts";

/**
 * The models a sweep trains: micro_gpt_4 (the study's depth) at widths from 32 in steps of 8 up to
 * 64 and of 16 beyond, and below micro_gpt_4 of width 32, that width with 3, 2 and 1 blocks. The
 * steps keep neighbouring sizes 1.1–1.5× apart, fine enough to space an IsoFLOP grid evenly in
 * log N; heads are the divisor nearest head size 64 (`defaultHeads`), so head size stays in 32–128.
 */
export interface SweepModel {
  /** Blocks. */
  layers: number;
  /** Width. */
  modelD: number;
  /** Attention heads. */
  heads: number;
  /** Vocabulary (the store's). */
  vocab: number;
  /** All parameters, embedding included: the N of the fits and of C = 6ND. */
  params: number;
  /** Parameters without the tied embedding (for the non-embedding fit beside the main one). */
  nonEmbeddingParams: number;
}

/** The depth of the family's models above width 32. */
export const SWEEP_LAYERS = 4;
/** The narrowest width (one head of size 32). */
export const SWEEP_MIN_WIDTH = 32;
/** Widths step by this beyond 64 (and by half of it up to 64, where a step of 16 doubles N). */
export const SWEEP_WIDTH_STEP = 16;

/** One model of the family. */
export function sweepModel(layers: number, modelD: number, vocab: number): SweepModel {
  const parts = paramBreakdown({ layers, modelD, vocab });
  return {
    layers,
    modelD,
    heads: defaultHeads(modelD),
    vocab,
    params: parts.total,
    nonEmbeddingParams: parts.nonVocab,
  };
}

/**
 * The family's models for `vocab` with up to `maxParams` parameters (and one beyond, so a target
 * near the top still has a model on each side), smallest first.
 *
 * @example
 * ```ts
 * import { sweepFamily } from "./family.ts";
 * sweepFamily(512, 300_000).map((model) => model.params);
 * // [28_896, 41_408, 53_920, 66_432, 136_512, 231_168, 350_400]: 1–4 blocks of width 32, then 4 of 48, 64, 80
 * ```
 */
export function sweepFamily(vocab: number, maxParams: number): SweepModel[] {
  const models: SweepModel[] = [];
  for (let layers = 1; layers < SWEEP_LAYERS; layers++) {
    models.push(sweepModel(layers, SWEEP_MIN_WIDTH, vocab));
  }
  for (
    let modelD = SWEEP_MIN_WIDTH;;
    modelD += modelD < 64 ? SWEEP_WIDTH_STEP / 2 : SWEEP_WIDTH_STEP
  ) {
    const model = sweepModel(SWEEP_LAYERS, modelD, vocab);
    models.push(model);
    if (model.params > maxParams) return models;
  }
}

/** The family's model closest to `targetParams` in ratio. */
export function closestSweepModel(targetParams: number, vocab: number): SweepModel {
  const family = sweepFamily(vocab, targetParams);
  const distance = (model: SweepModel) => Math.abs(Math.log(model.params / targetParams));
  return family.reduce((best, model) => distance(model) < distance(best) ? model : best);
}
