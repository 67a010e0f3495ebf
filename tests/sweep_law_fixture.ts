/** A measured law fitted to runs simulated from known constants, for the tests of its use. */
import { fitApproach2, fitApproach3, type SweepRun } from "../scaling/fit/mod.ts";
import { COARSE_GRID } from "../scaling/fit/mod.ts";
import { type LawStore, type MeasuredLaw, planSweep } from "../model/sweep/mod.ts";

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
  const runs = plan.runs.map((run, i) => ({
    name: run.name,
    budget: run.budget,
    layers: run.model.layers,
    modelD: run.model.modelD,
    heads: run.model.heads,
    params: run.model.params,
    nonEmbeddingParams: run.model.nonEmbeddingParams,
    tokens: run.tokens,
    flops: run.flops,
    valLoss: simulatedLoss(run.model.params, run.tokens) * (1 + noise * Math.sin(7 * i + 1)),
  }));
  const points: SweepRun[] = runs.map((run) => ({
    budget: run.budget,
    params: run.params,
    nonEmbeddingParams: run.nonEmbeddingParams,
    tokens: run.tokens,
    loss: run.valLoss,
  }));
  const options = { resamples: 100, grid: COARSE_GRID };
  return {
    command: "simulated",
    created: new Date(0).toISOString(),
    flopCount: "C = 6ND",
    store,
    runs,
    approach3: fitApproach3(points, options),
    approach3NonEmbedding: fitApproach3(points, { ...options, paramsCount: "nonEmbedding" }),
    approach2: fitApproach2(points, { resamples: 100 }),
    approach2NonEmbedding: fitApproach2(points, { resamples: 100, paramsCount: "nonEmbedding" }),
    approach2Failure: null,
  };
}
