/** End-to-end tests of `deno task generate`: a tiny run folder is written, the task is spawned. */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../model/backend/init.ts";
import { saveCheckpoint } from "../model/run/checkpoint.ts";
import { gptConfigToJson } from "../model/run/run_json.ts";
import type { GptConfig } from "../model/gpt/config.ts";
import { generate, generateTokens } from "../model/inference/generate.ts";
import { AdamW } from "../model/train/optimizer.ts";
import { trainBpe } from "../pipeline/mod.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";
import { runTaskProcess } from "./task_process.ts";
import { randomisedGpt } from "./model_fixture_gpt.ts";

function generateTask(...args: string[]) {
  return runTaskProcess("generate", "--backend", "cpu", ...args);
}

await initBackend("cpu");
const runDir = await Deno.makeTempDir({ prefix: "generate_run_" });
const tokenizer = await trainBpe(
  ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog"],
  { vocabSize: 300 },
);
await tokenizer.save(`${runDir}/tokenizer.json`);
const config: GptConfig = {
  layers: 1,
  modelD: 16,
  heads: 2,
  vocab: tokenizer.vocabSize,
  ctx: 8,
  block: "original",
};
const model = randomisedGpt(config, 4, 0.15);
const optimizer = new AdamW(model.params);
await saveCheckpoint(runDir, {
  model,
  optimizer,
  info: {
    step: 5,
    config: gptConfigToJson(config),
    training: {},
    schedule: {
      init_value: 0,
      peak_value: 5e-4,
      warmup_steps: 1,
      decay_steps: 10,
      end_value: 1e-5,
      exponent: 1,
    },
    random_state: [1, 2, 3, 4],
    tokens_seen: 0,
    tokenizer_sha256: "",
  },
});

Deno.test("generate streams the prompt and a seeded continuation; the library gives the same text", async () => {
  const args = ["--run", runDir, "--prompt", "the cat", "--max-new", "20", "--seed", "3"];
  const first = await generateTask(...args, "--ignore-eot");
  assertEquals(first.code, 0, first.stderr);
  assert(first.stdout.startsWith("the cat"), first.stdout);
  assertMatch(first.stderr, /20 tokens in [\d.]+ s: [\d.]+ tokens\/s \(with the KV cache\)/);
  assertStringIncludes(first.stderr, "step 5; 1 layers, model_d 16");
  // Deterministic, with or without the cache (20 tokens > ctx 8: the window slides).
  const again = await generateTask(...args, "--ignore-eot", "--no-cache");
  assertEquals(again.stdout, first.stdout);
  const pieces: string[] = [];
  const options = { maxNew: 20, seed: 3, ignoreEndOfText: true };
  for await (const piece of generate(model, tokenizer, "the cat", options)) pieces.push(piece);
  assertEquals(first.stdout, `the cat${pieces.join("")}\n`);
});

Deno.test("generate: greedy and filtered sampling run; an empty prompt works", async () => {
  for (
    const extra of [["--temperature", "0"], ["--top-k", "5", "--top-p", "0.9"], ["--prompt", ""]]
  ) {
    const result = await generateTask("--run", runDir, "--max-new", "5", ...extra);
    assertEquals(result.code, 0, `${extra}: ${result.stderr}`);
  }
});

Deno.test("generate: bad flags and a run without a checkpoint are one-line errors", async () => {
  const cases: [string[], string][] = [
    [["--run", runDir, "--top-p", "2"], "--top-p: must be in (0, 1]"],
    [["--run", runDir, "--temperature", "-1"], "--temperature"],
    [["--run", runDir, "--max-new", "0"], "--max-new"],
    [["--prompt", "hi"], "--run"],
    [["--run", `${runDir}/checkpoints/..`, "--backend", "gpu"], "--backend"],
  ];
  const empty = await Deno.makeTempDir({ prefix: "generate_empty_" });
  cases.push([["--run", empty], "no checkpoint"], [["--run", `${empty}/missing`], "no such"]);
  for (const [args, message] of cases) {
    const result = await generateTask(...args);
    assertEquals(result.code, 1, args.join(" "));
    assertStringIncludes(result.stderr, message);
    assert(!result.stderr.includes("    at "), `no stack trace: ${result.stderr}`);
  }
  await Deno.remove(empty, { recursive: true });
});

Deno.test("generate --json prints one object: the prompt's ids, the generated ids, their text", async () => {
  const args = ["--run", runDir, "--max-new", "12", "--seed", "3", "--ignore-eot", "--json"];
  const result = await generateTask(...args, "--prompt", "the cat");
  assertEquals(result.code, 0, result.stderr);
  assertEquals(result.stdout.trim().split("\n").length, 1, result.stdout);
  const out = JSON.parse(result.stdout);
  assertEquals(Object.keys(out), ["prompt_ids", "ids", "text"]);
  assertEquals(out.prompt_ids, Array.from(tokenizer.encode("the cat")));
  const expected: number[] = [];
  for await (const id of generateTokens(model, out.prompt_ids, { maxNew: 12, seed: 3 })) {
    expected.push(id);
  }
  assertEquals(out.ids, expected);
  assertEquals(out.text, tokenizer.decode(expected));
  // An empty prompt starts from <|endoftext|>; greedy stops before it (never in ids).
  const empty = JSON.parse((await generateTask(...args, "--temperature", "0")).stdout);
  assertEquals(empty.prompt_ids, [tokenizer.eotId]);
  const stopping = await generateTask("--run", runDir, "--max-new", "30", "--json");
  assert(!JSON.parse(stopping.stdout).ids.includes(tokenizer.eotId));
});

Deno.test("generate --help documents every flag", async () => {
  const result = await generateTask("--help");
  assertEquals(result.code, 0);
  for (
    const flag of [
      "--run",
      "--prompt",
      "--max-new",
      "--temperature",
      "--top-k",
      "--top-p",
      "--seed",
      "--json",
    ]
  ) {
    assertStringIncludes(result.stdout, flag);
  }
});

Deno.test("cleanup", async () => {
  model.dispose();
  tf.dispose([...optimizer.mu.values(), ...optimizer.nu.values()]);
  await Deno.remove(runDir, { recursive: true });
});
