/**
 * The committed law (model/sweep/default_law.json) is the default of `size --data` and `train` on
 * the store `deno task tokenize` makes of the embedded corpus: if the tokenizer or the corpus
 * changed, the law would silently stop applying, and this test says so.
 */
import { openStore, tokenizeCorpus } from "../pipeline/mod.ts";
import {
  DEFAULT_LAW_FILE,
  DEFAULT_LAW_SOURCE,
  defaultLawFor,
  lawStoreOf,
  measuredCenter,
  planSweep,
  planWithLaw,
  readLaw,
} from "../model/sweep/mod.ts";
import { assert, assertAlmostEquals, assertEquals, assertStringIncludes } from "./assert.ts";
import { runTaskProcess } from "./task_process.ts";

const dir = await Deno.makeTempDir({ prefix: "default_law_" });
// The defaults of `deno task tokenize`: the whole embedded corpus at its default vocabulary.
const data = `${dir}/default`;
await tokenizeCorpus({ outDir: data });

Deno.test("the committed law is the default corpus store's, and it sizes models", async () => {
  const committed = await readLaw(DEFAULT_LAW_FILE.pathname);
  const law = await defaultLawFor(lawStoreOf(await openStore(data)));
  assertEquals(law, committed);
  const { alpha, beta } = committed.approach3;
  assert(alpha.value > 0 && beta.value > 0, `α ${alpha.value}, β ${beta.value}`);
  // Made of at least 2 budgets × 3 sizes, as `sweep` requires.
  assert(committed.runs.length >= 6, `${committed.runs.length} runs`);
});

Deno.test("a sweep of the default store centres its grid on the committed law", async () => {
  const store = lawStoreOf(await openStore(data));
  const center = await measuredCenter(store);
  assert(center !== undefined);
  const law = await readLaw(DEFAULT_LAW_FILE.pathname);
  const optimum = planWithLaw(law, { flops: 1e12 }, DEFAULT_LAW_SOURCE).paramsOptimal;
  assertAlmostEquals(center.frontier.paramsForCompute(1e12) / optimum, 1, 1e-9);
  const plan = planSweep({
    budgets: [3e11, 1e12],
    vocab: store.vocab,
    trainTokens: store.trainTokens,
    centerLaw: center,
  });
  assertStringIncludes(plan.center, DEFAULT_LAW_SOURCE);
  // Another store is centred as before: on Chinchilla's optimum.
  assertEquals(await measuredCenter({ ...store, trainTokens: store.trainTokens - 1 }), undefined);
});

Deno.test("size --data and train on the default store use the committed law", async () => {
  const sized = await runTaskProcess("size", "--data", data, "--json");
  assertEquals(sized.code, 0, sized.stderr);
  const plan = JSON.parse(sized.stdout);
  assertEquals(plan.law, DEFAULT_LAW_SOURCE);
  const law = await readLaw(DEFAULT_LAW_FILE.pathname);
  const store = lawStoreOf(await openStore(data));
  const expected = planWithLaw(law, { tokens: store.trainTokens }, DEFAULT_LAW_SOURCE);
  assertEquals(plan.model.params, expected.model.params);
  assertEquals(plan.predicted_loss, expected.predictedLoss?.value ?? null);

  // --epochs: the budget is every token seen.
  const twice = await runTaskProcess("size", "--data", data, "--epochs", "2", "--json");
  assertEquals(twice.code, 0, twice.stderr);
  const seen = planWithLaw(law, { tokens: 2 * store.trainTokens }, DEFAULT_LAW_SOURCE);
  assertEquals(JSON.parse(twice.stdout).tokens, seen.tokens);
  assert(seen.tokens > 1.9 * store.trainTokens);
  // A flag that shapes the model: the published law, as for any store …
  const shaped = await runTaskProcess("size", "--data", data, "--ctx", "64", "--json");
  assertEquals(shaped.code, 0, shaped.stderr);
  assert(!shaped.stdout.includes(DEFAULT_LAW_SOURCE));
  // … and beside a law asked for, one line.
  const refused = await runTaskProcess(
    "size",
    ...["--data", data, "--law", DEFAULT_LAW_FILE.pathname, "--ctx", "64", "--block", "preln"],
  );
  assertEquals(refused.code, 1);
  assertEquals(refused.stderr.split("\n").filter((line) => line.startsWith("error")), [
    "error: --law FILE sizes the model from the sweep's family: drop --ctx/--block",
  ]);

  // A small budget keeps the run to seconds; the model and its prediction are the law's.
  const out = `${dir}/run`;
  const trained = await runTaskProcess(
    "train",
    "--data",
    data,
    "--flops",
    "1e10",
    "--out",
    out,
    "--json",
  );
  assertEquals(trained.code, 0, trained.stderr);
  const summary = JSON.parse(trained.stdout.trim().split("\n").at(-1)!);
  const small = planWithLaw(law, { flops: 1e10 }, DEFAULT_LAW_SOURCE);
  assertEquals(summary.step, small.steps);
  assertEquals(summary.predicted_val_loss, small.predictedLoss?.value ?? null);
  assert(Number.isFinite(summary.val_loss));
  assertStringIncludes(trained.stderr, DEFAULT_LAW_SOURCE);
});

Deno.test("the committed law gives way to --steps; a law asked for refuses length flags", async () => {
  // The user set the length: the run is sized as without a measured law, and predicts nothing.
  const own = await runTaskProcess(
    "train",
    ...["--data", data, "--steps", "3", "--eval-every", "3", "--out", `${dir}/own`, "--json"],
  );
  assertEquals(own.code, 0, own.stderr);
  const summary = JSON.parse(own.stdout.trim().split("\n").at(-1)!);
  assertEquals([summary.step, summary.predicted_val_loss], [3, null]);
  assert(!own.stderr.includes(DEFAULT_LAW_SOURCE), own.stderr);
  for (const flag of [["--batch", "4"], ["--steps", "9"], ["--ctx", "64"]]) {
    const refused = await runTaskProcess(
      "train",
      ...["--data", data, "--law", DEFAULT_LAW_FILE.pathname, "--flops", "1e10", ...flag],
    );
    assertEquals(refused.code, 1, refused.stderr);
    const message = refused.stderr.split("\n").filter((line) => line.startsWith("error"));
    assertEquals(message, [
      `error: --law picks the model and the run's length: drop ${flag[0]}`,
    ]);
  }
  await Deno.remove(dir, { recursive: true });
});
