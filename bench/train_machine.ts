/**
 * In-process figures of the native training path, each against an anchor measured in the same run:
 * - the step's achieved GFLOP/s (Chinchilla Appendix F FLOPs) against `cblas_sgemm` at the step's
 *   largest product (the tied logits);
 * - tokens/s on every core against one thread;
 * - forward-only (evaluation) tokens/s against the wasm backend's;
 * - a profile of one step: the share of the time in the BLAS products and in the rest.
 * Batches are uniform random ids (a step's cost does not depend on their values).
 */
import * as tf from "@tensorflow/tfjs-core";
import { type Blas, initBackend, NativeTrainer, probeBlas } from "../model/backend/mod.ts";
import type { GptConfig } from "../model/gpt/config.ts";
import { microGpt } from "../model/gpt/gpt.ts";
import { Random } from "../model/gpt/random.ts";
import { AdamW } from "../model/train/optimizer.ts";
import { trainStep } from "../model/train/step.ts";
import { flopsPerToken } from "../scaling/mod.ts";
import { median, timed } from "./timing.ts";

/** A model and batch to time. */
export interface Workload {
  name: string;
  config: GptConfig;
  batch: number;
}

/** What one workload measured on the native path. */
export interface MachineFigures {
  workload: Workload;
  /** Training tokens/s per thread count. */
  tokensPerSecond: Map<number, number>;
  /** Achieved step GFLOP/s on every core (Appendix F FLOPs per token). */
  stepGflops: number;
  /** The anchor: cblas_sgemm GFLOP/s at the step's largest product, every core. */
  sgemmGflops: number;
  /** The share of one step's time in BLAS products (profile, every core). */
  matmulShare: number;
  /** Milliseconds per step on every core. */
  stepMs: number;
}

/** The BLAS library, or why there is none (the bench then prints the reason). */
export function benchBlas(): Blas | string {
  const probe = probeBlas();
  return probe.blas ?? probe.reason;
}

/** cblas_sgemm GFLOP/s of C[m,n] = A[m,k] · B[n,k]ᵀ (the logits' layout), after a warm-up. */
export function sgemmGflops(blas: Blas, m: number, n: number, k: number, seconds = 1.5): number {
  const random = new Random(3);
  const a = new Float32Array(m * k), b = new Float32Array(n * k), c = new Float32Array(m * n);
  random.fillNormal(a, 1);
  random.fillNormal(b, 1);
  blas.sgemm(false, true, m, n, k, 1, a, 0, k, b, 0, k, 0, c, 0, n);
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 || runs < 3) {
    blas.sgemm(false, true, m, n, k, 1, a, 0, k, b, 0, k, 0, c, 0, n);
    runs++;
  }
  return (2 * m * n * k * runs) / ((performance.now() - start) / 1000) / 1e9;
}

/** A BLAS that adds up the wall time of its calls (for the profile). */
function timingBlas(blas: Blas): { blas: Blas; seconds: () => number; reset: () => void } {
  let total = 0;
  const wrapped: Blas = {
    ...blas,
    sgemm(...args: Parameters<Blas["sgemm"]>) {
      const start = performance.now();
      blas.sgemm(...args);
      total += performance.now() - start;
    },
  };
  return { blas: wrapped, seconds: () => total / 1000, reset: () => (total = 0) };
}

function randomBatch(config: GptConfig, batch: number, random: Random): Int32Array {
  const ids = new Int32Array(batch * (config.ctx + 1));
  for (let i = 0; i < ids.length; i++) ids[i] = random.int(config.vocab);
  return ids;
}

/** Median seconds per update of the native trainer on `threads` threads, after warm-up steps. */
async function secondsPerStep(
  workload: Workload,
  blas: Blas,
  threads: number,
  steps: number,
): Promise<number> {
  const { config, batch } = workload;
  const model = microGpt(config, 0);
  const optimizer = new AdamW(model.params);
  const trainer = await NativeTrainer.create(model, optimizer, blas, { batch, threads });
  const random = new Random(1);
  const shape = { batch, ctx: config.ctx, accum: 1, clip: 1 };
  const next = () => Promise.resolve(randomBatch(config, batch, random));
  try {
    for (let i = 0; i < 2; i++) await trainer.step(shape, 1e-4, next);
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      const start = performance.now();
      await trainer.step(shape, 1e-4, next);
      times.push((performance.now() - start) / 1000);
    }
    return median(times);
  } finally {
    trainer.dispose();
    model.dispose();
    optimizer.dispose();
  }
}

