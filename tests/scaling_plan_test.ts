import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./assert.ts";
import {
  countParams,
  effectiveTokens,
  flopsPerToken,
  paramsForTokens,
  planForCompute,
  planForTokens,
  scalingLaw,
} from "../scaling/mod.ts";
import { UserError } from "../core/user_error.ts";

Deno.test("planForTokens: the law's optimum for the effective tokens, and the model closest to it", () => {
  for (const law of ["chinchilla", "chinchilla-fit", "epoch"] as const) {
    for (const [tokens, epochs] of [[1e9, 1], [2.5e8, 4], [1.4e7, 60]]) {
      const plan = planForTokens(tokens, { law, epochs });
      assertEquals(plan.tokensSeen, tokens * epochs);
      assertEquals(plan.effectiveTokens, effectiveTokens(tokens * epochs, tokens));
      assertAlmostEquals(
        plan.paramsOptimal,
        paramsForTokens(scalingLaw(law).frontier, plan.effectiveTokens),
        1e-6,
      );
      assertEquals(plan.model.params, countParams(plan.model));
      // Within one width step of the optimum: the neighbours straddle it.
      const below = plan.alternatives.find((a) => a.modelD === plan.model.modelD - 64)!;
      const above = plan.alternatives.find((a) => a.modelD === plan.model.modelD + 64)!;
      assert(below.params < plan.paramsOptimal && plan.paramsOptimal < above.params, law);
      assertAlmostEquals(plan.flops, 6 * plan.paramsOptimal * plan.tokensSeen, 1e-3);
      const perToken = flopsPerToken({ ...plan.model, ctx: 128 });
      assertEquals(plan.trainingFlops.appendixF, perToken.appendixF * plan.tokensSeen);
      assert(plan.predictedLoss !== null && plan.predictedPerplexity !== null, plan.lossWithheld!);
      assertAlmostEquals(plan.predictedPerplexity, Math.exp(plan.predictedLoss), 1e-9);
    }
  }
});

Deno.test("the neighbouring widths show the trade-off: more parameters help at fixed tokens only", () => {
  const plan = planForTokens(1e9);
  assertEquals(plan.alternatives.map((a) => a.modelD), [832, 896, 960, 1024, 1088]);
  const losses = plan.alternatives.map((a) => a.predictedLoss!);
  for (let i = 1; i < losses.length; i++) assert(losses[i] < losses[i - 1], "wider is better");
  const chosen = plan.alternatives.find((a) => a.modelD === plan.model.modelD)!;
  assertEquals(chosen.predictedLossSameFlops, plan.predictedLoss);
  // At equal FLOPs the loss curve is nearly flat around the optimum: no width wins by much.
  for (const alt of plan.alternatives) {
    assert(alt.predictedLossSameFlops! > plan.predictedLoss! - 0.01, `d ${alt.modelD}`);
  }
  assert(plan.alternatives[0].predictedLossSameFlops! > plan.predictedLoss!);
});

Deno.test("repeated data: more epochs buy less and less, and the law sizes for the effective tokens", () => {
  const once = planForTokens(1.4e7);
  const sixty = planForTokens(1.4e7, { epochs: 60 });
  const hundred = planForTokens(1.4e7, { epochs: 100 });
  assert(sixty.paramsOptimal > 10 * once.paramsOptimal);
  assert(hundred.paramsOptimal / sixty.paramsOptimal < 1.03, "saturated after ~16 epochs");
  assert(sixty.effectiveTokensPerParam > 19 && sixty.effectiveTokensPerParam < 23);
  assert(sixty.tokensPerParam > 70, "each parameter sees many repeated tokens");
});

Deno.test("planForCompute: N_opt(C) and D_opt(C) of the law, one epoch", () => {
  const plan = planForCompute(1e19, { law: "epoch" });
  const f = scalingLaw("epoch").frontier;
  assertEquals(plan.flops, 1e19);
  assertEquals(plan.paramsOptimal, f.paramsForCompute(1e19));
  assertEquals(plan.tokens, f.tokensForCompute(1e19));
  assertEquals(plan.epochs, 1);
  assertThrows(() => planForCompute(1e19, { epochs: 3 }), UserError, "--epochs");
});

Deno.test("a fixed vocabulary is kept and the law's choice is still reported", () => {
  const plan = planForTokens(2.5e8, { vocab: 8000 });
  assertEquals(plan.model.vocab, 8000);
  assertEquals(plan.vocabSource, "fixed");
  assert(plan.vocabRecommended < 8000, `law picks ${plan.vocabRecommended}`);
  assert(plan.explanation.includes("the given vocabulary 8,000"));
});

Deno.test("bad budgets are UserErrors", () => {
  assertThrows(() => planForTokens(-5), UserError, "tokens");
  assertThrows(() => planForTokens(Number.NaN), UserError, "tokens");
  assertThrows(() => planForTokens(1e9, { epochs: 0.5 }), UserError, "epochs");
  assertThrows(() => planForTokens(1000), UserError, "fewer than the smallest micro_gpt");
  assertThrows(() => planForCompute(0), UserError, "flops");
});
