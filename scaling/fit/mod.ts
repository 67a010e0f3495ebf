/**
 * Fitting a scaling law to a sweep's runs, as Hoffmann et al. 2022 did and Besiroglu et al. 2024
 * replicated: Approach 2 (IsoFLOP parabolas, power laws of N_opt and D_opt in C) and Approach 3
 * (L(N, D) = E + A/N^α + B/D^β by Huber loss on log-loss, L-BFGS from a grid of starts), each with
 * seeded bootstrap intervals; and the L-BFGS minimiser they use. Pure TypeScript, no I/O.
 *
 * @example
 * ```ts
 * import { fitApproach2, fitApproach3 } from "./mod.ts";
 * const law = (n: number, d: number) => 1.8 + 400 / n ** 0.34 + 1000 / d ** 0.28;
 * const runs = [1e13, 1e14, 1e15].flatMap((budget) =>
 *   [0.25, 0.5, 1, 2, 4].map((f) => {
 *     const params = f * 1.5e5 * (budget / 1e13) ** 0.45, tokens = budget / (6 * params);
 *     return { budget, params, tokens, loss: law(params, tokens) };
 *   })
 * );
 * const isoflop = fitApproach2(runs, { resamples: 20 }); // isoflop.optimalParams.exponent.value ≈ 0.45
 * const parametric = fitApproach3(runs, { resamples: 20 }); // parametric.beta.value ≈ 0.28
 * ```
 *
 * @module
 */
export type { Estimate, Parabola, ParamsCount, SweepRun } from "./types.ts";
export { type LbfgsOptions, type LbfgsResult, minimizeLbfgs, type Objective } from "./lbfgs.ts";
export {
  type Approach3Fit,
  type Approach3Grid,
  type Approach3Options,
  COARSE_GRID,
  fitApproach3,
  HOFFMANN_GRID,
  HUBER_DELTA,
} from "./approach3.ts";
export { approach3LossFit, predictLossWithInterval } from "./approach3_law.ts";
export {
  type Approach2Fit,
  type Approach2Options,
  fitApproach2,
  type IsoflopProfile,
  optimalParamsAt,
  type PowerLaw,
  SIX_ND,
  type TokensForBudget,
} from "./approach2.ts";
