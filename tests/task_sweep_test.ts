/**
 * End-to-end tests of `deno task sweep` and of the measured law in `size` and `train`: a tiny real
 * sweep (2 budgets × 3 sizes on a small store) is interrupted, resumed, fitted, and its law.json
 * loaded; bad input is refused in one line with exit code 1 and nothing of the sweep lost.
 */
import { openStore, tokenizeCorpus } from "../pipeline/mod.ts";
import { lawStoreOf, planWithLaw, readLaw, RESULT_FILE, writeLaw } from "../model/sweep/mod.ts";
import { simulatedLaw } from "./sweep_law_fixture.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";
import { decodeOutput, runTaskProcess, taskCommand } from "./task_process.ts";

const dir = await Deno.makeTempDir({ prefix: "task_sweep_" });
// Real text: the first 400 documents of the default corpus, at two vocabularies.
const store = `${dir}/data`, other = `${dir}/other`;
for (const [outDir, vocabSize] of [[store, 300], [other, 290]] as const) {
  await tokenizeCorpus({ maxDocs: 400, vocabSize, valFraction: 0.05, outDir, workers: 1 });
}
// 2 budgets × 3 sizes of 20–60K parameters, 20–70 updates each: seconds in all.
const GRID = [
  ...["--budgets", "3e10,6e10", "--sizes", "3", "--center", "4"],
  ...["--resamples", "200", "--starts", "coarse"],
];
const out = `${dir}/sweep`;
const sweepArgs = ["--data", store, ...GRID, "--out", out, "--jobs", "1", "--json"];

