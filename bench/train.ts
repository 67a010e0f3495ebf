/**
 * `deno task bench train [--backends webgpu,wasm,cpu] [--steps N] [--batch N]`: training throughput of
 * micro_gpt_4 (model_d 384, vocab 8000, ctx 128, 12 heads, batch 8) on each backend, as tokens/s and achieved
 * GFLOP/s (Chinchilla Appendix F FLOPs per token, from scaling/), next to the anchor: the best GFLOP/s of a
 * plain matmul on the same backend in the same run (a 1024³ square one, or the step's largest: the logits), and
 * the fraction of it the step reaches.
 * Batches are uniform random token ids (the cost of a step does not depend on their values).
 */
import * as tf from "@tensorflow/tfjs-core";
import { parseArgs } from "node:util";
import { type Backend, initBackend, parseBackend } from "../model/backend/init.ts";
import { microGpt } from "../model/gpt/gpt.ts";
import { AdamW } from "../model/train/optimizer.ts";
import { Random } from "../model/gpt/random.ts";
import { trainStep } from "../model/train/step.ts";
import { flopsPerToken } from "../scaling/mod.ts";

const CONFIG = {
  layers: 4,
  modelD: 384,
  heads: 12,
  vocab: 8000,
  ctx: 128,
  block: "original" as const,
};

/** GFLOP/s of an [m, k] by [k, n] float32 matmul, repeated for at least `seconds`, after one warm-up. */
async function matmulGflops(m: number, k: number, n: number, seconds = 2): Promise<number> {
  const a = tf.randomUniform([m, k]), b = tf.randomUniform([k, n]);
  const once = async () => {
    const c = tf.matMul(a, b);
    await c.data(); // waits for the device, so the time is the kernel's, not the queueing
    c.dispose();
  };
  await once();
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 || runs < 2) {
    await once();
    runs++;
  }
  const elapsed = (performance.now() - start) / 1000;
  tf.dispose([a, b]);
  return (2 * m * k * n * runs) / elapsed / 1e9;
}

/** Tokens per second of full training steps (forward, backward, clip, AdamW) after one warm-up step. */
async function trainTokensPerSecond(batch: number, steps: number): Promise<number> {
  const model = microGpt(CONFIG, 0);
  const optimizer = new AdamW(model.params);
  const random = new Random(1);
  const nextBatch = () => {
    const ids = new Int32Array(batch * (CONFIG.ctx + 1));
    for (let i = 0; i < ids.length; i++) ids[i] = random.int(CONFIG.vocab);
    return Promise.resolve(ids);
  };
  const shape = { batch, ctx: CONFIG.ctx, accum: 1, clip: 1 };
  try {
    await trainStep(model, optimizer, shape, 1e-4, nextBatch);
    const start = performance.now();
    for (let i = 0; i < steps; i++) await trainStep(model, optimizer, shape, 1e-4, nextBatch);
    return (steps * batch * CONFIG.ctx) / ((performance.now() - start) / 1000);
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      backends: { type: "string", default: "webgpu,wasm,cpu" },
      steps: { type: "string" },
      batch: { type: "string", default: "8" },
    },
  });
  const backends = values.backends.split(",").map(parseBackend);
  const batch = Number(values.batch);
  const flops = flopsPerToken({ ...CONFIG });
  console.log(
    `micro_gpt_4: model_d ${CONFIG.modelD}, vocab ${CONFIG.vocab}, ctx ${CONFIG.ctx}, batch ${batch}; ` +
      `training FLOPs/token ${(flops.appendixF / 1e6).toFixed(1)} M (Appendix F), 6N ${
        (flops.sixN / 1e6).toFixed(1)
      } M`,
  );
  console.log("backend  tokens/s  step GFLOP/s  matmul GFLOP/s (anchor)  fraction");
  for (const backend of backends) {
    console.error(`backend: ${await initBackend(backend as Backend)}`);
    // The cpu backend needs minutes per step: one timed step there unless --steps says otherwise.
    const steps = values.steps ? Number(values.steps) : backend === "cpu" ? 1 : 3;
    // The anchor: the better of a square 1024³ matmul and the step's largest one (the tied logits,
    // [batch·ctx, d] · [d, vocab]), since neither shape alone is the backend's best on every backend.
    const square = await matmulGflops(1024, 1024, 1024);
    const logits = await matmulGflops(batch * CONFIG.ctx, CONFIG.modelD, CONFIG.vocab);
    const anchor = Math.max(square, logits);
    console.error(
      `  matmul GFLOP/s: 1024³ ${square.toFixed(2)}, logits shape ${logits.toFixed(2)}`,
    );
    const tokensPerSecond = await trainTokensPerSecond(batch, steps);
    const achieved = tokensPerSecond * flops.appendixF / 1e9;
    console.log(
      `${backend.padEnd(7)}  ${tokensPerSecond.toFixed(1).padStart(8)}  ${
        achieved.toFixed(2).padStart(12)
      }  ` +
        `${anchor.toFixed(2).padStart(23)}  ${(achieved / anchor).toFixed(2).padStart(8)}`,
    );
  }
}
