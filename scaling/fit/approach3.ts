import { UserError } from "../../core/user_error.ts";
import { estimate } from "./_bootstrap.ts";
import { huberObjective, huberPoints } from "./_huber_objective.ts";
import { resampleInto, seededUniform } from "./_random.ts";
import { paramsOf, span } from "./_runs.ts";
import { minimizeLbfgs } from "./lbfgs.ts";
import type { Estimate, ParamsCount, SweepRun } from "./types.ts";

/** Starting values of L-BFGS, one start per combination (a = log A, b = log B, e = log E). */
export interface Approach3Grid {
  /** Values of a = log A. */
  a: number[];
  /** Values of b = log B. */
  b: number[];
  /** Values of e = log E. */
  e: number[];
  /** Values of α. */
  alpha: number[];
  /** Values of β. */
  beta: number[];
}

/**
 * Hoffmann et al. 2022, Appendix D.2: α, β ∈ {0, 0.5, …, 2}, e ∈ {−1, −0.5, …, 1},
 * a, b ∈ {0, 5, …, 25}: 5 · 5 · 5 · 6 · 6 = 4,500 starts (also Besiroglu et al. 2024's grid).
 */
export const HOFFMANN_GRID: Approach3Grid = {
  a: [0, 5, 10, 15, 20, 25],
  b: [0, 5, 10, 15, 20, 25],
  e: [-1, -0.5, 0, 0.5, 1],
  alpha: [0, 0.5, 1, 1.5, 2],
  beta: [0, 0.5, 1, 1.5, 2],
};

/**
 * A coarser grid, 3⁵ = 243 starts (α, β ∈ {0.5, 1, 1.5}, e ∈ {−1, 0, 1}, a, b ∈ {0, 10, 20}), about
 * 18× faster than {@linkcode HOFFMANN_GRID}. Measured: it reaches the same minimum (objective equal
 * to 1e-15 relative) on Besiroglu et al.'s 240 points and on simulated 15-run sweeps (the tests).
 */
export const COARSE_GRID: Approach3Grid = {
  a: [0, 10, 20],
  b: [0, 10, 20],
  e: [-1, 0, 1],
  alpha: [0.5, 1, 1.5],
  beta: [0.5, 1, 1.5],
};

/** Huber's δ of Hoffmann et al. 2022, Appendix D.2: 1e-3 (on log-loss). */
export const HUBER_DELTA = 1e-3;

/** Options of {@linkcode fitApproach3}. */
export interface Approach3Options {
  /** N as all parameters (default) or non-embedding ones (`nonEmbeddingParams` of every run). */
  paramsCount?: ParamsCount;
  /** Huber's δ (default {@linkcode HUBER_DELTA}). */
  delta?: number;
  /** The starts (default {@linkcode HOFFMANN_GRID}). */
  grid?: Approach3Grid;
  /** Bootstrap resamples (default 1000; 0 for none: intervals collapse to the value). */
  resamples?: number;
  /** Seed of the resampling (default 0): the same runs and seed give the same intervals. */
  seed?: number;
  /** Called after each bootstrap refit, for a progress bar. */
  onProgress?: (done: number, total: number) => void;
}

/** The fit of L(N, D) = E + A/N^α + B/D^β, with 95% bootstrap intervals. Serialises to JSON. */
export interface Approach3Fit {
  /** Irreducible loss E (nats per token of the runs' tokenizer). */
  E: Estimate;
  /** The parameter term's coefficient A. */
  A: Estimate;
  /** The data term's coefficient B. */
  B: Estimate;
  /** The parameter term's exponent α. */
  alpha: Estimate;
  /** The data term's exponent β. */
  beta: Estimate;
  /** The frontier's N_opt ∝ C^a exponent, a = β/(α+β) (Hoffmann et al. 2022, Eq. 4). */
  paramsExponent: Estimate;
  /** The frontier's D_opt ∝ C^b exponent, b = α/(α+β). */
  tokensExponent: Estimate;
  /** Which N the fit used. */
  paramsCount: ParamsCount;
  /** Huber's δ. */
  delta: number;
  /** The objective at the best fit: Σ Huber_δ of the log-loss residuals. */
  objective: number;
  /** Runs fitted. */
  points: number;
  /** L-BFGS starts tried (the grid's size). */
  starts: number;
  /** Bootstrap resamples drawn. */
  resamples: number;
  /** Resamples whose refit did not give finite parameters (left out of the intervals). */
  resamplesFailed: number;
  /** The resampling seed. */
  seed: number;
  /** The smallest and largest N and D fitted: outside them a prediction is an extrapolation. */
  range: { params: [number, number]; tokens: [number, number] };
  /** The bootstrap fits, each [E, A, B, α, β], for intervals of derived quantities. */
  samples: [number, number, number, number, number][];
}

