import { COARSE_GRID, fitApproach3, predictLossWithInterval } from "../scaling/fit/mod.ts";
import { UserError } from "../core/user_error.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./assert.ts";
import { epochFigure4Runs, type Law, lawLoss, simulateRuns } from "./scaling_fit_fixture.ts";

// A law at this toolkit's scale: losses of 3–7 nats for N 4e4–4e6, D 4e5–4e8 (the simulated grid).
const TINY_LAW: Law = { E: 2.5, A: 50, B: 200, alpha: 0.34, beta: 0.28 };
const ISOFLOP_GRID = { budgets: [1e12, 1e13, 1e14], sizeFactors: [0.25, 0.5, 1, 2, 4] };
const CONSTANTS = ["E", "A", "B", "alpha", "beta"] as const;

Deno.test("Approach 3 recovers the constants of noise-free runs", () => {
  const runs = simulateRuns(TINY_LAW, ISOFLOP_GRID, 0, 1);
  const fit = fitApproach3(runs, { grid: COARSE_GRID, resamples: 0 });
  for (const name of CONSTANTS) {
    assertAlmostEquals(fit[name].value / TINY_LAW[name], 1, 1e-3, name);
  }
  assertEquals(fit.starts, 243);
  assertEquals(fit.points, 15);
});

Deno.test("Approach 3 on 1%-noise runs: every true constant lies in its bootstrap interval", () => {
  const runs = simulateRuns(TINY_LAW, ISOFLOP_GRID, 0.01, 1);
  const fit = fitApproach3(runs, { grid: COARSE_GRID, resamples: 1000, seed: 7 });
  for (const name of CONSTANTS) {
    const [low, high] = fit[name].interval;
    assert(
      low <= TINY_LAW[name] && TINY_LAW[name] <= high,
      `${name} ${TINY_LAW[name]} ∉ [${low}, ${high}]`,
    );
    assert(
      low <= fit[name].value && fit[name].value <= high,
      `${name}: the fit lies in its interval`,
    );
  }
  const a = TINY_LAW.beta / (TINY_LAW.alpha + TINY_LAW.beta);
  const [low, high] = fit.paramsExponent.interval;
  assert(low <= a && a <= high, `a = ${a} ∉ [${low}, ${high}]`);
  assertAlmostEquals(fit.paramsExponent.value + fit.tokensExponent.value, 1, 1e-12);
  assertEquals(fit.samples.length + fit.resamplesFailed, 1000);
  // The prediction's interval covers the law at the grid's centre, and the JSON form is plain.
  const params = runs[7].params, tokens = runs[7].tokens;
  const predicted = predictLossWithInterval(fit, params, tokens);
  const truth = lawLoss(TINY_LAW, params, tokens);
  assert(predicted.interval[0] <= truth && truth <= predicted.interval[1], "prediction interval");
  const json = JSON.parse(JSON.stringify(fit));
  assertEquals(json.alpha, fit.alpha);
  assertEquals(json.range.params.length, 2);
});

Deno.test("Approach 3 is deterministic for a seed and fits non-embedding N when asked", () => {
  const runs = simulateRuns(TINY_LAW, ISOFLOP_GRID, 0.01, 2);
  const options = { grid: COARSE_GRID, resamples: 50, seed: 3 };
  assertEquals(fitApproach3(runs, options).alpha, fitApproach3(runs, options).alpha);
  // nonEmbeddingParams = 0.6 N: the same law with A' = A·0.6^α, so α and the D term do not move.
  const all = fitApproach3(runs, { ...options, resamples: 0 });
  const nonEmbedding = fitApproach3(runs, {
    ...options,
    resamples: 0,
    paramsCount: "nonEmbedding",
  });
  assertEquals(nonEmbedding.paramsCount, "nonEmbedding");
  assertAlmostEquals(nonEmbedding.alpha.value, all.alpha.value, 1e-4);
  assertAlmostEquals(nonEmbedding.B.value / all.B.value, 1, 1e-3);
  assertAlmostEquals(nonEmbedding.A.value / (all.A.value * 0.6 ** all.alpha.value), 1, 1e-3);
});

