import type { ParametricLossFit } from "./parametric_loss.ts";
import { dataConstrainedLoss } from "./data_constrained.ts";
import { compact, fixed, withCommas } from "../core/number_format.ts";

/**
 * How far below the smallest model a fit saw a prediction is still made: one order of magnitude.
 * Hoffmann et al.'s fits saw 70M parameters and up, so a 7M model still gets a figure (marked as an
 * extrapolation) and a 1M one does not: far outside the fit the power law says nothing we can trust.
 */
export const EXTRAPOLATION_LIMIT = 10;

/** A borrowed law's loss for one model, or the reason none is given. */
export interface LossPrediction {
  /** Nats per token in the fit's units (MassiveText tokens), or null when no prediction is made. */
  loss: number | null;
  /** exp(loss), or null. */
  perplexity: number | null;
  /** True when the model is smaller than any the fit saw (a prediction is still made within 10×). */
  extrapolated: boolean;
  /** Why no prediction is made, one clause; null when one is. */
  withheld: string | null;
}

/** What the prediction is for: a model, its training tokens, its vocabulary. */
export interface PredictionQuery {
  /** The model's parameters. */
  params: number;
  /** Training tokens processed (unique × epochs). */
  tokensSeen: number;
  /** Unique train tokens. */
  uniqueTokens: number;
  /** The model's vocabulary: a loss at or above ln(vocab) is worse than a uniform guess. */
  vocab: number;
}

/**
 * The data-constrained loss of `fit` for a model, unless it cannot be true of the user's run. No
 * prediction is made when (a) the model has fewer than 1/`EXTRAPOLATION_LIMIT` of the parameters of
 * the smallest model the fit saw, or (b) the figure is at or above ln(vocab), the loss of a uniform
 * guess over the vocabulary, which any trained model beats. (b) is a necessary test, not a
 * sufficient one: the fit's nats are per MassiveText token, not per token of the user's store.
 *
 * @example
 * ```ts
 * import { CHINCHILLA_APPROACH_3 } from "./law_chinchilla_fit.ts";
 * import { predictLossFor } from "./loss_prediction.ts";
 * const tiny = { params: 561_600, tokensSeen: 2.6e6, uniqueTokens: 2.6e6, vocab: 8000 };
 * predictLossFor(CHINCHILLA_APPROACH_3, tiny).loss; // null: far below the fit, above ln(8000)
 * ```
 */
export function predictLossFor(fit: ParametricLossFit, query: PredictionQuery): LossPrediction {
  const loss = dataConstrainedLoss(fit, query.params, query.tokensSeen, query.uniqueTokens);
  const smallest = fit.smallestFittedParams;
  const reasons: string[] = [];
  if (query.params < smallest / EXTRAPOLATION_LIMIT) {
    reasons.push(
      `the model's ${compact(query.params)} parameters are more than ${EXTRAPOLATION_LIMIT}× ` +
        `below the ${compact(smallest)} of the smallest model the fit saw`,
    );
  }
  const uniform = Math.log(query.vocab);
  if (!(loss < uniform)) {
    reasons.push(
      `its figure would be above ln(${withCommas(query.vocab)}) = ${fixed(uniform)} nats, ` +
        `the loss of a uniform guess over the vocabulary`,
    );
  }
  const extrapolated = query.params < smallest;
  if (reasons.length) {
    return { loss: null, perplexity: null, extrapolated, withheld: reasons.join(", and ") };
  }
  return { loss, perplexity: Math.exp(loss), extrapolated, withheld: null };
}
