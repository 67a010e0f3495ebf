import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import {
  compareSeedClaims,
  configReportToJson,
  describeConfig,
  formatConfigReport,
  formatPlan,
  formatSeedClaims,
  planForTokens,
  planToJson,
  seedComparisonToJson,
} from "../scaling/mod.ts";

Deno.test("planToJson carries every field the issue asks for, in snake_case, JSON-safe", () => {
  const plan = planForTokens(2.5e8, { epochs: 4 });
  const json = JSON.parse(JSON.stringify(planToJson(plan)));
  assertEquals(json.law, "chinchilla");
  for (const key of ["tokens", "flops", "params_optimal", "epochs", "predicted_loss"]) {
    assert(Number.isFinite(json[key]), key);
  }
  assertEquals(json.tokens, 2.5e8);
  assertEquals(json.epochs, 4);
  assertEquals(json.model, {
    layers: plan.model.layers,
    model_d: plan.model.modelD,
    heads: plan.model.heads,
    vocab: plan.model.vocab,
    params: plan.model.params,
    block: "original",
  });
  assertEquals(json.alternatives.length, 5);
  for (const alt of json.alternatives) {
    for (const key of ["model_d", "params", "predicted_loss", "predicted_loss_same_flops"]) {
      assert(Number.isFinite(alt[key]), key);
    }
  }
});

Deno.test("formatPlan shows the budget, the optimum, the model, the loss fit and the width table", () => {
  const plan = planForTokens(1e9);
  const text = formatPlan(plan);
  assertStringIncludes(text, "1,000,000,000 train tokens × 1 epoch");
  assertStringIncludes(text, `${plan.model.params.toLocaleString("en-US")} exact`);
  assertStringIncludes(text, "Hoffmann et al. 2022, Approach 3 fit");
  assertStringIncludes(text, "model_d  heads");
  const marked = text.split("\n").filter((line) => line.startsWith(">"));
  assertEquals(marked.length, 1);
  assertStringIncludes(marked[0], ` ${plan.model.modelD} `);
  assert(text.endsWith(plan.explanation));
});

Deno.test("the configuration report and its JSON agree", () => {
  const report = describeConfig({ layers: 4, modelD: 512, vocab: 9000, tokens: 1e8 });
  const text = formatConfigReport(report);
  assertStringIncludes(text, "17,205,248 exact");
  assertStringIncludes(text, "optimal for");
  const json = configReportToJson(report);
  assertEquals(json.params, 17_205_248);
  assertEquals(json.optimal_tokens, report.optimalTokens);
  assertEquals(json.tokens, 1e8);
});

Deno.test("the seed-claims table has a row per set-up, law and epoch count", () => {
  const rows = compareSeedClaims();
  assertEquals(rows.length, 2 * 3 * 3);
  const lines = formatSeedClaims(rows).split("\n");
  assertEquals(lines.length, rows.length + 1);
  assert(lines.every((line) => line === line.trimEnd()));
  assertEquals(seedComparisonToJson(rows[0]).setup, "openwebtext10k");
});
