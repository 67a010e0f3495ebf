import { UserError } from "../../core/user_error.ts";
import { estimate } from "./_bootstrap.ts";
import { fitLine, fitParabola, parabolaAt, parabolaVertex } from "./_least_squares.ts";
import { resampleInto, seededUniform } from "./_random.ts";
import { paramsOf, span } from "./_runs.ts";
import type { Estimate, Parabola, ParamsCount, SweepRun } from "./types.ts";

/** Training tokens that `flops` buy a model of `params` parameters. */
export type TokensForBudget = (flops: number, params: number) => number;

/** The toolkit's FLOP count, C = 6·N·D with N all parameters (Kaplan et al. 2020, §2.1): D = C/(6N). */
export const SIX_ND: TokensForBudget = (flops, params) => flops / (6 * params);

/** Options of {@linkcode fitApproach2}. */
export interface Approach2Options {
  /** N as all parameters (default) or non-embedding ones. */
  paramsCount?: ParamsCount;
  /** D_opt(C) from N_opt(C) (default {@linkcode SIX_ND}). */
  tokensForBudget?: TokensForBudget;
  /** Bootstrap resamples (default 1000). */
  resamples?: number;
  /** Seed of the resampling (default 0). */
  seed?: number;
}

/** One budget's IsoFLOP profile: the parabola of loss in log N and its minimum. */
export interface IsoflopProfile {
  /** The compute budget C in FLOPs. */
  budget: number;
  /** Runs of this budget. */
  runs: number;
  /** Smallest and largest N tried. */
  paramsRange: [number, number];
  /** loss ≈ c₀ + c₁u + c₂u², u = ln N − center. */
  parabola: Parabola;
  /** True when c₂ ≤ 0: the parabola has no minimum and the budget is left out of the power laws. */
  opensDownward: boolean;
  /** N_opt(C) = exp of the vertex; null when the parabola opens downward. */
  optimalParams: number | null;
  /** D_opt(C) for N_opt(C) under the FLOP rule; null when the parabola opens downward. */
  optimalTokens: number | null;
  /** The parabola's minimum loss; null when it opens downward. */
  optimalLoss: number | null;
  /**
   * True when N_opt lies at or outside the smallest or largest size tried: the minimum is an
   * extrapolation, and a grid not centred on the optimum biases the exponent (Open-Athena's
   * scaling-law-analysis): re-centre the grid.
   */
  atEdge: boolean;
}

/** A power law y = coefficient · C^exponent, with bootstrap intervals. */
export interface PowerLaw {
  /** G in y = G·C^exponent. */
  coefficient: Estimate;
  /** The exponent. */
  exponent: Estimate;
}

/** Approach 2's result. Serialises to JSON. */
export interface Approach2Fit {
  /** Which N the fit used. */
  paramsCount: ParamsCount;
  /** Each budget's profile, by increasing budget. */
  profiles: IsoflopProfile[];
  /** N_opt = G·C^a across the budgets with a minimum. */
  optimalParams: PowerLaw;
  /** D_opt = G'·C^b across the same budgets. */
  optimalTokens: PowerLaw;
  /** Smallest and largest budget in the power laws. */
  budgetRange: [number, number];
  /** One line per budget at the edge or without a minimum. */
  warnings: string[];
  /** Bootstrap resamples drawn. */
  resamples: number;
  /** Resamples left out: a budget's resample found no acceptable minimum in 100 draws. */
  resamplesFailed: number;
  /** The resampling seed. */
  seed: number;
  /** The bootstrap fits, each [ln G, a, ln G', b], for the frontier's band. */
  samples: [number, number, number, number][];
}

/**
 * Approach 2 of Hoffmann et al. 2022 (§3.2): for each budget C, a least-squares parabola of loss
 * in ln N (at least 3 sizes) whose vertex gives N_opt(C), and D_opt(C) from the FLOP rule; then
 * N_opt = G·C^a and D_opt = G'·C^b by least squares in log-log across budgets (at least 2 with a
 * minimum). Bootstrap: the runs of each budget are resampled with replacement and everything
 * refitted, `resamples` times; a budget's resample with < 3 sizes, no minimum, or (when the full
 * fit's minimum lies inside the sizes tried) a minimum outside them is drawn again.
 *
 * @example
 * ```ts
 * import { fitApproach2 } from "./approach2.ts";
 * const law = (n: number, d: number) => 1.8 + 400 / n ** 0.34 + 1000 / d ** 0.28;
 * const runs = [1e13, 1e14, 1e15].flatMap((budget) =>
 *   [0.25, 0.5, 1, 2, 4].map((f) => {
 *     const params = f * 1.5e5 * (budget / 1e13) ** 0.45, tokens = budget / (6 * params);
 *     return { budget, params, tokens, loss: law(params, tokens) };
 *   })
 * );
 * const fit = fitApproach2(runs, { resamples: 50 });
 * // fit.optimalParams.exponent.value ≈ 0.28 / (0.34 + 0.28) ≈ 0.45
 * ```
 */
