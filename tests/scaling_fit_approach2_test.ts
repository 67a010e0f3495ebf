import { fitApproach2, optimalParamsAt, type SweepRun } from "../scaling/fit/mod.ts";
import { UserError } from "../core/user_error.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./assert.ts";
import { type Law, lawOptimalParams, simulateRuns } from "./scaling_fit_fixture.ts";

const TINY_LAW: Law = { E: 2.5, A: 50, B: 200, alpha: 0.34, beta: 0.28 };
const ISOFLOP_GRID = { budgets: [1e12, 1e13, 1e14], sizeFactors: [0.25, 0.5, 1, 2, 4] };
const A_TRUE = TINY_LAW.beta / (TINY_LAW.alpha + TINY_LAW.beta); // 0.4516

Deno.test("Approach 2 on 1%-noise runs: a near β/(α+β) and inside its bootstrap interval", () => {
  const runs = simulateRuns(TINY_LAW, ISOFLOP_GRID, 0.01, 1);
  const fit = fitApproach2(runs, { resamples: 1000 });
  const a = fit.optimalParams.exponent;
  // Three budgets of five runs with 1% noise: across seeds the estimate scatters by about 0.04
  // (its bootstrap standard error is 0.03–0.08), so "near" is 0.05.
  assertAlmostEquals(a.value, A_TRUE, 0.05);
  assert(a.interval[0] <= A_TRUE && A_TRUE <= a.interval[1], `a ∉ [${a.interval}]`);
  assert(a.interval[0] <= a.value && a.value <= a.interval[1]);
  // D = C/(6N) makes b = 1 − a and G' = 1/(6G) exactly.
  assertAlmostEquals(fit.optimalTokens.exponent.value, 1 - a.value, 1e-12);
  assertAlmostEquals(
    fit.optimalTokens.coefficient.value * 6 * fit.optimalParams.coefficient.value,
    1,
    1e-9,
  );
  assertEquals(fit.profiles.map((p) => p.budget), ISOFLOP_GRID.budgets);
  assertEquals(fit.warnings, []);
  assertEquals(fit.samples.length + fit.resamplesFailed, 1000);
  for (const profile of fit.profiles) {
    assert(!profile.atEdge && !profile.opensDownward);
    assertAlmostEquals(
      profile.optimalParams! / lawOptimalParams(TINY_LAW, profile.budget),
      1,
      0.25,
    );
    assertAlmostEquals(profile.optimalTokens!, profile.budget / (6 * profile.optimalParams!), 1e-6);
  }
  const band = optimalParamsAt(fit, 1e13);
  assert(band.interval[0] < band.value && band.value < band.interval[1]);
  assertEquals(JSON.parse(JSON.stringify(fit)).optimalParams, fit.optimalParams);
});

Deno.test("Approach 2 recovers N_opt exactly enough from noise-free runs, under any FLOP rule", () => {
  const runs = simulateRuns(TINY_LAW, ISOFLOP_GRID, 0, 1);
  const fit = fitApproach2(runs, { resamples: 0 });
  assertAlmostEquals(fit.optimalParams.exponent.value, A_TRUE, 0.005);
  const eightND = fitApproach2(runs, { resamples: 0, tokensForBudget: (c, n) => c / (8 * n) });
  assertAlmostEquals(
    eightND.profiles[0].optimalTokens! / fit.profiles[0].optimalTokens!,
    6 / 8,
    1e-12,
  );
});

Deno.test("Approach 2 flags a minimum at the edge of the sizes tried and a parabola without one", () => {
  // Every size 2–32× the optimum: the fitted minimum lies below the smallest size tried.
  const offCentre = simulateRuns(
    TINY_LAW,
    { ...ISOFLOP_GRID, sizeFactors: [4, 8, 16, 32, 64] },
    0,
    1,
  );
  const edge = fitApproach2(offCentre, { resamples: 20 });
  assert(edge.profiles.every((p) => p.atEdge), "every budget at the edge");
  assertEquals(edge.warnings.length, 3);
  assert(edge.warnings[0].includes("re-centre the grid"), edge.warnings[0]);
  // One budget whose losses bend down (a maximum in the middle): reported, left out, no crash.
  const runs = simulateRuns(TINY_LAW, { ...ISOFLOP_GRID, budgets: [1e12, 1e13, 1e14, 1e15] }, 0, 1);
  const concave = runs.map((run, i) => i >= 15 ? { ...run, loss: 5 - (i - 17) ** 2 * 0.1 } : run);
  const fit = fitApproach2(concave, { resamples: 20 });
  const last = fit.profiles[3];
  assertEquals([last.opensDownward, last.optimalParams, last.atEdge], [true, null, false]);
  assertEquals(fit.budgetRange, [1e12, 1e14]);
  assert(fit.warnings.some((w) => w.includes("opens downward")), fit.warnings.join("; "));
  assertAlmostEquals(fit.optimalParams.exponent.value, A_TRUE, 0.005);
});

Deno.test("Approach 2 refuses fewer than 3 sizes in a budget or fewer than 2 budgets", () => {
  const runs = simulateRuns(TINY_LAW, ISOFLOP_GRID, 0, 1);
  const twoSizes = runs.filter((_, i) => i >= 3);
  assertThrows(
    () => fitApproach2(twoSizes),
    UserError,
    "budget 1000000000000 has 2 distinct sizes",
  );
  const oneBudget = runs.slice(0, 5);
  assertThrows(() => fitApproach2(oneBudget), UserError, "at least 2 budgets, got 1");
  const flat: SweepRun[] = runs.map((run, i) =>
    i >= 5 ? { ...run, loss: 5 - (i % 5 - 2) ** 2 } : run
  );
  assertThrows(() => fitApproach2(flat), UserError, "1 budget has a minimum");
});
