import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../model/backend/init.ts";
import {
  latestCheckpoint,
  listCheckpoints,
  loadOptimizer,
  loadParams,
  readCheckpointInfo,
  resolveCheckpoint,
  saveCheckpoint,
} from "../model/run/checkpoint.ts";
import { type GptConfig } from "../model/gpt/config.ts";
import { microGpt } from "../model/gpt/gpt.ts";
import { AdamW } from "../model/train/optimizer.ts";
import { Random } from "../model/gpt/random.ts";
import { UserError } from "../core/user_error.ts";
import { parseBlockKind } from "../core/block_kind.ts";
import { gptConfigFromJson, trainPlanFromJson, trainPlanToJson } from "../model/run/run_json.ts";
import type { TrainPlan } from "../model/train/plan.ts";
import { TOOLKIT_VERSION } from "../core/version.ts";
import { assert, assertEquals, assertRejects } from "./assert.ts";

await initBackend("cpu");

const config: GptConfig = { layers: 1, modelD: 8, heads: 2, vocab: 20, ctx: 4, block: "original" };

function infoFor(step: number, random: Random) {
  return {
    step,
    config: { layers: 1, model_d: 8, heads: 2, vocab: 20, ctx: 4, block: "original" },
    training: { batch: 2 },
    schedule: {
      init_value: 0,
      peak_value: 1e-3,
      warmup_steps: 1,
      decay_steps: 10,
      end_value: 0,
      exponent: 1,
    },
    random_state: random.state(),
    tokens_seen: step * 8,
    tokenizer_sha256: "ab".repeat(32),
  };
}

/** A model and optimizer whose moments hold something other than zeros. */
function trained(seed: number) {
  const model = microGpt(config, seed);
  const optimizer = new AdamW(model.params);
  const gradients = new Map([...model.params].map(([name, p]) => [name, tf.onesLike(p)]));
  optimizer.update(model.params, gradients, 1e-2);
  tf.dispose([...gradients.values()]);
  return { model, optimizer };
}

async function values(variables: Map<string, tf.Variable>) {
  return Object.fromEntries(
    await Promise.all([...variables].map(async ([k, v]) => [k, [...await v.data()]])),
  );
}

