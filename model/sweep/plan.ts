import { UserError } from "../../core/user_error.ts";
import { scientific } from "../../core/number_format.ts";
import { type ComputeFrontier, scalingLaw } from "../../scaling/mod.ts";
import { closestSweepModel, sweepFamily, type SweepModel } from "./family.ts";
import { SWEEP_CTX, type SweepHyperparameters, sweepHyperparameters } from "./hyperparameters.ts";

/** What `planSweep` needs: the budgets, the sizes per budget, the store, and where to centre. */
export interface SweepRequest {
  /** Compute budgets C in FLOPs (C = 6·N·D, N all parameters), at least 2. */
  budgets: number[];
  /** Models per budget, at least 3 (default 5). */
  sizes?: number;
  /** The store's vocabulary. */
  vocab: number;
  /** The store's train tokens (for the epochs each run makes). */
  trainTokens: number;
  /** Centre each budget's sizes on N = sqrt(C / (6·R)) for R tokens per parameter, instead of
   * the optimum the built-in Chinchilla law expects. */
  centerTokensPerParam?: number;
  /** Without `centerTokensPerParam`: centre on this law's optimum (a measured law of the store)
   * rather than Chinchilla's. */
  centerLaw?: SweepCenterLaw;
}

/** A law whose compute-optimal N(C) centres a grid, and how output names it. */
export interface SweepCenterLaw {
  frontier: Pick<ComputeFrontier, "paramsForCompute" | "computeForParams">;
  name: string;
}

/** One run of the grid. */
export interface SweepRunPlan {
  /** The run folder's name under the sweep's `runs/`. */
  name: string;
  /** The budget it belongs to. */
  budget: number;
  /** The model. */
  model: SweepModel;
  /** Updates. */
  steps: number;
  /** Training tokens: steps × batch × ctx (the budget's C / 6N, rounded to whole updates). */
  tokens: number;
  /** 6·N·tokens: what the run spends (within half an update of the budget). */
  flops: number;
  /** Context length. */
  ctx: number;
  /** The optimiser settings of the sweep's rule. */
  hyperparameters: SweepHyperparameters;
}

/** An IsoFLOP grid. */
export interface SweepPlan {
  /** The budgets, ascending. */
  budgets: number[];
  /** Models per budget. */
  sizes: number;
  /** Ratio between neighbouring target sizes. */
  spacing: number;
  /** How the centre of each budget was set, for output. */
  center: string;
  /** The runs, budget by budget, smallest model first. */
  runs: SweepRunPlan[];
}

/** Neighbouring target sizes are this far apart: 5 sizes span 1.6^4 = 6.6× around the centre. */
export const SIZE_SPACING = 1.6;

/**
 * The IsoFLOP grid (Hoffmann et al. 2022, Approach 2): for each budget C, `sizes` models of the
 * sweep family (`family.ts`) at targets spaced evenly in log N around the expected optimum (of
 * `centerLaw`, else of the Chinchilla law; or at `centerTokensPerParam`), each
 * trained for the tokens C buys under C = 6ND. A `UserError` for fewer than 2 budgets or 3 sizes,
 * or for a budget whose optimum lies too low for the smallest model to sit below it; the message
 * names the smallest budget that would work, and the vocabulary that would let this one.
 */
