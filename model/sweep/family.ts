import { defaultHeads, paramBreakdown } from "../../scaling/mod.ts";

/**
 * The models a sweep trains: micro_gpt_4 (the study's depth) at widths from 32 in steps of 8 up to
 * 64 and of 16 beyond; below micro_gpt_4 of width 32, that width with 3, 2 and 1 blocks; and below
 * those, one block of width 24 and of 16 with a single head, so a budget of a few 1e11 FLOPs (whose
 * optimum on a 512-token vocabulary is near 20k parameters) can still be straddled. Neighbouring
 * sizes are 1.1–1.7× apart, at most about one grid step (`SIZE_SPACING`), fine enough to space an
 * IsoFLOP grid evenly in log N. From width 32 on, heads are the divisor nearest head size 64
 * (`defaultHeads`, head size 32–128).
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
/** The narrowest width of the multi-block models (one head of size 32). */
export const SWEEP_MIN_WIDTH = 32;
/** The one-block, one-head models below `SWEEP_MIN_WIDTH`, narrowest first. */
export const SWEEP_NARROW_WIDTHS = [16, 24] as const;
/** Widths step by this beyond 64 (and by half of it up to 64, where a step of 16 doubles N). */
export const SWEEP_WIDTH_STEP = 16;

/** One model of the family. */
export function sweepModel(layers: number, modelD: number, vocab: number): SweepModel {
  const parts = paramBreakdown({ layers, modelD, vocab });
  return {
    layers,
    modelD,
    // Below width 32 no head count gives a head of 32–128: one head of the whole width.
    heads: modelD < SWEEP_MIN_WIDTH ? 1 : defaultHeads(modelD),
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
 * // [11_376, 19_368, 28_896, 41_408, 53_920, 66_432, 98_400, …, 350_400]:
 * // one block of width 16 and 24, 1–4 blocks of width 32, then 4 blocks of width 40 to 80
 * ```
 */
export function sweepFamily(vocab: number, maxParams: number): SweepModel[] {
  const models = SWEEP_NARROW_WIDTHS.map((modelD) => sweepModel(1, modelD, vocab));
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