Deno.test("a checkpoint restores parameters, moments and count bit for bit", async () => {
  const dir = await Deno.makeTempDir();
  const a = trained(1), b = trained(2);
  try {
    const path = await saveCheckpoint(dir, { ...a, info: infoFor(1, new Random(3)) });
    assertEquals(path, `${dir}/checkpoints/step-00000001.json`);
    const info = await readCheckpointInfo(path);
    assertEquals(info.toolkit_version, TOOLKIT_VERSION);
    assertEquals(info.random_state, new Random(3).state());
    await loadParams(path, info, b.model);
    await loadOptimizer(path, info, b.optimizer);
    assertEquals(await values(b.model.params), await values(a.model.params));
    assertEquals(await values(b.optimizer.mu), await values(a.optimizer.mu));
    assertEquals(await values(b.optimizer.nu), await values(a.optimizer.nu));
    assertEquals(b.optimizer.count, 1);
  } finally {
    for (const x of [a, b]) x.model.dispose(), x.optimizer.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--keep N leaves the newest N; a run folder, a JSON or a safetensors path all find a checkpoint", async () => {
  const dir = await Deno.makeTempDir();
  const a = trained(1);
  try {
    for (const step of [1, 2, 3, 4]) {
      await saveCheckpoint(dir, { ...a, info: infoFor(step, new Random(0)) }, 2);
    }
    assertEquals((await listCheckpoints(dir)).map((c) => c.step), [3, 4]);
    const files = [...Deno.readDirSync(`${dir}/checkpoints`)].map((e) => e.name).sort();
    assertEquals(files, [
      "step-00000003.json",
      "step-00000003.optimizer.safetensors",
      "step-00000003.params.safetensors",
      "step-00000004.json",
      "step-00000004.optimizer.safetensors",
      "step-00000004.params.safetensors",
    ]);
    const json = `${dir}/checkpoints/step-00000004.json`;
    assertEquals(await latestCheckpoint(dir), json);
    assertEquals(await resolveCheckpoint(dir), json);
    assertEquals(
      await resolveCheckpoint(`${dir}/checkpoints/step-00000003.params.safetensors`),
      `${dir}/checkpoints/step-00000003.json`,
    );
    assertEquals(await resolveCheckpoint(json), json);
    await assertRejects(() => latestCheckpoint(`${dir}/nothing`), UserError, "no such run folder");
    await assertRejects(() => resolveCheckpoint(`${dir}/nope.json`), UserError, "no such file");
  } finally {
    a.model.dispose(), a.optimizer.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a checkpoint of another config is refused by name and leaves the model untouched", async () => {
  const dir = await Deno.makeTempDir();
  const a = trained(1);
  const other = microGpt({ ...config, modelD: 12, heads: 3 }, 5);
  const deeper = microGpt({ ...config, layers: 2 }, 5);
  try {
    const path = await saveCheckpoint(dir, { ...a, info: infoFor(1, new Random(0)) });
    const info = await readCheckpointInfo(path);
    const before = await values(other.params);
    await assertRejects(
      () => loadParams(path, info, other),
      UserError,
      "tensor 'embed' is F32 [20,8]",
    );
    assertEquals(await values(other.params), before);
    await assertRejects(() => loadParams(path, info, deeper), UserError, "'ln2.gain' is missing");
  } finally {
    a.model.dispose(), a.optimizer.dispose(), other.dispose(), deeper.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("corrupt or foreign checkpoint files are UserErrors naming the file; nothing half-loaded", async () => {
  const dir = await Deno.makeTempDir();
  const a = trained(1), b = trained(2);
  try {
    const path = await saveCheckpoint(dir, { ...a, info: infoFor(1, new Random(0)) });
    const info = await readCheckpointInfo(path);
    const params = `${dir}/checkpoints/${info.params_file}`;
    const bytes = await Deno.readFile(params);
    await Deno.writeFile(params, bytes.subarray(0, bytes.length - 10)); // truncated: a disk-full copy
    const before = await values(b.model.params);
    const error = await assertRejects(() => loadParams(path, info, b.model), UserError, params);
    assert(error.message.includes("not a valid safetensors file"), error.message);
    assertEquals(await values(b.model.params), before);
    await Deno.writeTextFile(path, "{ not json");
    await assertRejects(() => readCheckpointInfo(path), UserError, `${path}: not a checkpoint`);
    await Deno.writeTextFile(path, JSON.stringify({ format: "something-else" }));
    await assertRejects(
      () => readCheckpointInfo(path),
      UserError,
      "not a checkpoint of this toolkit",
    );
    await Deno.writeTextFile(
      path,
      JSON.stringify({ ...info, config: { ...info.config, heads: 0 } }),
    );
    await assertRejects(() => readCheckpointInfo(path), UserError, "bad fields");
  } finally {
    for (const x of [a, b]) x.model.dispose(), x.optimizer.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test('a checkpoint JSON saying block "seed" (the old name) reads as "original"; others are refused', async () => {
  const dir = await Deno.makeTempDir();
  const a = trained(1);
  try {
    const path = await saveCheckpoint(dir, { ...a, info: infoFor(1, new Random(0)) });
    const json = JSON.parse(await Deno.readTextFile(path));
    await Deno.writeTextFile(
      path,
      JSON.stringify({ ...json, config: { ...json.config, block: "seed" } }),
    );
    assertEquals((await readCheckpointInfo(path)).config.block, "original");
    await Deno.writeTextFile(
      path,
      JSON.stringify({ ...json, config: { ...json.config, block: "post" } }),
    );
    await assertRejects(
      () => readCheckpointInfo(path),
      UserError,
      "config.block: expected original or preln",
    );
  } finally {
    a.model.dispose(), a.optimizer.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a plan's JSON form round-trips; the old block name and the --block alias read as original", () => {
  const plan: TrainPlan = {
    data: "data/x",
    config: { ...config, block: "preln" },
    batch: 4,
    accum: 2,
    steps: 30,
    schedule: {
      initValue: 0,
      peakValue: 1e-3,
      warmupSteps: 3,
      decaySteps: 30,
      endValue: 1e-5,
      exponent: 1,
    },
    weightDecay: 0.01,
    clip: 1,
    seed: 5,
    evalEvery: 10,
    evalTokens: 256,
    keep: 3,
  };
  const json = JSON.parse(JSON.stringify(trainPlanToJson(plan)));
  assertEquals(json.config.model_d, 8);
  assertEquals(json.training.weight_decay, 0.01);
  assertEquals(json.schedule.peak_value, 1e-3);
  assertEquals(trainPlanFromJson(json, "x.json"), plan);
  const old = gptConfigFromJson({ ...json.config, block: "seed" }, "x.json");
  assertEquals(old.block, "original");
  assertEquals(parseBlockKind("seed", "--block"), "original");
  assertEquals(parseBlockKind("preln", "--block"), "preln");
});
