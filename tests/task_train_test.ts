/** End-to-end tests of `deno task train`: a small store of the default corpus, the task spawned as deno.json runs it. */
import { listCheckpoints, readCheckpointInfo } from "../model/run/checkpoint.ts";
import { readMetrics } from "../model/run/metrics.ts";
import { tokenizeCorpus } from "../pipeline/mod.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";
import { decodeOutput, runTaskProcess, taskCommand, tinyModelFlags } from "./task_process.ts";

const trainTask = (...args: string[]) => runTaskProcess("train", ...args);

const dir = await Deno.makeTempDir({ prefix: "task_train_" });
const data = `${dir}/data`;
await tokenizeCorpus({ outDir: data, vocabSize: 300, maxDocs: 3000, valFraction: 0.05 });
// A model small enough for the cpu backend: a few steps in a second or two.
const tiny = ["--backend", "cpu", ...tinyModelFlags(data)];
const small = [...tiny, "--ctx", "8", "--batch", "4", "--eval-tokens", "256"];

Deno.test("train --help lists every flag", async () => {
  const { code, stdout } = await trainTask("--help");
  assertEquals(code, 0);
  for (
    const flag of [
      "--preset",
      "--model-d",
      "--decay-steps",
      "--accum",
      "--resume",
      "--keep",
      "--backend",
    ]
  ) {
    assertStringIncludes(stdout, flag);
  }
});

Deno.test("a short run (--block seed: the original wiring) prints JSON and leaves checkpoints, metrics, plot and tokenizer", async () => {
  const out = `${dir}/short`;
  const { code, stdout, stderr } = await trainTask(
    ...small,
    "--out",
    out,
    "--steps",
    "4",
    "--block",
    "seed", // the old name of the original wiring, still accepted
    "--json",
  );
  assertEquals(code, 0, stderr);
  assertStringIncludes(stderr, "backend: cpu");
  assertStringIncludes(stderr, "model: 1 layer, model_d 16, 2 heads, vocab 300, ctx 8");
  assertStringIncludes(stderr, "block original");
  const result = JSON.parse(stdout);
  assertEquals([result.status, result.step, result.run], ["done", 4, out]);
  assert(
    result.val_loss > 0 &&
      Math.abs(result.val_ppl - Math.exp(result.val_loss)) < 1e-6 * result.val_ppl,
  );
  assertEquals((await readMetrics(`${out}/metrics.jsonl`)).map((r) => r.step), [1, 2, 3, 4]);
  assertEquals(
    await Deno.readTextFile(`${out}/tokenizer.json`),
    await Deno.readTextFile(`${data}/tokenizer.json`),
  );
  assertStringIncludes(await Deno.readTextFile(`${out}/loss.svg`), "</svg>");
  const info = await readCheckpointInfo(result.checkpoint);
  assertEquals(info.step, 4);
  assertEquals(JSON.parse(await Deno.readTextFile(result.checkpoint)).config.block, "original");
});

Deno.test("without size flags the scaling laws size the model and say why", async () => {
  const args = ["--backend", "cpu", "--data", data, "--ctx", "8", "--batch", "2", "--steps", "1"];
  const { code, stderr } = await trainTask(...args, "--out", `${dir}/sized`, "--eval-tokens", "64");
  assertEquals(code, 0, stderr);
  assertMatch(
    stderr,
    /model size from the scaling laws \(no --layers\/--model-d\/--heads given\): 1 layer/,
  );
  assertStringIncludes(stderr, "chinchilla");
});

Deno.test("Ctrl-C saves a checkpoint and exits cleanly; --resume finishes the run", async () => {
  const out = `${dir}/interrupted`;
  const child = taskCommand("train", [
    ...small,
    "--out",
    out,
    "--steps",
    "100000",
    "--eval-every",
    "100000",
  ]).spawn();
  // Wait for a few logged steps, then interrupt.
  for (let i = 0; i < 600; i++) {
    const lines = await Deno.readTextFile(`${out}/metrics.jsonl`).catch(() => "");
    if (lines.split("\n").length > 3) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGINT");
  const { code, stdout, stderr } = decodeOutput(await child.output());
  assertEquals(code, 0, stderr);
  assertMatch(stdout, /^interrupted .* at step \d+/);
  const saved = (await listCheckpoints(out)).at(-1)!.step;
  assert(saved >= 3 && saved < 100000, `checkpoint at step ${saved}`);
  assertEquals((await readMetrics(`${out}/metrics.jsonl`)).at(-1)!.step, saved);
  const resumed = await trainTask(
    "--backend",
    "cpu",
    "--resume",
    out,
    "--steps",
    String(saved + 2),
    "--json",
  );
  assertEquals(resumed.code, 0, resumed.stderr);
  assertStringIncludes(resumed.stderr, `resuming ${out} at step ${saved}`);
  assertEquals(JSON.parse(resumed.stdout).step, saved + 2);
});

Deno.test("bad input: one line on stderr, exit 1, nothing written", async () => {
  const cases: [string[], string][] = [
    [["--backend", "cpu", "--data", `${dir}/missing`], "does not exist (run deno task tokenize)"],
    [[...small, "--batch", "many"], "--batch: expected a number, got 'many'"],
    [[...small, "--vocab", "512", "--steps", "1"], "--vocab 512 differs from the vocabulary"],
    [[...small, "--heads", "3", "--steps", "1"], "model_d 16 is not divisible by heads 3"],
    [[...small, "--steps", "1", "--epochs", "2"], "--steps and --epochs"],
    [["--backend", "cpu", "--resume", `${dir}/no-run`], "no such"],
    [[...small, "--block", "postln"], "--block: expected original or preln"],
  ];
  for (const [args, message] of cases) {
    const out = `${dir}/bad`;
    const { code, stderr } = await trainTask(...args, "--out", out);
    assertEquals(code, 1, stderr);
    const lines = stderr.trim().split("\n").filter((line) => line.startsWith("error:"));
    assertEquals(lines.length, 1, stderr);
    assertStringIncludes(lines[0], message);
    assertEquals(await Deno.stat(`${out}/checkpoints`).then(() => true, () => false), false);
  }
});

Deno.test("cleanup", async () => {
  await Deno.remove(dir, { recursive: true });
});
