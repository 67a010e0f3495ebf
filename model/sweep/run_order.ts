import type { SweepRunPlan } from "./plan.ts";

/**
 * Per-token time of a run that does not grow with N (embedding, norms, softmax, the optimizer's
 * pass, the step's calls), in parameters' worth: a token's time measured on one thread went as
 * 4.9 µs + 0.31 µs per 1,000 parameters (1–4 blocks, widths 24–48, on this machine's cores). On
 * the 15 runs of the default store's sweep, seconds per unit of `expectedRunCost` stayed within ±25%.
 */
export const PER_TOKEN_OVERHEAD_PARAMS = 16_000;

/** A run's expected time, in arbitrary units: its tokens × (N + the per-token overhead). */
export function expectedRunCost(run: SweepRunPlan): number {
  return run.tokens * (run.model.params + PER_TOKEN_OVERHEAD_PARAMS);
}

/**
 * The runs longest first, the order a pool of `--jobs` finishes soonest in (the longest-processing-
 * time rule): the plan's own order, budget by budget, leaves its largest budget's runs for last, so
 * one of them trained alone on one core while the other cores idled.
 *
 * @example
 * ```ts
 * import { planSweep } from "./plan.ts";
 * import { longestFirst } from "./run_order.ts";
 * const plan = planSweep({ budgets: [3e11, 3e12], sizes: 3, vocab: 512, trainTokens: 4.4e6 });
 * longestFirst(plan.runs)[0].budget; // 3e12: the largest budget's smallest model
 * ```
 */
export function longestFirst(runs: readonly SweepRunPlan[]): SweepRunPlan[] {
  return runs.toSorted((a, b) => expectedRunCost(b) - expectedRunCost(a));
}