Deno.test("sweep: interrupted, then resumed to a fitted law.json and its two charts", async () => {
  const child = taskCommand("sweep", sweepArgs).spawn();
  // Interrupt once the first run has finished and the second has a checkpoint.
  const runs = `${out}/runs`;
  for (let waited = 0; waited < 120_000; waited += 50) {
    const names = await Array.fromAsync(Deno.readDir(runs)).catch(() => []);
    const done = await Promise.all(
      names.map((entry) =>
        Deno.stat(`${runs}/${entry.name}/${RESULT_FILE}`).then(() => 1, () => 0)
      ),
    );
    const checkpointed = await Promise.all(
      names.map((entry) =>
        Array.fromAsync(Deno.readDir(`${runs}/${entry.name}/checkpoints`)).then(
          (files) => files.length > 0 ? 1 : 0,
          () => 0,
        )
      ),
    );
    if (done.reduce((a, b) => a + b, 0) >= 1 && checkpointed.reduce((a, b) => a + b, 0) >= 2) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill("SIGINT");
  const first = decodeOutput(await child.output());
  assertEquals(first.code, 130, first.stderr);
  assertStringIncludes(first.stdout, "interrupted");

  const second = await runTaskProcess("sweep", ...sweepArgs);
  assertEquals(second.code, 0, second.stderr);
  const result = JSON.parse(second.stdout);
  assertEquals(result.status, "done");
  assertEquals(result.runs, 6);
  assert(result.skipped >= 1, `skipped ${result.skipped}`);
  assert(
    result.skipped + result.resumed >= 2,
    `skipped ${result.skipped}, resumed ${result.resumed}`,
  );

  const law = await readLaw(`${out}/law.json`);
  assertEquals(law.runs.length, 6);
  assertEquals(law.approach3.resamples, 200);
  assertEquals(law.approach3.starts, 243);
  for (const run of law.runs) {
    assert(run.valLoss > 0 && run.valLoss < Math.log(300), `${run.valLoss}`);
    const outcome = JSON.parse(await Deno.readTextFile(`${out}/runs/${run.name}/${RESULT_FILE}`));
    assertEquals(outcome.val_loss, run.valLoss);
  }
  // Approach 2 and its charts, or the reason it could not be fitted (a minimum in 2 budgets).
  if (law.approach2) {
    assertEquals(law.approach2.profiles.length, 2);
    for (const chart of ["isoflop.svg", "frontier.svg"]) {
      assertMatch(await Deno.readTextFile(`${out}/${chart}`), /^<svg[\s\S]*<\/svg>\s*$/);
    }
  } else {
    assertMatch(law.approach2Failure!, /minimum/);
  }
  // Every run is an ordinary run folder: eval works on it.
  const evaluated = await runTaskProcess("eval", "--run", `${out}/runs/${law.runs[0].name}`);
  assertEquals(evaluated.code, 0, evaluated.stderr);

  // Run again: nothing to train, the same law's runs.
  const third = JSON.parse((await runTaskProcess("sweep", ...sweepArgs)).stdout);
  assertEquals(third.skipped, 6);
});

Deno.test("size --law and train --law --flops use a measured law of the store", async () => {
  // A law of known constants for this store (the tiny sweep's own may have no usable minimum).
  const law = `${dir}/simulated_law.json`;
  await writeLaw(
    law,
    simulatedLaw(lawStoreOf(await openStore(store)), [3e10, 6e10, 1.2e11], {
      sizes: 3,
      centerTokensPerParam: 4,
    }),
  );
  const sized = await runTaskProcess("size", "--law", law, "--flops", "1e12", "--json");
  assertEquals(sized.code, 0, sized.stderr);
  const plan = JSON.parse(sized.stdout);
  assertEquals(plan.flops, 1e12);
  assertEquals(plan.extrapolation_side, "above");
  assert(plan.extrapolation_factor > 5, `${plan.extrapolation_factor}`);
  assert(plan.predicted_loss > 0 && plan.predicted_loss_interval.length === 2);
  const text = await runTaskProcess("size", "--law", law, "--flops", "1e11");
  assertEquals(text.code, 0, text.stderr);
  assertMatch(text.stdout, /loss {9}[0-9.]+ nats per token \[[0-9.]+, [0-9.]+\] \(95%\)/);
  assertMatch(text.stdout, /inside the fitted budgets/);
  // --data: the store's train tokens, seen once.
  const data = JSON.parse(
    (await runTaskProcess("size", "--law", law, "--data", store, "--json")).stdout,
  );
  const update = data.tokens / data.steps; // whole updates: within half of one
  assert(Math.abs(data.tokens - (await openStore(store)).tokens("train")) <= update / 2);

  const trained = await runTaskProcess(
    "train",
    ...["--data", store, "--law", law, "--flops", "4e10", "--out", `${dir}/law-run`, "--json"],
  );
  assertEquals(trained.code, 0, trained.stderr);
  const summary = JSON.parse(trained.stdout);
  const expected = planWithLaw(await readLaw(law), { flops: 4e10 }, law);
  assertEquals(summary.step, expected.steps);
  assertEquals(summary.predicted_val_loss, expected.predictedLoss!.value);
  assert(Number.isFinite(summary.val_loss));
  assertStringIncludes(trained.stderr, `size: law          ${law}`);
});

Deno.test("sweep, size and train: bad input is one line, exit code 1, and the sweep is kept", async () => {
  const before = await Array.fromAsync(Deno.readDir(`${out}/runs`));
  const corrupt = `${dir}/corrupt.json`;
  await Deno.writeTextFile(corrupt, '{"format": "microgpt-scaling-law", "version": 1, "appro');
  const notLaw = `${dir}/not_law.json`;
  await Deno.writeTextFile(notLaw, '{"hello": 1}');
  const cases: [string, string[], RegExp][] = [
    ["sweep", ["--data", store, "--budgets", "3e10,6e10", "--sizes", "2"], /at least 3 sizes/],
    ["sweep", ["--data", store, "--budgets", "3e10"], /at least 2 different budgets/],
    [
      "sweep",
      ["--data", store, "--budgets", "1e6,2e6"],
      /too close to the smallest model.*at least/,
    ],
    ["sweep", ["--data", store, "--budgets", "abc,1e10"], /--budgets/],
    // Another grid into the same folder is refused, not mixed in.
    ["sweep", [
      "--data",
      store,
      "--budgets",
      "3e10,9e10",
      "--sizes",
      "3",
      "--center",
      "4",
      "--out",
      out,
    ], /holds a sweep of budgets/],
    ["sweep", ["--data", other, ...GRID, "--out", out], /holds a sweep of another store/],
    ["size", ["--law", corrupt, "--flops", "1e11"], /corrupt\.json: not JSON/],
    ["size", ["--law", notLaw, "--flops", "1e11"], /not_law\.json: not a law file/],
    ["size", ["--law", `${dir}/missing.json`, "--flops", "1e11"], /no such file/],
    ["size", ["--law", `${out}/law.json`, "--data", other], /another tokenizer/],
    [
      "train",
      ["--data", other, "--law", `${out}/law.json`, "--flops", "1e10"],
      /another tokenizer/,
    ],
    [
      "train",
      ["--data", store, "--law", `${out}/law.json`, "--model-d", "32"],
      /--law picks the model/,
    ],
    ["train", ["--data", store, "--flops", "1e10"], /--flops needs a measured law/],
  ];
  for (const [task, args, pattern] of cases) {
    const { code, stderr } = await runTaskProcess(task, ...args);
    const message = stderr.trim().split("\n").filter((line) => line.startsWith("error")).join("\n");
    assertEquals(code, 1, `${task} ${args.join(" ")}: ${stderr}`);
    assertMatch(message, pattern);
    assertEquals(message.split("\n").length, 1, message);
    assert(!stderr.includes("    at "), `a stack trace: ${stderr}`);
  }
  assertEquals((await Array.fromAsync(Deno.readDir(`${out}/runs`))).length, before.length);
  await readLaw(`${out}/law.json`);
});

Deno.test("sweep --help documents every flag", async () => {
  const { code, stdout } = await runTaskProcess("sweep", "--help");
  assertEquals(code, 0);
  for (const flag of ["--budgets", "--sizes", "--center", "--jobs", "--out", "--data", "--json"]) {
    assertStringIncludes(stdout, flag);
  }
});

Deno.test("cleanup", async () => {
  await Deno.remove(dir, { recursive: true });
});
