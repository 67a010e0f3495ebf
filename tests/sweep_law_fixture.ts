/** A measured law fitted to runs simulated from known constants, for the tests of its use. */
import { COARSE_GRID } from "../scaling/fit/mod.ts";
import {
  fitLaw,
  lawRunOf,
  type LawStore,
  type MeasuredLaw,
  planSweep,
} from "../model/sweep/mod.ts";

/** The constants the simulated runs follow (nats per token; a small-scale law). */
export const SIMULATED = { E: 1.9, A: 60, B: 100, alpha: 0.36, beta: 0.32 };

/** L(N, D) of `SIMULATED`. */
export function simulatedLoss(params: number, tokens: number): number {
  const { E, A, B, alpha, beta } = SIMULATED;
  return E + A / params ** alpha + B / tokens ** beta;
}

/**
 * The law `deno task sweep` would write for an IsoFLOP grid on `store` whose runs' losses follow
 * `SIMULATED` exactly (with `noise`, a relative scatter from a fixed sequence).
 */
export function simulatedLaw(
  store: LawStore,
  budgets: number[],
  grid: { sizes?: number; centerTokensPerParam?: number } = {},
  noise = 0,
): MeasuredLaw {
  const plan = planSweep({ budgets, ...grid, vocab: store.vocab, trainTokens: store.trainTokens });
  const runs = plan.runs.map((run, i) =>
    lawRunOf(run, simulatedLoss(run.model.params, run.tokens) * (1 + noise * Math.sin(7 * i + 1)))
  );
  return fitLaw({ runs, store, command: "simulated", resamples: 100, grid: COARSE_GRID });
}
