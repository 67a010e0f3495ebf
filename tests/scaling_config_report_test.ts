import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./assert.ts";
import { describeConfig, planForTokens, scalingLaw } from "../scaling/mod.ts";
import { UserError } from "../core/user_error.ts";

Deno.test("describeConfig: the seed's model, its FLOPs and the budget it is compute-optimal for", () => {
  const report = describeConfig({ layers: 4, modelD: 512, vocab: 9000 });
  assertEquals(report.model, {
    layers: 4,
    modelD: 512,
    heads: 8,
    vocab: 9000,
    params: 17_205_248,
    block: "original",
  });
  assertEquals(report.flopsPerToken.sixN, 6 * 17_205_248);
  const f = scalingLaw("chinchilla").frontier;
  assertAlmostEquals(f.paramsForCompute(report.optimalFlops), 17_205_248, 1e-3);
  assertAlmostEquals(f.tokensForCompute(report.optimalFlops), report.optimalTokens, 1e-3);
  // Sizing for that token budget comes back to a model of about this size.
  const plan = planForTokens(report.optimalTokens, { vocab: 9000 });
  assert(Math.abs(plan.model.params / 17_205_248 - 1) < 0.1, `${plan.model.params}`);
  assertEquals(report.onTokens, undefined);
});

Deno.test("describeConfig predicts the loss on given tokens and fills in heads and vocabulary", () => {
  const report = describeConfig({ layers: 4, modelD: 384, tokens: 1.4e7, epochs: 60 });
  assertEquals(report.model.heads, 6);
  assertEquals(report.model.vocab, report.vocabRecommended);
  const on = report.onTokens!;
  assertEquals(on.tokensSeen, 1.4e7 * 60);
  assert(on.effectiveTokens < on.tokensSeen && on.effectiveTokens > 15 * 1.4e7);
  assert(on.predictedLoss !== null && on.predictedPerplexity !== null, on.prediction.withheld!);
  assertAlmostEquals(on.predictedPerplexity, Math.exp(on.predictedLoss), 1e-9);
  assertEquals(
    describeConfig({ layers: 4, modelD: 384, heads: 12, vocab: 8000 }).model.params,
    10_160_640,
  );
  assertThrows(() => describeConfig({ layers: 4, modelD: 384, heads: 5 }), UserError, "heads");
  assertThrows(() => describeConfig({ layers: 4, modelD: 384, tokens: 0 }), UserError, "tokens");
});