/** The share of a single-engine step's time spent inside BLAS calls (main thread, BLAS on every core). */
async function matmulShare(workload: Workload, blas: Blas, steps: number): Promise<number> {
  const timing = timingBlas(blas);
  const { config, batch } = workload;
  const model = microGpt(config, 0);
  const optimizer = new AdamW(model.params);
  const trainer = await NativeTrainer.create(model, optimizer, timing.blas, { batch, threads: 1 });
  const random = new Random(2);
  const shape = { batch, ctx: config.ctx, accum: 1, clip: 1 };
  const next = () => Promise.resolve(randomBatch(config, batch, random));
  try {
    await trainer.step(shape, 1e-4, next);
    timing.reset();
    const start = performance.now();
    for (let i = 0; i < steps; i++) await trainer.step(shape, 1e-4, next);
    return timing.seconds() / ((performance.now() - start) / 1000);
  } finally {
    trainer.dispose();
    model.dispose();
    optimizer.dispose();
  }
}

/** Measures one workload: 1 and `cores` threads, the sgemm anchor, the profile. */
export async function measureMachine(
  workload: Workload,
  blas: Blas,
  steps: number,
): Promise<MachineFigures> {
  const cores = navigator.hardwareConcurrency ?? 1;
  const tokens = workload.batch * workload.config.ctx;
  const tokensPerSecond = new Map<number, number>();
  for (const threads of new Set([1, cores])) {
    tokensPerSecond.set(threads, tokens / await secondsPerStep(workload, blas, threads, steps));
  }
  // The anchor on every core, as the trainer with one thread uses it (BLAS threads = cores).
  blas.setThreads(cores);
  const { ctx, vocab, modelD } = workload.config;
  const anchor = sgemmGflops(blas, workload.batch * ctx, vocab, modelD);
  const share = await matmulShare(workload, blas, Math.max(2, steps >> 1));
  const best = Math.max(...tokensPerSecond.values());
  const flops = flopsPerToken({ ...workload.config }).appendixF;
  return {
    workload,
    tokensPerSecond,
    stepGflops: best * flops / 1e9,
    sgemmGflops: anchor,
    matmulShare: share,
    stepMs: tokens / best * 1000,
  };
}

/** Forward-only tokens/s (evaluation) of the native passes and of the wasm backend's tfjs model. */
export async function evalTokensPerSecond(
  workload: Workload,
  blas: Blas,
  repeats: number,
): Promise<{ native: number; wasm: number }> {
  const { config, batch } = workload;
  const random = new Random(4);
  const ids = randomBatch(config, batch, random);
  const tokens = batch * config.ctx;
  await initBackend("wasm");
  const model = microGpt(config, 0);
  try {
    const wasmOnce = async () => {
      const loss = tf.tidy(() => {
        const all = tf.tensor2d(ids, [batch, config.ctx + 1], "int32");
        const inputs = tf.slice(all, [0, 0], [batch, config.ctx]) as tf.Tensor2D;
        const targets = tf.slice(all, [0, 1], [batch, config.ctx]) as tf.Tensor2D;
        return model.loss(inputs, targets);
      });
      await loss.data();
      loss.dispose();
    };
    const wasm = tokens / await timedRuns(repeats, wasmOnce);
    const trainer = await NativeTrainer.create(model, null, blas, { batch });
    try {
      const native = tokens / await timedRuns(repeats, () => trainer.lossSum(ids, batch));
      return { native, wasm };
    } finally {
      trainer.dispose();
    }
  } finally {
    model.dispose();
  }
}

/** Median seconds of `work` over `repeats` runs, after one warm-up run. */
async function timedRuns(repeats: number, work: () => Promise<unknown>): Promise<number> {
  await work();
  return await timed(repeats, work);
}

/**
 * The choice behind the native path, measured: seconds per update of TensorFlow.js's autodiff on
 * wasm, the same with the matrix kernels on BLAS (`--backend native` minus the hand-written passes),
 * and the native passes on 1 thread and on every core.
 */
export async function pathChoice(workload: Workload, blas: Blas, steps: number) {
  const { config, batch } = workload;
  const shape = { batch, ctx: config.ctx, accum: 1, clip: 1 };
  const random = new Random(5);
  const autodiff = async () => {
    const model = microGpt(config, 0), optimizer = new AdamW(model.params);
    const next = () => Promise.resolve(randomBatch(config, batch, random));
    try {
      return await timedRuns(steps, () => trainStep(model, optimizer, shape, 1e-4, next));
    } finally {
      model.dispose();
      optimizer.dispose();
    }
  };
  await initBackend("wasm");
  const wasm = await autodiff();
  await initBackend("native");
  blas.setThreads(navigator.hardwareConcurrency ?? 1);
  const blasKernels = await autodiff();
  const cores = navigator.hardwareConcurrency ?? 1;
  return {
    wasm,
    blasKernels,
    nativeOneThread: await secondsPerStep(workload, blas, 1, steps),
    nativeAllCores: await secondsPerStep(workload, blas, cores, steps),
    cores,
  };
}
