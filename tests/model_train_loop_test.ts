import { initBackend } from "../model/backend/init.ts";
import { listCheckpoints, readCheckpointInfo } from "../model/run/checkpoint.ts";
import { readMetrics } from "../model/run/metrics.ts";
import { readSafetensors } from "../model/run/safetensors.ts";
import { train } from "../model/train/loop.ts";
import { UserError } from "../core/user_error.ts";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "./assert.ts";
import { exactResume, noLeaks, tiny, withStore } from "./model_train_scenarios.ts";

await initBackend("cpu");

Deno.test("a run learns the Markov store, logs every step and leaves checkpoints, tokenizer and plot", async () => {
  await withStore(async (store, dir) => {
    const out = `${dir}/run`;
    const result = await train({ ...tiny(store, out), lr: 3e-2, steps: 100, evalEvery: 50 });
    assertEquals(result.status, "done");
    assertEquals(result.step, 100);
    const records = await readMetrics(`${out}/metrics.jsonl`);
    assertEquals(records.map((r) => r.step), Array.from({ length: 100 }, (_, i) => i + 1));
    assertEquals(records[0].lr, 0, "optax: the first update uses the schedule at count 0");
    assertAlmostEquals(records[1].lr, 1.5e-2, 1e-12); // warmup 2: count 1 -> peak / 2
    // Uniform guessing is ln 32 = 3.47 nats; the chain has 1 bit (0.69 nats) of entropy per token.
    assert(records[0].loss > 3.2, `initial loss ${records[0].loss}`);
    const val = records.filter((r) => r.val_loss !== undefined);
    assertEquals(val.map((r) => r.step), [50, 100]);
    assert(val[1].val_loss! < 1.6, `val loss after 100 steps ${val[1].val_loss}`);
    assertAlmostEquals(val[1].val_ppl!, Math.exp(val[1].val_loss!), 1e-9);
    assertEquals((await listCheckpoints(out)).map((c) => c.step), [0, 50, 100]);
    assertEquals(
      await Deno.readTextFile(`${out}/tokenizer.json`),
      await Deno.readTextFile(`${store.path}/tokenizer.json`),
    );
    assert((await Deno.readTextFile(`${out}/loss.svg`)).includes("<polyline"));
    const info = await readCheckpointInfo(result.checkpoint);
    assertEquals(info.step, 100);
    assertEquals(info.optimizer.count, 100);
    assertEquals(info.config, {
      layers: 1,
      model_d: 16,
      heads: 2,
      vocab: 32,
      ctx: 8,
      block: "original",
    });
    assertEquals(info.tokens_seen, 100 * 4 * 8);
  });
});

Deno.test("interrupted at step 5 and resumed, a run reaches the same loss at step 15 as without the break", async () => {
  await withStore(exactResume);
});

Deno.test("no tensor leaks: the tensor count after step 10 equals the count after step 200", async () => {
  await withStore(noLeaks);
});

Deno.test("accum 2 × batch 2 makes the same update as batch 4 (same windows, gradients averaged)", async () => {
  await withStore(async (store, dir) => {
    const params: Record<string, Float32Array[]> = {};
    for (const [name, batch, accum] of [["one", 4, 1], ["two", 2, 2]] as const) {
      params[name] = [];
      await train({
        ...tiny(store, `${dir}/${name}`),
        batch,
        accum,
        steps: 3,
        warmup: 0,
        onStep: (record, model) => {
          if (record.step === 3) {
            for (const variable of model.params.values()) {
              params[name].push(variable.dataSync() as Float32Array);
            }
          }
        },
      });
    }
    const a = await readMetrics(`${dir}/one/metrics.jsonl`);
    const b = await readMetrics(`${dir}/two/metrics.jsonl`);
    a.forEach((r, i) => assertAlmostEquals(b[i].loss, r.loss, 1e-5, `loss at step ${r.step}`));
    a.forEach((r, i) =>
      assertAlmostEquals(b[i].grad_norm, r.grad_norm, 1e-4, `norm at step ${r.step}`)
    );
    params.one.forEach((values, p) =>
      values.forEach((v, i) => assertAlmostEquals(params.two[p][i], v, 1e-5))
    );
  });
});

Deno.test("a non-finite loss stops the run with the step and grad norm; the last good step is saved", async () => {
  await withStore(async (store, dir) => {
    const out = `${dir}/run`;
    // warmup 0 and a rate of 1e30: the first update is finite but leaves the weights so large that the next
    // forward pass overflows float32.
    const error = await assertRejects(
      () => train({ ...tiny(store, out), lr: 1e30, warmup: 0, clip: 0 }),
      UserError,
      "training stopped at step 2",
    );
    assert(
      /gradient norm/.test(error.message) && error.message.includes("step-00000001.json"),
      error.message,
    );
    assertEquals((await listCheckpoints(out)).map((c) => c.step), [0, 1]);
    // Saved after the failed step: had its update been applied, these would be NaN.
    const { tensors } = await readSafetensors(
      `${out}/checkpoints/step-00000001.params.safetensors`,
    );
    for (const [name, tensor] of tensors) {
      assert((tensor.data as Float32Array).every(Number.isFinite), `${name} is not finite`);
    }
    assertEquals((await readMetrics(`${out}/metrics.jsonl`)).map((r) => r.step), [1]);
  });
});

Deno.test("bad requests: another vocabulary, an existing run, a resume that changes the model", async () => {
  await withStore(async (store, dir) => {
    await assertRejects(
      () => train({ ...tiny(store, `${dir}/a`), vocab: 64 }),
      UserError,
      "--vocab 64 differs",
    );
    await train({ ...tiny(store, `${dir}/b`), steps: 2 });
    await assertRejects(
      () => train({ ...tiny(store, `${dir}/b`), steps: 2 }),
      UserError,
      "--resume",
    );
    await assertRejects(
      () => train({ shards: store, resume: `${dir}/b`, modelD: 32, log: () => {} }),
      UserError,
      "--model-d 32",
    );
    await assertRejects(
      () => train({ ...tiny(store, `${dir}/c`), steps: 5, epochs: 1 }),
      UserError,
      "--steps and --epochs",
    );
  });
});

Deno.test('a run folder whose checkpoints say block "seed" (the old name) resumes as "original"', async () => {
  await withStore(async (store, dir) => {
    const out = `${dir}/old`;
    await train({ ...tiny(store, out), steps: 2, evalEvery: 2 });
    // Rewrite every checkpoint JSON as a version before the rename wrote it.
    for (const { path } of await listCheckpoints(out)) {
      const json = JSON.parse(await Deno.readTextFile(path));
      json.config.block = "seed";
      await Deno.writeTextFile(path, JSON.stringify(json));
    }
    const lines: string[] = [];
    const resumed = await train({
      shards: store,
      resume: out,
      steps: 3,
      block: "original",
      log: (line) => lines.push(line),
    });
    assertEquals([resumed.step, resumed.plan.config.block], [3, "original"]);
    assert(lines.some((line) => line.includes("block original")), lines.join("\n"));
    assertEquals((await readCheckpointInfo(resumed.checkpoint)).config.block, "original");
  });
});
