import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./assert.ts";
import {
  BESIROGLU_2024,
  CHINCHILLA_APPROACH_3,
  LAW_NAMES,
  parametricFrontier,
  predictLoss,
  scalingLaw,
} from "../scaling/mod.ts";
import { UserError } from "../core/user_error.ts";

const GOPHER_FLOPS = 5.76e23; // Hoffmann et al. 2022: Gopher's training budget

Deno.test("Approach 3 puts the Gopher budget at 40B parameters, as Hoffmann et al. §3.3 states", () => {
  const n = scalingLaw("chinchilla-fit").frontier.paramsForCompute(GOPHER_FLOPS);
  assert(Math.abs(n / 40e9 - 1) < 0.03, `N_opt = ${n.toExponential(3)}`);
});

Deno.test("the Epoch replication's frontier lands on Chinchilla itself (70B, 1.4T)", () => {
  // Besiroglu et al.: their refit agrees with Approaches 1 and 2, unlike the published Approach 3.
  const f = scalingLaw("epoch").frontier;
  const flops = 6 * 70e9 * 1.4e12;
  assert(Math.abs(f.paramsForCompute(flops) / 70e9 - 1) < 0.06, "params");
  assert(Math.abs(f.tokensForCompute(flops) / 1.4e12 - 1) < 0.06, "tokens");
});

Deno.test("the closed-form frontier is the minimum of L(N, D) along C = 6ND", () => {
  for (const fit of [CHINCHILLA_APPROACH_3, BESIROGLU_2024]) {
    const frontier = parametricFrontier(fit);
    for (const flops of [1e16, 1e20, 1e24]) {
      const n = frontier.paramsForCompute(flops);
      const d = frontier.tokensForCompute(flops);
      assertAlmostEquals(6 * n * d / flops, 1, 1e-9);
      // Scan N around the optimum at fixed compute: nothing beats it.
      const best = predictLoss(fit, n, d);
      for (let step = -20; step <= 20; step++) {
        if (step === 0) continue;
        const other = n * 1.05 ** step;
        assert(predictLoss(fit, other, flops / (6 * other)) > best, `${fit.name} C=${flops}`);
      }
    }
  }
});

Deno.test("predictLoss is E + A/N^α + B/D^β and approaches E with unlimited scale", () => {
  const fit = CHINCHILLA_APPROACH_3;
  assertAlmostEquals(
    predictLoss(fit, 1e9, 2e10),
    fit.E + fit.A / 1e9 ** fit.alpha + fit.B / 2e10 ** fit.beta,
    1e-12,
  );
  assertAlmostEquals(predictLoss(fit, 1e40, 1e40), fit.E, 1e-6);
});

Deno.test("scalingLaw knows the three laws and names the flag for anything else", () => {
  assertEquals([...LAW_NAMES], ["chinchilla", "chinchilla-fit", "epoch"]);
  for (const name of LAW_NAMES) assertEquals(scalingLaw(name).name, name);
  assertEquals(scalingLaw("chinchilla").lossFit, CHINCHILLA_APPROACH_3);
  assertThrows(() => scalingLaw("kaplan"), UserError, "--law: expected one of");
});