export function fitApproach2(runs: SweepRun[], options: Approach2Options = {}): Approach2Fit {
  const paramsCount = options.paramsCount ?? "all";
  const tokensForBudget = options.tokensForBudget ?? SIX_ND;
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 0;
  const params = paramsOf(runs, paramsCount, "Approach 2");
  const groups = new Map<number, number[]>();
  runs.forEach((run, index) => groups.set(run.budget, [...groups.get(run.budget) ?? [], index]));
  const budgets = [...groups.keys()].sort((x, y) => x - y);
  if (budgets.length < 2) {
    throw new UserError(
      `Approach 2: power laws across budgets need at least 2 budgets, got ${budgets.length}`,
    );
  }
  const logParams = params.map(Math.log), losses = runs.map((run) => run.loss);
  const parabolaOf = (indices: ArrayLike<number>) => {
    const x = Array.from(indices, (i) => logParams[i]), y = Array.from(indices, (i) => losses[i]);
    return { parabola: fitParabola(x, y), sizes: new Set(x).size };
  };
  const profiles = budgets.map((budget): IsoflopProfile => {
    const indices = groups.get(budget)!;
    const { parabola, sizes } = parabolaOf(indices);
    if (sizes < 3) {
      throw new UserError(
        `Approach 2: budget ${budget} has ${sizes} distinct size${sizes === 1 ? "" : "s"}; ` +
          `a parabola needs at least 3`,
      );
    }
    const range = span(indices.map((i) => params[i]));
    const opensDownward = !(parabola.coefficients[2] > 0);
    const vertex = parabolaVertex(parabola);
    const optimalParams = opensDownward ? null : Math.exp(vertex);
    return {
      budget,
      runs: indices.length,
      paramsRange: range,
      parabola,
      opensDownward,
      optimalParams,
      optimalTokens: optimalParams === null ? null : tokensForBudget(budget, optimalParams),
      optimalLoss: opensDownward ? null : parabolaAt(parabola, vertex),
      atEdge: optimalParams !== null &&
        (optimalParams <= range[0] * (1 + 1e-9) || optimalParams >= range[1] * (1 - 1e-9)),
    };
  });
  const warnings = profiles.flatMap((p) =>
    p.opensDownward
      ? [`budget ${p.budget}: the parabola opens downward (no minimum); left out of the power laws`]
      : p.atEdge
      ? [
        `budget ${p.budget}: the minimum N_opt ${p.optimalParams!.toPrecision(3)} lies at or ` +
        `outside the sizes tried (${p.paramsRange[0]}–${p.paramsRange[1]}): re-centre the grid`,
      ]
      : []
  );
  const used = profiles.filter((p) => !p.opensDownward);
  if (used.length < 2) {
    throw new UserError(
      `Approach 2: ${used.length} budget${used.length === 1 ? " has" : "s have"} a minimum; ` +
        `power laws need at least 2 (${warnings.join("; ")})`,
    );
  }
  const powerLaws = (optima: number[], budgetsUsed: number[]) => {
    const logC = budgetsUsed.map(Math.log);
    const n = fitLine(logC, optima.map(Math.log));
    const d = fitLine(logC, optima.map((p, k) => Math.log(tokensForBudget(budgetsUsed[k], p))));
    return [n.intercept, n.slope, d.intercept, d.slope] as [number, number, number, number];
  };
  const usedBudgets = used.map((p) => p.budget);
  const best = powerLaws(used.map((p) => p.optimalParams!), usedBudgets);

  const uniform = seededUniform(seed);
  const samples: Approach2Fit["samples"] = [];
  let resamplesFailed = 0;
  for (let r = 0; r < resamples; r++) {
    const optima: number[] = [];
    for (const profile of used) {
      const indices = groups.get(profile.budget)!, drawn = new Int32Array(indices.length);
      const [smallest, largest] = profile.atEdge ? [0, Infinity] : profile.paramsRange;
      for (let attempt = 0; attempt < 100; attempt++) {
        resampleInto(uniform, drawn, indices);
        const { parabola, sizes } = parabolaOf(drawn);
        const optimum = Math.exp(parabolaVertex(parabola));
        // Draw again when the resample has no minimum, or (for a budget whose fitted minimum lies
        // inside its sizes) puts it outside them: three of five runs drawn from one side of the
        // optimum fit a parabola whose vertex is anywhere, and a few such draws would make the
        // band meaningless. The bootstrap is thus conditioned on a minimum inside the grid.
        if (
          sizes >= 3 && parabola.coefficients[2] > 0 && optimum >= smallest && optimum <= largest &&
          optimum > 0 && optimum < Infinity
        ) {
          optima.push(optimum);
          break;
        }
      }
    }
    if (optima.length === usedBudgets.length) samples.push(powerLaws(optima, usedBudgets));
    else resamplesFailed++;
  }
  const column = (j: number) => samples.map((s) => s[j]);
  return {
    paramsCount,
    profiles,
    optimalParams: {
      coefficient: estimate(Math.exp(best[0]), column(0).map(Math.exp)),
      exponent: estimate(best[1], column(1)),
    },
    optimalTokens: {
      coefficient: estimate(Math.exp(best[2]), column(2).map(Math.exp)),
      exponent: estimate(best[3], column(3)),
    },
    budgetRange: span(usedBudgets),
    warnings,
    resamples,
    resamplesFailed,
    seed,
    samples,
  };
}

/**
 * N_opt at `flops` on the fitted line, with the 2.5/97.5 percentiles of the bootstrap lines there:
 * the frontier's band.
 *
 * @example
 * ```ts
 * import { type Approach2Fit, optimalParamsAt } from "./approach2.ts";
 * // N_opt, with its band, at ten times the largest budget of the sweep:
 * const extrapolate = (fit: Approach2Fit) => optimalParamsAt(fit, 10 * fit.budgetRange[1]);
 * ```
 */
export function optimalParamsAt(fit: Approach2Fit, flops: number): Estimate {
  const line = (logG: number, a: number) => Math.exp(logG + a * Math.log(flops));
  return estimate(
    line(Math.log(fit.optimalParams.coefficient.value), fit.optimalParams.exponent.value),
    fit.samples.map((s) => line(s[0], s[1])),
  );
}
