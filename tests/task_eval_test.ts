/** End-to-end tests of `deno task eval`: a run trained in-process on a small store, the task spawned as deno.json runs it. */
import { initBackend } from "../model/backend/init.ts";
import { readCheckpointInfo } from "../model/run/checkpoint.ts";
import { evaluate } from "../model/inference/evaluate.ts";
import { loadRun } from "../model/run/run_folder.ts";
import { train } from "../model/train/loop.ts";
import { openStore, tokenizeCorpus } from "../pipeline/mod.ts";
import { assertAlmostEquals, assertEquals, assertStringIncludes } from "./assert.ts";
import { tinyTrainOptions } from "./model_train_fixture.ts";
import { runTaskProcess } from "./task_process.ts";

const evalTask = (...args: string[]) => runTaskProcess("eval", "--backend", "cpu", ...args);

await initBackend("cpu");
const dir = await Deno.makeTempDir({ prefix: "task_eval_" });
const data = `${dir}/data`;
await tokenizeCorpus({ outDir: data, vocabSize: 300, maxDocs: 3000, valFraction: 0.05 });
const run = `${dir}/run`;
const trained = await train(tinyTrainOptions(run, { data, steps: 6, evalEvery: 3 }));

Deno.test("eval --json: val loss and perplexity of the whole val split, bits per byte from the store's counts", async () => {
  const { code, stdout, stderr } = await evalTask("--run", run, "--json");
  assertEquals(code, 0, stderr);
  const result = JSON.parse(stdout);
  assertEquals(result.step, 6);
  const shards = await openStore(data);
  // Every token but the first of each 9-token window is predicted once; the remainder is dropped.
  assertEquals(result.tokens, Math.floor((shards.tokens("val") - 1) / 8) * 8);
  assertAlmostEquals(result.val_ppl, Math.exp(result.val_loss), 1e-9 * result.val_ppl);
  const tokensPerByte = shards.tokens("val") / shards.bytes("val");
  assertAlmostEquals(result.bits_per_byte, result.val_loss * tokensPerByte / Math.LN2, 1e-9);
  // The same figure in-process: the task adds nothing to the library's number.
  const loaded = await loadRun(run);
  const direct = await evaluate(loaded.model, shards);
  loaded.model.dispose();
  assertAlmostEquals(result.val_loss, direct.valLoss, 1e-6);
  // train's own final eval covered the same windows (the val split is smaller than its eval budget).
  assertAlmostEquals(result.val_loss, trained.evaluation!.valLoss, 1e-6);
});

Deno.test("eval --checkpoint picks one checkpoint; --tokens caps the tokens; the text form names the run", async () => {
  const older = `${run}/checkpoints/step-00000003.params.safetensors`;
  const { code, stdout, stderr } = await evalTask(
    "--checkpoint",
    older,
    "--json",
    "--tokens",
    "80",
  );
  assertEquals(code, 0, stderr);
  const result = JSON.parse(stdout);
  assertEquals([result.step, result.tokens], [3, 80]);
  const text = await evalTask("--run", run);
  assertEquals(text.code, 0, text.stderr);
  assertStringIncludes(text.stdout, "(step 6)");
  assertStringIncludes(text.stdout, "bits/byte");
});

Deno.test("bad input: missing run, corrupt safetensors, another store: one line, exit 1", async () => {
  const info = await readCheckpointInfo(trained.checkpoint);
  const params = `${run}/checkpoints/${info.params_file}`;
  const bytes = await Deno.readFile(params);
  const other = `${dir}/other`;
  await tokenizeCorpus({ outDir: other, vocabSize: 300, maxDocs: 500, valFraction: 0.05 });
  try {
    await Deno.writeFile(params, bytes.subarray(0, 100));
    const cases: [string[], string][] = [
      [["--run", `${dir}/nothing`], "no such file or folder"],
      [["--run", run], `${params}: not a valid safetensors file`],
      [[], "give one of --run or --checkpoint"],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await evalTask(...args);
      assertEquals(code, 1, stderr);
      assertStringIncludes(stderr, `error: `);
      assertStringIncludes(stderr, message);
    }
    await Deno.writeFile(params, bytes);
    const foreign = await evalTask("--run", run, "--data", other);
    assertEquals(foreign.code, 1, foreign.stderr);
    assertStringIncludes(foreign.stderr, "encoded with another tokenizer");
  } finally {
    await Deno.writeFile(params, bytes);
  }
});

Deno.test("cleanup", async () => {
  await Deno.remove(dir, { recursive: true });
});