export function planSweep(request: SweepRequest): SweepPlan {
  const sizes = request.sizes ?? 5;
  if (!Number.isInteger(sizes) || sizes < 3) {
    throw new UserError(`--sizes ${sizes}: a parabola needs at least 3 sizes per budget`);
  }
  const budgets = [...new Set(request.budgets)].sort((a, b) => a - b);
  if (budgets.length < 2) {
    throw new UserError(
      `--budgets: give at least 2 different budgets (got ${budgets.length}); a power law needs 2 points`,
    );
  }
  for (const budget of budgets) {
    if (!(Number.isFinite(budget) && budget > 0)) {
      throw new UserError(`--budgets: ${budget} is not a positive number of FLOPs`);
    }
  }
  const { frontier, name: center } = request.centerTokensPerParam === undefined
    ? request.centerLaw ?? CHINCHILLA_CENTER
    : tokensPerParamCenter(request.centerTokensPerParam);
  const half = (sizes - 1) / 2;
  const smallest = sweepFamily(request.vocab, 0)[0];
  const runs: SweepRunPlan[] = [];
  for (const budget of budgets) {
    const optimum = frontier.paramsForCompute(budget);
    const lowest = optimum / SIZE_SPACING ** half;
    // The smallest target may sit at most half a step below the smallest model, or the grid's
    // low side collapses onto one model and the parabola's minimum can no longer be bracketed.
    if (lowest < smallest.params / Math.sqrt(SIZE_SPACING)) {
      throw new UserError(cannotCentre(budget, optimum, smallest, frontier, sizes, request.vocab));
    }
    const models = distinctModels(optimum, sizes, request.vocab);
    for (const model of models) runs.push(runPlan(budget, model));
  }
  return { budgets, sizes, spacing: SIZE_SPACING, center, runs };
}

const CHINCHILLA_CENTER: SweepCenterLaw = {
  frontier: scalingLaw("chinchilla").frontier,
  name: "the optimum of the chinchilla law (Hoffmann et al. 2022, Approach 1)",
};

/** The grid's centre at R tokens per parameter (`--center R`). */
function tokensPerParamCenter(tokensPerParam: number): SweepCenterLaw {
  if (!(tokensPerParam > 0)) {
    throw new UserError(`--center ${tokensPerParam}: expected tokens per parameter > 0`);
  }
  return {
    frontier: {
      paramsForCompute: (flops) => Math.sqrt(flops / (6 * tokensPerParam)),
      computeForParams: (params) => 6 * tokensPerParam * params * params,
    },
    name: `${tokensPerParam} tokens per parameter (--center)`,
  };
}

/** `sizes` different models at targets optimum · spacing^(i − half), smallest first. */
function distinctModels(optimum: number, sizes: number, vocab: number): SweepModel[] {
  const half = (sizes - 1) / 2;
  const family = sweepFamily(vocab, optimum * SIZE_SPACING ** (half + 1));
  const chosen: SweepModel[] = [];
  for (let i = 0; i < sizes; i++) {
    const target = optimum * SIZE_SPACING ** (i - half);
    let model = closestSweepModel(target, vocab);
    // Two targets on one model: take the next larger one, so every size is trained.
    const previous = chosen.at(-1);
    if (previous && model.params <= previous.params) {
      model = family.find((candidate) => candidate.params > previous.params)!;
    }
    chosen.push(model);
  }
  return chosen;
}

function runPlan(budget: number, model: SweepModel): SweepRunPlan {
  const hyperparameters = sweepHyperparameters(model, budget / (6 * model.params));
  const { steps, tokens } = hyperparameters;
  return {
    name: `c${scientific(budget, 1)}-l${model.layers}-d${model.modelD}`,
    budget,
    model,
    steps,
    tokens,
    flops: 6 * model.params * tokens,
    ctx: SWEEP_CTX,
    hyperparameters,
  };
}

function cannotCentre(
  budget: number,
  optimum: number,
  smallest: SweepModel,
  frontier: Pick<ComputeFrontier, "computeForParams">,
  sizes: number,
  vocab: number,
): string {
  const half = (sizes - 1) / 2;
  const needed = frontier.computeForParams(
    smallest.params * SIZE_SPACING ** half / Math.sqrt(SIZE_SPACING),
  );
  return `--budgets ${scientific(budget, 1)}: the optimum expected there (${
    Math.round(optimum).toLocaleString("en-US")
  } parameters) is too close to the smallest model of vocabulary ${vocab} (${
    smallest.params.toLocaleString("en-US")
  }) for ${sizes} sizes to straddle it; give budgets of at least ${
    scientific(needed, 1)
  } FLOPs, fewer --sizes${
    vocab > 512 ? ", or a store with a smaller vocabulary (deno task tokenize --vocab 512)" : ""
  }`;
}
