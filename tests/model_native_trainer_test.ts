/**
 * The native trainer: its updates equal `trainStep`'s on tfjs; a batch split across Workers gives
 * the losses of the unsplit batch (20 steps, within 1e-5 relative); `writeBack` hands the model
 * and optimizer state back to tfjs; 200 steps leave no tensors and no memory behind.
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../model/backend/init.ts";
import { NativeTrainer } from "../model/backend/native/native_trainer.ts";
import type { GptConfig } from "../model/gpt/config.ts";
import { microGpt } from "../model/gpt/gpt.ts";
import { AdamW } from "../model/train/optimizer.ts";
import { trainStep } from "../model/train/step.ts";
import { assert, assertAlmostEquals, assertEquals } from "./assert.ts";
import { testBlas, withoutBlas } from "./model_native_fixture.ts";

const CONFIG: GptConfig = {
  layers: 2,
  modelD: 32,
  heads: 4,
  vocab: 61,
  ctx: 16,
  block: "original",
};
const SHAPE = { batch: 6, ctx: CONFIG.ctx, accum: 2, clip: 0.5 };

/** Deterministic batches: step s, accumulation a. */
function batches(count: number): Int32Array[] {
  return Array.from(
    { length: count },
    (_, s) =>
      new Int32Array(SHAPE.batch * (CONFIG.ctx + 1)).map((_, i) =>
        (i * 13 + s * 7 + (i * i) % 11) % CONFIG.vocab
      ),
  );
}

async function nativeLosses(threads: number, steps: number, data: Int32Array[]) {
  const model = microGpt(CONFIG, 1), optimizer = new AdamW(model.params);
  const trainer = await NativeTrainer.create(model, optimizer, testBlas(), {
    threads,
    batch: SHAPE.batch,
  });
  let next = 0;
  const losses: number[] = [];
  try {
    for (let s = 0; s < steps; s++) {
      losses.push((await trainer.step(SHAPE, 1e-2, () => Promise.resolve(data[next++]))).loss);
    }
    trainer.writeBack();
    return { losses, model, optimizer, threads: trainer.threadCount };
  } finally {
    trainer.dispose();
  }
}

Deno.test({
  name:
    "native trainer: 10 updates equal trainStep's on wasm (losses, parameters, optimizer count)",
  ignore: withoutBlas,
  async fn() {
    await initBackend("wasm");
    const data = batches(20);
    const reference = microGpt(CONFIG, 1), referenceOptimizer = new AdamW(reference.params);
    let next = 0;
    const expected: number[] = [];
    for (let s = 0; s < 10; s++) {
      const outcome = await trainStep(
        reference,
        referenceOptimizer,
        SHAPE,
        1e-2,
        () => Promise.resolve(data[next++]),
      );
      expected.push(outcome.loss);
    }
    const { losses, model, optimizer } = await nativeLosses(1, 10, data);
    losses.forEach((loss, s) =>
      assertAlmostEquals(loss, expected[s], 1e-5 * expected[s], `loss at step ${s + 1}`)
    );
    assertEquals(optimizer.count, 10);
    for (const [name, variable] of model.params) {
      const actual = await variable.data(), wanted = await reference.params.get(name)!.data();
      wanted.forEach((value, i) => assertAlmostEquals(actual[i], value, 1e-4, `${name}[${i}]`));
    }
    for (const [name, moment] of optimizer.nu) {
      const actual = await moment.data(), wanted = await referenceOptimizer.nu.get(name)!.data();
      wanted.forEach((value, i) =>
        assertAlmostEquals(actual[i], value, 1e-6 + 1e-3 * value, `nu ${name}`)
      );
    }
    model.dispose();
    reference.dispose();
    optimizer.dispose();
    referenceOptimizer.dispose();
  },
});

Deno.test({
  name:
    "native trainer: the batch split across 2 and 3 threads gives the unsplit losses for 20 steps (1e-5)",
  ignore: withoutBlas,
  async fn() {
    await initBackend("wasm");
    const data = batches(40);
    const single = await nativeLosses(1, 20, data);
    for (const threads of [2, 3]) {
      const split = await nativeLosses(threads, 20, data);
      assertEquals(split.threads, threads);
      split.losses.forEach((loss, s) =>
        assertAlmostEquals(
          loss,
          single.losses[s],
          1e-5 * single.losses[s],
          `${threads} threads, step ${s + 1}`,
        )
      );
      split.model.dispose();
      split.optimizer.dispose();
    }
    single.model.dispose();
    single.optimizer.dispose();
  },
});

Deno.test({
  name: "native trainer: no tensor and no memory left behind between step 10 and step 200",
  ignore: withoutBlas,
  async fn() {
    await initBackend("wasm");
    const model = microGpt(CONFIG, 2), optimizer = new AdamW(model.params);
    const trainer = await NativeTrainer.create(model, optimizer, testBlas(), {
      threads: 2,
      batch: SHAPE.batch,
    });
    const data = batches(1)[0];
    const shape = { ...SHAPE, accum: 1 };
    try {
      let tensorsAt10 = 0, heapAt10 = 0, externalAt10 = 0;
      for (let s = 1; s <= 200; s++) {
        await trainer.step(shape, 1e-3, () => Promise.resolve(data));
        if (s % 50 === 0) trainer.writeBack(); // as the loop does at a checkpoint
        if (s === 10) {
          tensorsAt10 = tf.memory().numTensors;
          heapAt10 = Deno.memoryUsage().heapUsed;
          externalAt10 = Deno.memoryUsage().external; // ArrayBuffers: the native path's buffers
        }
      }
      assertEquals(tf.memory().numTensors, tensorsAt10, "tensors at step 200 vs step 10");
      const growth = Deno.memoryUsage().heapUsed - heapAt10;
      assert(growth < 8 * 1024 * 1024, `the JS heap grew by ${growth} bytes over 190 steps`);
      const external = Deno.memoryUsage().external - externalAt10;
      assert(external < 8 * 1024 * 1024, `buffers grew by ${external} bytes over 190 steps`);
    } finally {
      trainer.dispose();
      model.dispose();
      optimizer.dispose();
    }
  },
});
