/** A borrowed law's loss is given only where it can be true of the user's run. */
import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import {
  CHINCHILLA_APPROACH_3,
  chooseModel,
  configReportToJson,
  dataConstrainedLoss,
  describeConfig,
  EXTRAPOLATION_LIMIT,
  formatConfigReport,
  formatPlan,
  planForTokens,
  planToJson,
  predictLossFor,
} from "../scaling/mod.ts";

const fit = CHINCHILLA_APPROACH_3;

Deno.test("inside the fit's range the prediction is the data-constrained loss", () => {
  const query = { params: 100e6, tokensSeen: 2e9, uniqueTokens: 2e9, vocab: 32_000 };
  const prediction = predictLossFor(fit, query);
  assertEquals(prediction.loss, dataConstrainedLoss(fit, 100e6, 2e9, 2e9));
  assertEquals(prediction.perplexity, Math.exp(prediction.loss!));
  assertEquals([prediction.extrapolated, prediction.withheld], [false, null]);
});

Deno.test("down to a tenth of the smallest fitted model it is made, marked as an extrapolation", () => {
  const params = fit.smallestFittedParams / EXTRAPOLATION_LIMIT;
  const prediction = predictLossFor(fit, {
    params,
    tokensSeen: 1e9,
    uniqueTokens: 1e9,
    vocab: 32_000,
  });
  assert(prediction.loss !== null, prediction.withheld!);
  assertEquals(prediction.extrapolated, true);
});

Deno.test("further below the fit's range no prediction is made, and the reason says so", () => {
  const params = fit.smallestFittedParams / EXTRAPOLATION_LIMIT / 1.5;
  const prediction = predictLossFor(fit, {
    params,
    tokensSeen: 1e10,
    uniqueTokens: 1e10,
    vocab: 1e6,
  });
  assertEquals([prediction.loss, prediction.perplexity], [null, null]);
  assertStringIncludes(prediction.withheld!, "more than 10× below the 70M of the smallest model");
  assert(!prediction.withheld!.includes("uniform"), "the loss itself is below ln(vocab)");
});

Deno.test("a figure above ln(vocab), worse than a uniform guess, is withheld", () => {
  // The default store's case: 8,000 tokens, the smallest micro_gpt, a few million train tokens.
  const query = { params: 561_600, tokensSeen: 2.6e6, uniqueTokens: 2.6e6, vocab: 8000 };
  assert(dataConstrainedLoss(fit, 561_600, 2.6e6, 2.6e6) > Math.log(8000), "the law's figure");
  const prediction = predictLossFor(fit, query);
  assertEquals(prediction.loss, null);
  assertStringIncludes(prediction.withheld!, "above ln(8,000) = 8.99 nats");
  assertStringIncludes(prediction.withheld!, "uniform guess");
  // Within the fit's size range the ln(vocab) test alone also withholds it.
  const small = predictLossFor(fit, {
    params: 70e6,
    tokensSeen: 1e3,
    uniqueTokens: 1e3,
    vocab: 300,
  });
  assertEquals(small.loss, null);
  assertEquals(
    small.withheld,
    "its figure would be above ln(300) = 5.70 nats, the loss of a uniform guess over the vocabulary",
  );
});

Deno.test("the train task's explanation, the size report and its JSON say no prediction is made", () => {
  const chosen = chooseModel({ trainTokens: 2.6e6, vocab: 8000 });
  assert(!chosen.explanation.includes("predicts a loss"), chosen.explanation);
  assertStringIncludes(chosen.explanation, "Approach 3 makes no loss prediction for this run:");
  assertStringIncludes(chosen.explanation, "above ln(8,000) = 8.99 nats");

  const plan = planForTokens(5e6);
  assertEquals([plan.predictedLoss, plan.predictedPerplexity], [null, null]);
  assert(plan.lossWithheld !== null);
  const json = JSON.parse(JSON.stringify(planToJson(plan)));
  assertEquals([json.predicted_loss, json.predicted_perplexity], [null, null]);
  assertEquals(json.predicted_loss_withheld, plan.lossWithheld);
  for (const alt of json.alternatives) assertEquals(alt.predicted_loss, null);
  const text = formatPlan(plan);
  assertStringIncludes(text, `loss         no prediction: ${plan.lossWithheld}`);

  const report = describeConfig({ layers: 1, modelD: 64, vocab: 8000, tokens: 2.6e6 });
  assertEquals(report.onTokens!.predictedLoss, null);
  assertStringIncludes(formatConfigReport(report), "no prediction: ");
  const reportJson = configReportToJson(report);
  assertEquals(reportJson.predicted_loss, null);
  assertEquals(reportJson.predicted_loss_withheld, report.onTokens!.prediction.withheld);
});

Deno.test("a plan in the fit's range still predicts, with a null reason", () => {
  const plan = planForTokens(1e9);
  assert(plan.predictedLoss !== null && plan.predictedLoss < Math.log(plan.model.vocab));
  assertEquals(planToJson(plan).predicted_loss_withheld, null);
  assertStringIncludes(plan.explanation, "Approach 3 predicts a loss of");
});