/**
 * Approach 3 of Hoffmann et al. 2022 (§3.3, Appendix D.2), as Besiroglu et al. 2024 replicated it:
 * minimise Σ Huber_δ(LSE(a − α log N, b − β log D, e) − log L) over (a, b, e, α, β) by L-BFGS from
 * every start of `grid`, keep the lowest; then refit `resamples` bootstrap resamples of the runs
 * (drawn with replacement, seeded), each from the best fit, and report their 2.5/97.5 percentiles.
 *
 * @example
 * ```ts
 * import { fitApproach3 } from "./approach3.ts";
 * const law = (n: number, d: number) => 1.8 + 400 / n ** 0.34 + 1000 / d ** 0.28;
 * const runs = [1e5, 3e5, 1e6, 3e6, 1e7].flatMap((params) =>
 *   [1e6, 1e7, 1e8].map((tokens) => ({ budget: 6 * params * tokens, params, tokens, loss: law(params, tokens) }))
 * );
 * const fit = fitApproach3(runs, { grid: { a: [5], b: [5], e: [0], alpha: [0.5], beta: [0.5] }, resamples: 20 });
 * // fit.alpha.value ≈ 0.34, fit.E.value ≈ 1.8
 * ```
 */
export function fitApproach3(runs: SweepRun[], options: Approach3Options = {}): Approach3Fit {
  const paramsCount = options.paramsCount ?? "all";
  const delta = options.delta ?? HUBER_DELTA;
  const grid = options.grid ?? HOFFMANN_GRID;
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 0;
  const params = paramsOf(runs, paramsCount, "Approach 3");
  if (runs.length < 5) {
    throw new UserError(
      `Approach 3: fitting E, A, B, α and β needs at least 5 runs, got ${runs.length}`,
    );
  }
  const tokens = runs.map((run) => run.tokens);
  const points = huberPoints(params, tokens, runs.map((run) => run.loss));
  const objective = (indices?: Int32Array) => (x: Float64Array, gradient: Float64Array) =>
    huberObjective(points, delta, x, gradient, indices);

  // The grid: every start, keep the lowest objective (ties: the first start).
  const full = objective();
  let best: { x: Float64Array; value: number } | undefined;
  let starts = 0;
  for (const alpha of grid.alpha) {
    for (const beta of grid.beta) {
      for (const e of grid.e) {
        for (const a of grid.a) {
          for (const b of grid.b) {
            starts++;
            const result = minimizeLbfgs(full, [a, b, e, alpha, beta]);
            if (Number.isFinite(result.value) && (!best || result.value < best.value)) {
              best = result;
            }
          }
        }
      }
    }
  }
  if (!best) throw new UserError("Approach 3: no start of the grid gave a finite fit");

  // The bootstrap: resample runs with replacement, refit from the best full-data fit.
  const uniform = seededUniform(seed);
  const indices = new Int32Array(runs.length);
  const samples: Approach3Fit["samples"] = [];
  let resamplesFailed = 0;
  for (let r = 0; r < resamples; r++) {
    resampleInto(uniform, indices);
    const { x } = minimizeLbfgs(objective(indices), best.x);
    if (x.every(Number.isFinite)) samples.push(constants(x));
    else resamplesFailed++;
    options.onProgress?.(r + 1, resamples);
  }
  const [E, A, B, alpha, beta] = constants(best.x);
  const column = (j: number) => samples.map((s) => s[j]);
  const paramsShare = (s: number[]) => s[4] / (s[3] + s[4]);
  return {
    E: estimate(E, column(0)),
    A: estimate(A, column(1)),
    B: estimate(B, column(2)),
    alpha: estimate(alpha, column(3)),
    beta: estimate(beta, column(4)),
    paramsExponent: estimate(beta / (alpha + beta), samples.map(paramsShare)),
    tokensExponent: estimate(alpha / (alpha + beta), samples.map((s) => 1 - paramsShare(s))),
    paramsCount,
    delta,
    objective: best.value,
    points: runs.length,
    starts,
    resamples,
    resamplesFailed,
    seed,
    range: { params: span(params), tokens: span(tokens) },
    samples,
  };
}

/** [E, A, B, α, β] from x = (log A, log B, log E, α, β). */
function constants(x: Float64Array): [number, number, number, number, number] {
  return [Math.exp(x[2]), Math.exp(x[0]), Math.exp(x[1]), x[3], x[4]];
}
