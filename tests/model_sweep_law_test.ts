import { assert, assertAlmostEquals, assertEquals, assertMatch, assertThrows } from "./assert.ts";
import { UserError } from "../core/user_error.ts";
import {
  checkLawStore,
  closestSweepModel,
  defaultLawFor,
  type LawStore,
  parseLaw,
  planWithLaw,
  readLaw,
  sweepFamily,
  writeLaw,
} from "../model/sweep/mod.ts";
import { parametricFrontier } from "../scaling/mod.ts";
import { SIMULATED, simulatedLaw, simulatedLoss } from "./sweep_law_fixture.ts";

const STORE: LawStore = {
  path: "data/x/tokens.zarr",
  tokenizerSha256: "ab".repeat(32),
  vocab: 512,
  trainTokens: 40_000_000,
  valTokens: 200_000,
  valBytes: 400_000,
};
const law = simulatedLaw(STORE, [5e11, 1.5e12, 5e12]);

Deno.test("a law fitted to exact simulated runs sizes and predicts as its constants do", () => {
  const frontier = parametricFrontier({ name: "x", smallestFittedParams: 1, ...SIMULATED });
  const plan = planWithLaw(law, { flops: 5e13 }, "simulated");
  assertAlmostEquals(plan.paramsOptimal / frontier.paramsForCompute(5e13), 1, 0.02);
  assertEquals(plan.model, closestSweepModel(plan.paramsOptimal, 512));
  assertAlmostEquals(plan.tokens / (5e13 / (6 * plan.model.params)), 1, 0.01);
  assertAlmostEquals(
    plan.predictedLoss!.value,
    simulatedLoss(plan.model.params, plan.tokens),
    2e-3,
  );
  const [low, high] = plan.predictedLoss!.interval;
  assert(low <= plan.predictedLoss!.value && plan.predictedLoss!.value <= high);
  assertEquals(plan.extrapolation.side, "above");
  assertAlmostEquals(
    plan.extrapolation.factor,
    5e13 / Math.max(...law.runs.map((r) => r.flops)),
    1e-9,
  );
  // Bits per byte: nats × tokens / (ln 2 × bytes) of the law's val split.
  assertAlmostEquals(
    plan.predictedBitsPerByte![0],
    plan.predictedLoss!.value / (2 * Math.LN2),
    1e-12,
  );
  const inside = planWithLaw(law, { flops: 1.5e12 }, "simulated");
  assertEquals(inside.extrapolation, { factor: 1, side: "inside" });
});

Deno.test("a token budget: the model for which those tokens are compute-optimal, trained once", () => {
  const plan = planWithLaw(law, { tokens: 3e6 }, "simulated");
  assertAlmostEquals(plan.tokens / 3e6, 1, 0.01);
  assert(plan.paramsOptimal > 0 && plan.predictedLoss !== null);
});

Deno.test("no prediction where the law's figure is worse than a uniform guess", () => {
  // 1e8 FLOPs buy the smallest model a few thousand tokens: the law says more than ln(512).
  const plan = planWithLaw(law, { flops: 1e8 }, "simulated");
  assertEquals(plan.model.params, sweepFamily(512, 0)[0].params);
  assertEquals(plan.predictedLoss, null);
  assertEquals(plan.predictedBitsPerByte, null);
  assertMatch(plan.withheld!, /above ln\(512\), a uniform guess/);
});

Deno.test("law.json round-trips; corrupt, foreign and mismatched files are one-line errors", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/law.json`;
  await writeLaw(path, law);
  const text = await Deno.readTextFile(path);
  assertMatch(text, /"tokenizer_sha256"/);
  assertMatch(text, /"approach3_non_embedding"/);
  assertEquals(await readLaw(path), law);
  const refuse = (content: string, pattern: RegExp) => {
    const error = assertThrows(() => parseLaw(content, "law.json"), UserError);
    assertMatch(error.message, pattern);
    assert(!error.message.includes("\n"));
  };
  refuse(text.slice(0, 200), /law\.json: not JSON/);
  refuse("[1, 2]", /not a law file/);
  refuse(text.replace('"version": 1', '"version": 7'), /version 7/);
  refuse(
    text.replace(/"alpha": \{\n\s*"value": [0-9.e-]+/, '"alpha": {"value": "x"'),
    /approach3\.alpha/,
  );
  const other = { ...STORE, tokenizerSha256: "cd".repeat(32) };
  assertMatch(
    assertThrows(() => checkLawStore(law, other, path), UserError).message,
    /another tokenizer/,
  );
  assertMatch(
    assertThrows(() => checkLawStore(law, { ...STORE, trainTokens: 5 }, path), UserError).message,
    /another store/,
  );
  checkLawStore(law, STORE, path);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a default law applies to its own store only, and only when it sizes models", async () => {
  const dir = await Deno.makeTempDir();
  const file = new URL(`file://${dir}/default_law.json`);
  assertEquals(await defaultLawFor(STORE, file), null); // none committed
  await writeLaw(file.pathname, law);
  assertEquals(await defaultLawFor(STORE, file), await readLaw(file.pathname));
  assertEquals(await defaultLawFor({ ...STORE, trainTokens: 1 }, file), null);
  assertEquals(await defaultLawFor({ ...STORE, tokenizerSha256: "cd".repeat(32) }, file), null);
  const flat = {
    ...law,
    approach3: { ...law.approach3, beta: { ...law.approach3.beta, value: -0.1 } },
  };
  await writeLaw(file.pathname, flat);
  assertEquals(await defaultLawFor(STORE, file), null);
  await Deno.remove(dir, { recursive: true });
});
