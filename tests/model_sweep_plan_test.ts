import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./assert.ts";
import { UserError } from "../core/user_error.ts";
import {
  closestSweepModel,
  expectedRunCost,
  longestFirst,
  planSweep,
  SIZE_SPACING,
  SWEEP_CTX,
  sweepFamily,
  sweepHyperparameters,
  sweepModel,
  sweepTrainRequest,
} from "../model/sweep/mod.ts";
import { countParams, scalingLaw } from "../scaling/mod.ts";

const STORE = { vocab: 512, trainTokens: 4_393_463 };

Deno.test("sweep family: exact parameter counts, growing, heads of size 32 to 128 from width 32", () => {
  const family = sweepFamily(512, 3e6);
  for (const model of family) {
    assertEquals(model.params, countParams(model));
    assertEquals(model.params - model.nonEmbeddingParams, 512 * model.modelD);
    const headSize = model.modelD / model.heads;
    if (model.modelD < 32) assertEquals([model.layers, model.heads], [1, 1]);
    else assert(headSize >= 32 && headSize <= 128, `head size ${headSize}`);
  }
  assertEquals(family.slice(0, 3).map((model) => model.modelD), [16, 24, 32]);
  for (let i = 1; i < family.length; i++) {
    // Never more than about one grid step (SIZE_SPACING) apart, so every target has a model near it.
    const ratio = family[i].params / family[i - 1].params;
    assert(ratio > 1 && ratio < 1.75, `${family[i - 1].params} → ${family[i].params}`);
  }
  assertEquals(closestSweepModel(231_000, 512).modelD, 64);
});

Deno.test("planSweep: sizes spaced in log N around the Chinchilla optimum, budgets spent", () => {
  const plan = planSweep({ budgets: [5e12, 5e11, 1.5e12], ...STORE });
  assertEquals(plan.budgets, [5e11, 1.5e12, 5e12]);
  assertEquals(plan.runs.length, 15);
  const chinchilla = scalingLaw("chinchilla").frontier;
  for (const budget of plan.budgets) {
    const runs = plan.runs.filter((run) => run.budget === budget);
    assertEquals(runs.length, 5);
    // Distinct and growing; the middle one within one step of the expected optimum.
    for (let i = 1; i < runs.length; i++) assert(runs[i].model.params > runs[i - 1].model.params);
    const ratio = runs[2].model.params / chinchilla.paramsForCompute(budget);
    assert(ratio > 1 / SIZE_SPACING && ratio < SIZE_SPACING, `middle at ${ratio}× the optimum`);
    for (const run of runs) {
      // C = 6ND to within half an update of tokens.
      const update = run.hyperparameters.batch * SWEEP_CTX;
      assertEquals(run.tokens, run.steps * update);
      assert(Math.abs(run.flops - budget) <= 6 * run.model.params * update / 2 + 1);
      assertEquals(run.hyperparameters.endLr, run.hyperparameters.lr / 10);
    }
  }
});

Deno.test("planSweep --center: the grid sits on R tokens per parameter", () => {
  const plan = planSweep({ budgets: [1e12, 4e12], sizes: 3, ...STORE, centerTokensPerParam: 5 });
  for (const budget of plan.budgets) {
    const middle = plan.runs.filter((run) => run.budget === budget)[1];
    const optimum = Math.sqrt(budget / 30);
    assert(Math.abs(Math.log(middle.model.params / optimum)) < Math.log(SIZE_SPACING));
  }
});

Deno.test("planSweep refuses grids it cannot build or centre, in one line", () => {
  const refuse = (request: Parameters<typeof planSweep>[0], pattern: RegExp) => {
    const error = assertThrows(() => planSweep(request), UserError);
    assert(pattern.test(error.message), error.message);
    assert(!error.message.includes("\n"));
  };
  refuse({ budgets: [1e12, 3e12], sizes: 2, ...STORE }, /--sizes 2: .*at least 3/);
  refuse({ budgets: [1e12], ...STORE }, /at least 2 different budgets/);
  refuse({ budgets: [1e12, 1e12], ...STORE }, /at least 2 different budgets/);
  refuse({ budgets: [1e12, -1], ...STORE }, /not a positive number/);
  // The study's vocabulary: its smallest model (one block of width 16) is 131,184 parameters,
  // and no grid below 8e12 can straddle the optimum.
  refuse(
    { budgets: [1e11, 1e12], vocab: 8000, trainTokens: 2.3e6 },
    /--budgets 1\.0e11: .*smallest model of vocabulary 8000 \(131,184\).*at least 8\.1e12 FLOPs.*--vocab 512/,
  );
});

Deno.test("the learning-rate rule falls with the width; the request ends its cosine at the last step", () => {
  const narrow = sweepHyperparameters(sweepModel(4, 32, 512), 4e6);
  const wide = sweepHyperparameters(sweepModel(4, 128, 512), 4e6);
  assertAlmostEquals(narrow.lr / wide.lr, 2, 1e-12);
  assertEquals(narrow.batch, 8); // 4M tokens: 3,906 updates of 8 windows
  assertEquals(narrow.steps, 3906);
  assertEquals(narrow.warmup, 100);
  assertEquals(narrow.endLr, narrow.lr / 10);
  assertEquals(sweepHyperparameters(sweepModel(4, 32, 512), 1e5).warmup, 4);
  const run = sweepHyperparameters(sweepModel(4, 64, 512), 37 * 8 * 128);
  const request = sweepTrainRequest(sweepModel(4, 64, 512), run);
  assertEquals(request.decaySteps, 37);
  assertEquals(request.steps, 37);
  assertEquals(request.evalTokens, 0);
  assertEquals(request.evalEvery, 10);
});

Deno.test("runs start longest first: the largest budget's smallest model, the smallest's largest last", () => {
  const plan = planSweep({ budgets: [3e11, 1e12, 3e12], ...STORE, centerTokensPerParam: 50 });
  const order = longestFirst(plan.runs);
  assertEquals(
    order.map((run) => run.name).toSorted(),
    plan.runs.map((run) => run.name).toSorted(),
  );
  for (let i = 1; i < order.length; i++) {
    assert(expectedRunCost(order[i - 1]) >= expectedRunCost(order[i]));
  }
  assertEquals(order[0], plan.runs.find((run) => run.budget === 3e12));
  assertEquals(order.at(-1), plan.runs.findLast((run) => run.budget === 3e11));
});
