import { UserError } from "../../core/user_error.ts";
import {
  effectiveTokens,
  EXTRAPOLATION_LIMIT,
  parametricFrontier,
  scalingLaw,
} from "../../scaling/mod.ts";
import {
  approach3LossFit,
  type Estimate,
  optimalParamsAt,
  predictLossWithInterval,
} from "../../scaling/fit/mod.ts";
import { closestSweepModel, type SweepModel } from "./family.ts";
import { type SweepHyperparameters, sweepHyperparameters } from "./hyperparameters.ts";
import type { LawStore, MeasuredLaw } from "./law_file.ts";

/** A budget for a measured law: FLOPs, or unique train tokens seen once. */
export type LawBudget = { flops: number } | { tokens: number };

/** The model a measured law picks for a budget, how long to train it, and the loss it predicts. */
export interface LawPlan {
  /** Where the law came from (a path, or "the default corpus's measured law"). */
  lawSource: string;
  /** The budget in FLOPs: given, or the one at which the given tokens are compute-optimal. */
  flops: number;
  /** Approach 3's N_opt(C). */
  paramsOptimal: number;
  /** Approach 3's D_opt(C). */
  tokensOptimal: number;
  /** Approach 2's N_opt(C), for comparison (its power law, with its bootstrap interval); null when
   * the sweep could not fit it. */
  paramsOptimalApproach2: Estimate | null;
  /** The sweep family's model closest to N_opt. */
  model: SweepModel;
  /** Updates of the sweep's batch. */
  steps: number;
  /** The sweep's rule for this run: batch, updates, rates. */
  run: SweepHyperparameters;
  /** Tokens trained: steps × batch × ctx (C / 6N for a FLOP budget; the tokens for a token budget). */
  tokens: number;
  /** The store's train tokens, when known: beyond them, tokens repeat. */
  uniqueTokens: number;
  /** Predicted val loss (nats per token of the law's tokenizer) with its 95% bootstrap interval;
   * null when none can be true of the run. */
  predictedLoss: Estimate | null;
  /** The same in bits per byte of the law's val split; null with it. */
  predictedBitsPerByte: [number, number, number] | null;
  /** Why no prediction is made (null when one is). */
  withheld: string | null;
  /** How far the budget lies outside the fitted budgets (1 inside), and on which side. */
  extrapolation: { factor: number; side: "inside" | "above" | "below" };
  /** The range of budgets the law was fitted on. */
  fittedFlops: [number, number];
  /** The Chinchilla law's N_opt for the same budget, for comparison. */
  paramsOptimalChinchilla: number;
}

/**
 * Sizes a model with a measured law (Approach 3's frontier under C = 6ND, on the sweep's family),
 * and predicts its val loss with the bootstrap interval. Tokens beyond the store's unique train
 * tokens are counted at their repeated worth (Muennighoff et al. 2023) in the prediction.
 */
export function planWithLaw(
  law: MeasuredLaw,
  budget: LawBudget,
  lawSource: string,
): LawPlan {
  const { alpha, beta } = law.approach3;
  if (!(alpha.value > 0 && beta.value > 0)) {
    throw new UserError(
      `${lawSource}: its exponents (α ${alpha.value.toFixed(3)}, β ${
        beta.value.toFixed(3)
      }) are not both positive, so the sweep's losses did not fall with N and D and the law picks no model; re-centre the sweep (--center) or widen its budgets`,
    );
  }
  const fit = approach3LossFit(law.approach3, lawSource);
  const frontier = parametricFrontier(fit);
  const flops = "flops" in budget ? budget.flops : frontier.computeForTokens(budget.tokens);
  if (!(Number.isFinite(flops) && flops > 0)) {
    throw new UserError(`the budget must be a positive number, got ${flops}`);
  }
  const paramsOptimal = frontier.paramsForCompute(flops);
  const model = closestSweepModel(paramsOptimal, law.store.vocab);
  const run = sweepHyperparameters(
    model,
    "flops" in budget ? flops / (6 * model.params) : budget.tokens,
  );
  const { steps, tokens } = run;
  const unique = law.store.trainTokens;
  const worth = effectiveTokens(tokens, Math.min(tokens, unique));
  const fitted = law.runs.map((run) => run.flops);
  const fittedFlops: [number, number] = [Math.min(...fitted), Math.max(...fitted)];
  const extrapolation = flops > fittedFlops[1]
    ? { factor: flops / fittedFlops[1], side: "above" as const }
    : flops < fittedFlops[0]
    ? { factor: fittedFlops[0] / flops, side: "below" as const }
    : { factor: 1, side: "inside" as const };
  const prediction = predictLossWithInterval(law.approach3, model.params, worth);
  const reasons: string[] = [];
  if (model.params < law.approach3.range.params[0] / EXTRAPOLATION_LIMIT) {
    reasons.push(
      `the model is more than ${EXTRAPOLATION_LIMIT}× below the smallest the sweep trained`,
    );
  }
  if (!(prediction.value < Math.log(law.store.vocab))) {
    reasons.push(`the figure would be above ln(${law.store.vocab}), a uniform guess`);
  }
  const bitsPerNat = law.store.valTokens / (Math.LN2 * law.store.valBytes);
  const withheld = reasons.length ? reasons.join(", and ") : null;
  return {
    lawSource,
    flops,
    paramsOptimal,
    tokensOptimal: frontier.tokensForCompute(flops),
    paramsOptimalApproach2: law.approach2 ? optimalParamsAt(law.approach2, flops) : null,
    model,
    steps,
    run,
    tokens,
    uniqueTokens: unique,
    predictedLoss: withheld ? null : prediction,
    predictedBitsPerByte: withheld ? null : [
      prediction.value * bitsPerNat,
      prediction.interval[0] * bitsPerNat,
      prediction.interval[1] * bitsPerNat,
    ],
    withheld,
    extrapolation,
    fittedFlops,
    paramsOptimalChinchilla: scalingLaw("chinchilla").frontier.paramsForCompute(flops),
  };
}

/**
 * Refuses a law measured on another tokenizer or store than `store` (its nats are per token of
 * that tokenizer, its optimum for that data), naming what differs.
 */
export function checkLawStore(law: MeasuredLaw, store: LawStore, lawPath: string): void {
  if (law.store.tokenizerSha256 !== store.tokenizerSha256) {
    throw new UserError(
      `--law ${lawPath}: measured with another tokenizer (${
        law.store.tokenizerSha256.slice(0, 12)
      }…) than ${store.path} (${
        store.tokenizerSha256.slice(0, 12)
      }…); run deno task sweep on this store`,
    );
  }
  if (law.store.trainTokens !== store.trainTokens) {
    throw new UserError(
      `--law ${lawPath}: measured on another store (${law.store.trainTokens} train tokens, ${store.path} has ${store.trainTokens}); run deno task sweep on this store`,
    );
  }
}
