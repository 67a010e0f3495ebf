/**
 * Training-loop scenarios that every backend must pass (the cpu reference in model_train_loop_test,
 * the native path in model_native_loop_test): an exact resume, and no leak over 200 steps.
 */
import * as tf from "@tensorflow/tfjs-core";
import { listCheckpoints } from "../model/run/checkpoint.ts";
import { readMetrics } from "../model/run/metrics.ts";
import { train, type TrainOptions } from "../model/train/loop.ts";
import { assert, assertAlmostEquals, assertEquals } from "./assert.ts";
import { memoryStore, tinyTrainOptions } from "./model_train_fixture.ts";

export type Store = Awaited<ReturnType<typeof memoryStore>>;

/** The tiny model on the in-memory Markov store, 20 steps, an eval every 10 on 256 tokens. */
export function tiny(store: Store, out: string): TrainOptions {
  return tinyTrainOptions(out, {
    shards: store,
    warmup: 2,
    steps: 20,
    evalEvery: 10,
    evalTokens: 256,
  });
}

export async function withStore(
  fn: (store: Store, dir: string) => Promise<void>,
) {
  const store = await memoryStore();
  const dir = await Deno.makeTempDir({ prefix: "train_loop_" });
  try {
    await fn(store, dir);
  } finally {
    await store.cleanup();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Interrupted at step 5 and resumed, a run logs the losses of an unbroken run at steps 6 to 15. */
export async function exactResume(store: Store, dir: string): Promise<void> {
  const whole = await train({ ...tiny(store, `${dir}/whole`), steps: 15 });
  const controller = new AbortController();
  const first = await train({
    ...tiny(store, `${dir}/broken`),
    steps: 15,
    signal: controller.signal,
    onStep: (record) => record.step === 5 && controller.abort(),
  });
  assertEquals(first.status, "interrupted");
  assertEquals(first.step, 5);
  assertEquals((await listCheckpoints(`${dir}/broken`)).at(-1)!.step, 5);
  const second = await train({
    shards: store,
    resume: `${dir}/broken`,
    log: () => {},
  });
  assertEquals(second.step, 15);
  const a = await readMetrics(`${dir}/whole/metrics.jsonl`);
  const b = await readMetrics(`${dir}/broken/metrics.jsonl`);
  assertEquals(b.map((r) => r.step), a.map((r) => r.step));
  for (let step = 6; step <= 15; step++) {
    assertAlmostEquals(b[step - 1].loss, a[step - 1].loss, 1e-5, `loss at step ${step}`);
  }
  assertAlmostEquals(b[14].val_loss!, a[14].val_loss!, 1e-5);
  assertAlmostEquals(second.loss, whole.loss, 1e-5);
}

/**
 * 200 steps leave the tensor count of step 10; with `memory`, also the JS heap and ArrayBuffer memory
 * within 16 MB of it (the native path allocates its buffers once; tfjs's cpu and wasm backends leave
 * garbage that only a collection frees, so their heap is not a measure of leaks).
 */
export async function noLeaks(store: Store, dir: string, { memory: checkMemory = false } = {}) {
  const counts = new Map<number, number>();
  const memory = new Map<number, Deno.MemoryUsage>();
  await train({
    ...tiny(store, `${dir}/run`),
    steps: 200,
    accum: 2,
    evalEvery: 50,
    evalTokens: 64,
    keep: 1,
    onStep: (record) => {
      counts.set(record.step, tf.memory().numTensors);
      if (record.step === 10 || record.step === 200) memory.set(record.step, Deno.memoryUsage());
    },
  });
  assertEquals(counts.get(200), counts.get(10));
  assertEquals(counts.get(100), counts.get(10));
  if (!checkMemory) return;
  const [early, late] = [memory.get(10)!, memory.get(200)!];
  const limit = 16 * 2 ** 20;
  assert(late.heapUsed - early.heapUsed < limit, `heap grew ${late.heapUsed - early.heapUsed} B`);
  assert(
    late.external - early.external < limit,
    `buffers grew ${late.external - early.external} B`,
  );
}
