/**
 * The training loop gives the same numbers on every backend: five steps of a tiny model from the same seed on
 * cpu, wasm, native (where a BLAS library loads) and WebGPU log the same losses and gradient norms (to float32 rounding). A backend kernel that
 * computes a wrong value or gradient shows up here as a diverging loss.
 */
import { initBackend } from "../model/backend/init.ts";
import { readMetrics } from "../model/run/metrics.ts";
import { train } from "../model/train/loop.ts";
import { assertAlmostEquals } from "./assert.ts";
import { withoutBlas } from "./model_native_fixture.ts";
import { memoryStore, tinyTrainOptions } from "./model_train_fixture.ts";

Deno.test("five training steps agree across cpu, wasm, native and webgpu", async () => {
  const store = await memoryStore();
  const dir = await Deno.makeTempDir({ prefix: "train_backends_" });
  try {
    const logs: Record<string, { loss: number; grad_norm: number }[]> = {};
    const backends = [
      "cpu",
      "wasm",
      ...(withoutBlas ? [] : ["native" as const]),
      "webgpu",
    ] as const;
    for (const backend of backends) {
      await initBackend(backend);
      await train(
        tinyTrainOptions(`${dir}/${backend}`, {
          shards: store,
          warmup: 1,
          steps: 5,
          evalEvery: 5,
          evalTokens: 64,
        }),
      );
      logs[backend] = await readMetrics(`${dir}/${backend}/metrics.jsonl`);
    }
    for (const backend of backends.slice(1)) {
      logs.cpu.forEach((expected, i) => {
        const actual = logs[backend][i];
        assertAlmostEquals(actual.loss, expected.loss, 1e-4, `${backend} loss at step ${i + 1}`);
        assertAlmostEquals(
          actual.grad_norm,
          expected.grad_norm,
          1e-3 * expected.grad_norm,
          `${backend} norm`,
        );
      });
    }
  } finally {
    await store.cleanup();
    await Deno.remove(dir, { recursive: true });
  }
});
