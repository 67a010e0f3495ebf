import type { ParametricLossFit } from "../parametric_loss.ts";
import { estimate } from "./_bootstrap.ts";
import type { Approach3Fit } from "./approach3.ts";
import type { Estimate } from "./types.ts";

/**
 * The fit as the toolkit's `ParametricLossFit`, so `predictLoss` and `parametricFrontier`
 * (scaling/parametric_loss.ts) use it like a published law.
 *
 * @example
 * ```ts
 * import { approach3LossFit } from "./approach3_law.ts";
 * import type { Approach3Fit } from "./approach3.ts";
 * import { parametricFrontier } from "../parametric_loss.ts";
 * const frontierOf = (fit: Approach3Fit) => parametricFrontier(approach3LossFit(fit, "my sweep"));
 * ```
 */
export function approach3LossFit(fit: Approach3Fit, name: string): ParametricLossFit {
  return {
    name,
    smallestFittedParams: fit.range.params[0],
    E: fit.E.value,
    A: fit.A.value,
    B: fit.B.value,
    alpha: fit.alpha.value,
    beta: fit.beta.value,
  };
}

/**
 * L(N, D) of the fit, with the 2.5/97.5 percentiles of L(N, D) over the bootstrap fits (the
 * interval of the prediction, not of the constants one by one).
 *
 * @example
 * ```ts
 * import { predictLossWithInterval } from "./approach3_law.ts";
 * import type { Approach3Fit } from "./approach3.ts";
 * // { value, interval: [low, high], standardError } for a 1M-parameter model on 20M tokens:
 * const predict = (fit: Approach3Fit) => predictLossWithInterval(fit, 1e6, 2e7);
 * ```
 */
export function predictLossWithInterval(
  fit: Approach3Fit,
  params: number,
  tokens: number,
): Estimate {
  const loss = (E: number, A: number, B: number, alpha: number, beta: number) =>
    E + A / params ** alpha + B / tokens ** beta;
  return estimate(
    loss(fit.E.value, fit.A.value, fit.B.value, fit.alpha.value, fit.beta.value),
    fit.samples.map((s) => loss(...s)),
  );
}