Deno.test("Approach 3 refuses too few runs, bad numbers and a missing non-embedding count", () => {
  const runs = simulateRuns(TINY_LAW, ISOFLOP_GRID, 0, 1);
  assertThrows(() => fitApproach3(runs.slice(0, 4)), UserError, "at least 5 runs, got 4");
  const bad = runs.map((run, i) => i === 2 ? { ...run, loss: NaN } : run);
  assertThrows(() => fitApproach3(bad), UserError, "run 3 (budget 1000000000000");
  const plain = runs.map(({ nonEmbeddingParams: _, ...run }) => run);
  assertThrows(
    () => fitApproach3(plain, { paramsCount: "nonEmbedding" }),
    UserError,
    "needs nonEmbeddingParams",
  );
});

// Besiroglu et al. 2024 (arXiv 2404.10102), data_analysis.ipynb at commit 9225883 of
// epoch-research/analyzing-chinchilla. What they did, and what we do the same way: D = C/(6N); the
// five runs of highest loss left out (240 of 245 points); Huber δ = 1e-3 on log-loss; L-BFGS from
// Hoffmann's 4,500-start grid, the lowest objective kept. Their cell "Replicate exactly" (SciPy's
// L-BFGS-B, numeric gradients) prints A = 477.84, B = 2143.86, E = 1.81724, α = 0.347313,
// β = 0.367183 at objective 0.0010182740346. The paper's headline E 1.82, A 482, B 2085, α 0.35,
// β 0.37 comes from a second fit of the same points: a Huber *likelihood* with a fitted scale σ,
// BFGS from Chinchilla's constants; it differs from the Huber-loss fit by 0.9% in A and 2.8% in B
// (flat directions of the objective) and agrees in E, α, β to their printed digits. So we check
// tightly against the Huber-loss fit (0.1%: SciPy stopped at a 1.6e-11 larger objective) and
// against the headline within its rounding for E, α, β and within the two fits' gap for A and B.
// Their 95% intervals (4,000 resamples, each refitted by BFGS from Chinchilla's constants) are
// A (285, 744), B (1042, 5810), E (1.769, 1.871), α (0.317, 0.373), β (0.331, 0.415); ours come
// from 1,000 resamples of another generator, so each bound is checked to 10%. We run the coarse
// grid here (0.8 s against 9.5 s); the full grid gives the same minimum to 1e-15 (measured once,
// see COARSE_GRID).
Deno.test("Approach 3 reproduces Besiroglu et al. 2024's fit of Chinchilla's Figure 4", async () => {
  const runs = await epochFigure4Runs();
  assertEquals(runs.length, 240);
  const fit = fitApproach3(runs, { grid: COARSE_GRID, resamples: 1000 });
  assert(fit.objective <= 0.0010182740346, `objective ${fit.objective}`);
  const replicateExactly = { E: 1.81724, A: 477.84, B: 2143.86, alpha: 0.347313, beta: 0.367183 };
  for (const name of CONSTANTS) {
    assertAlmostEquals(fit[name].value / replicateExactly[name], 1, 1e-3, name);
  }
  assertEquals(fit.E.value.toFixed(2), "1.82");
  assertEquals(fit.alpha.value.toFixed(2), "0.35");
  assertEquals(fit.beta.value.toFixed(2), "0.37");
  assertAlmostEquals(fit.A.value / 482, 1, 0.01);
  assertAlmostEquals(fit.B.value / 2085, 1, 0.03);
  const theirIntervals = {
    E: [1.769, 1.871],
    A: [285.214, 743.626],
    B: [1042.357, 5810.344],
    alpha: [0.317, 0.373],
    beta: [0.331, 0.415],
  };
  for (const name of CONSTANTS) {
    for (const side of [0, 1]) {
      assertAlmostEquals(fit[name].interval[side] / theirIntervals[name][side], 1, 0.1, name);
    }
  }
});
