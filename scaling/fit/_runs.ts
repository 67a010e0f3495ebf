import { UserError } from "../../core/user_error.ts";
import type { ParamsCount, SweepRun } from "./types.ts";

/**
 * N of each run under `count`, after checking that every number a fit reads is finite and positive;
 * a `UserError` naming the run (its position, budget and size) otherwise.
 */
export function paramsOf(runs: SweepRun[], count: ParamsCount, fit: string): number[] {
  return runs.map((run, index) => {
    const name = `${fit}: run ${index + 1} (budget ${run.budget}, ${run.params} params)`;
    for (const field of ["budget", "params", "tokens", "loss"] as const) {
      if (!(Number.isFinite(run[field]) && run[field] > 0)) {
        throw new UserError(`${name}: ${field} must be a positive number, got ${run[field]}`);
      }
    }
    if (count === "all") return run.params;
    const params = run.nonEmbeddingParams;
    if (params === undefined || !(Number.isFinite(params) && params > 0)) {
      throw new UserError(
        `${name}: the non-embedding fit needs nonEmbeddingParams > 0, got ${params}`,
      );
    }
    return params;
  });
}

/** [smallest, largest] of the values. */
export function span(values: number[]): [number, number] {
  return [Math.min(...values), Math.max(...values)];
}
