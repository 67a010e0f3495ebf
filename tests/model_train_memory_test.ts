import { initBackend } from "../model/backend/init.ts";
import type { GptConfig } from "../model/gpt/config.ts";
import { backendLimits, microBatchFor, stepMemory } from "../model/train/memory_budget.ts";
import { readMetrics } from "../model/run/metrics.ts";
import { train } from "../model/train/loop.ts";
import { UserError } from "../core/user_error.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./assert.ts";
import { memoryStore, tinyTrainOptions } from "./model_train_fixture.ts";

await initBackend("cpu");

const exp2: GptConfig = {
  layers: 4,
  modelD: 384,
  heads: 12,
  vocab: 8000,
  ctx: 128,
  block: "original",
};
const MiB = 2 ** 20;

Deno.test("step memory: the logits are the largest tensor of exp2; the total follows the per-token count", () => {
  const { largest, total } = stepMemory(exp2, 64);
  assertEquals(largest, 4 * 64 * 128 * 8000); // 262 MB of logits
  // Per token: 4 layers × (30·384 + 4·12·128) + 4·8000 floats.
  assertEquals(total, 4 * 64 * 128 * (4 * (30 * 384 + 4 * 12 * 128) + 4 * 8000));
});

Deno.test("a batch too big for the backend splits into equal passes; one window too big is a UserError", () => {
  // Mesa's llvmpipe: 128 MiB per storage binding. 64 windows of logits need 250 MiB: two passes of 32.
  const llvmpipe = { largestTensorBytes: 128 * MiB, stepBytes: 12e9, source: "llvmpipe" };
  assertEquals(microBatchFor(exp2, 64, llvmpipe), 32);
  assertEquals(microBatchFor({ ...exp2, vocab: 9000, modelD: 512, heads: 8 }, 128, llvmpipe), 16);
  assertEquals(microBatchFor(exp2, 30, llvmpipe), 30);
  // Eval passes need not be equal: the largest count that fits.
  assertEquals(microBatchFor(exp2, 50, llvmpipe, true), 32);
  assertEquals(microBatchFor(exp2, 50, llvmpipe), 25);
  const tiny = { largestTensorBytes: 1 * MiB, stepBytes: 12e9, source: "a 1 MiB device" };
  assertThrows(
    () => microBatchFor(exp2, 8, tiny),
    UserError,
    "--ctx 128 with vocab 8000: one window needs",
  );
  const limits = backendLimits();
  assert(limits.largestTensorBytes > 0 && limits.stepBytes > 0, JSON.stringify(limits));
});

Deno.test("training in passes of 2 windows makes the same updates as whole batches of 4", async () => {
  const store = await memoryStore();
  const dir = await Deno.makeTempDir({ prefix: "train_memory_" });
  try {
    const lines: string[] = [];
    const common = { shards: store, warmup: 1, steps: 4, evalEvery: 4, evalTokens: 128 };
    await train(tinyTrainOptions(`${dir}/whole`, common));
    // A step budget that fits 2 windows but not 3 or 4.
    const fitsTwo =
      stepMemory({ layers: 1, modelD: 16, heads: 2, vocab: 32, ctx: 8, block: "original" }, 2)
        .total;
    await train(tinyTrainOptions(`${dir}/split`, {
      ...common,
      log: (line) => lines.push(line),
      memoryLimits: { largestTensorBytes: 2 ** 31, stepBytes: fitsTwo, source: "a test budget" },
    }));
    assert(
      lines.some((line) => line.includes("runs as 2 passes of 2 windows (a test budget)")),
      lines.join("\n"),
    );
    const whole = await readMetrics(`${dir}/whole/metrics.jsonl`);
    const split = await readMetrics(`${dir}/split/metrics.jsonl`);
    whole.forEach((record, i) => {
      assertAlmostEquals(split[i].loss, record.loss, 1e-5, `loss at step ${record.step}`);
      assertAlmostEquals(split[i].grad_norm, record.grad_norm, 1e-4, `norm at step ${record.step}`);
    });
    assertAlmostEquals(split[3].val_loss!, whole[3].val_loss!, 1e-5);
  } finally {
    await store.cleanup();
    await Deno.remove(dir, { recursive: true });
  }
});
