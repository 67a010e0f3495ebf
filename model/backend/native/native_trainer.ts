/**
 * Training on the native CPU path: every update's batch split across the cores (data parallel),
 * each share's forward and backward run by a `GptEngine` (the main thread's and one per Worker)
 * on parameters shared through a SharedArrayBuffer; the shares' gradients summed, clipped and
 * applied by AdamW on the main thread.
 *
 * The result of a step does not depend on the number of threads beyond the order of float sums:
 * each share adds ∂(Σ its token losses / the update's token count)/∂θ, and the shares are summed.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { GptModel } from "../../gpt/gpt.ts";
import type { AdamW } from "../../train/optimizer.ts";
import type { StepOutcome, StepShape } from "../../train/step.ts";
import type { Blas } from "./blas.ts";
import { type FlatLayout, flatLayout } from "./_flat_parameters.ts";
import { GptEngine } from "./_gpt_engine.ts";
import { adamwUpdate, sumGradients } from "./_optimizer_kernels.ts";
import type {
  StepWorkerInit,
  StepWorkerPass,
  StepWorkerReply,
  StepWorkerUpdate,
} from "./_step_worker.ts";

/** How the native trainer is laid out. */
export interface NativeTrainerOptions {
  /**
   * Threads (cores) to split a batch across: the main thread and threads − 1 Workers, each with BLAS on
   * one thread; default: the machine's cores.
   */
  threads?: number;
  /** Windows per batch (`nextBatch` gives this many); the buffers are sized for it. */
  batch: number;
}

/** A Worker and the reply it owes. */
interface StepThread {
  worker: Worker;
  grads: Float32Array;
  pending: ((reply: StepWorkerReply) => void) | null;
}

/** The native trainer of one model: create, `step` per update, `writeBack` before a checkpoint. */
export class NativeTrainer {
  readonly #model: GptModel;
  readonly #optimizer: AdamW | null;
  readonly #layout: FlatLayout;
  readonly #params: Float32Array;
  readonly #grads: Float32Array;
  readonly #mu: Float32Array;
  readonly #nu: Float32Array;
  readonly #tokens: Int32Array;
  readonly #engine: GptEngine;
  readonly #threads: StepThread[];
  readonly #batch: number;

  private constructor(
    model: GptModel,
    optimizer: AdamW | null,
    layout: FlatLayout,
    buffers: { params: Float32Array; grads: Float32Array; mu: Float32Array; nu: Float32Array },
    tokens: Int32Array,
    engine: GptEngine,
    threads: StepThread[],
    batch: number,
  ) {
    this.#model = model;
    this.#optimizer = optimizer;
    this.#layout = layout;
    this.#params = buffers.params;
    this.#grads = buffers.grads;
    this.#mu = buffers.mu;
    this.#nu = buffers.nu;
    this.#tokens = tokens;
    this.#engine = engine;
    this.#threads = threads;
    this.#batch = batch;
  }

  /** The threads a batch is split across (the main thread included). */
  get threadCount(): number {
    return this.#threads.length + 1;
  }

  /**
   * A trainer holding copies of `model`'s parameters and `optimizer`'s moments (and update count),
   * with its Workers started and ready. Without an optimizer it only evaluates (`lossSum`).
   */
  static async create(
    model: GptModel,
    optimizer: AdamW | null,
    blas: Blas,
    options: NativeTrainerOptions,
  ): Promise<NativeTrainer> {
    const config = model.config;
    const layout = flatLayout(config);
    const threadCount = Math.max(
      1,
      Math.min(options.threads ?? navigator.hardwareConcurrency ?? 1, options.batch),
    );
    const shared = (elements: number) => new SharedArrayBuffer(elements * 4);
    const paramsBuffer = shared(layout.total);
    const params = new Float32Array(paramsBuffer);
    const moments = optimizer ? layout.total : 0;
    // Shared: the Workers apply AdamW to their share of the parameters (see `step`).
    const muBuffer = shared(moments), nuBuffer = shared(moments);
    const mu = new Float32Array(muBuffer), nu = new Float32Array(nuBuffer);
    for (const entry of layout.entries) {
      const variable = model.params.get(entry.name);
      if (!variable) throw new Error(`native trainer: the model lacks '${entry.name}'`);
      params.set(await variable.data() as Float32Array, entry.offset);
      if (!optimizer) continue;
      const first = optimizer.mu.get(entry.name), second = optimizer.nu.get(entry.name);
      if (!first || !second) throw new Error(`native trainer: AdamW lacks '${entry.name}'`);
      mu.set(await first.data() as Float32Array, entry.offset);
      nu.set(await second.data() as Float32Array, entry.offset);
    }
    const tokensBuffer = shared(options.batch * (config.ctx + 1));
    const perThread = Math.ceil(options.batch / threadCount);
    // One core per share, BLAS included: the library's own threads would compete with the Workers
    // for the cores (and with one thread, `--threads 1` means one core). Measured on 2 cores: two
    // shares on one BLAS thread each make a step 1.5× faster than one share on two BLAS threads.
    blas.setThreads(1);
    const mainGrads = shared(layout.total);
    const grads = new Float32Array(mainGrads);
    const engine = new GptEngine(config, layout, blas, params, grads, perThread);
    const threads: StepThread[] = [];
    try {
      for (let i = 1; i < threadCount; i++) {
        const gradsBuffer = shared(layout.total);
        const init: StepWorkerInit = {
          config,
          blasPath: blas.path,
          params: paramsBuffer,
          grads: gradsBuffer,
          tokens: tokensBuffer,
          maxWindows: perThread,
          optimizer: optimizer ? { grads: mainGrads, mu: muBuffer, nu: nuBuffer } : null,
        };
        threads.push(await startThread(init, new Float32Array(gradsBuffer)));
      }
    } catch (error) {
      for (const thread of threads) thread.worker.terminate();
      throw error;
    }
    return new NativeTrainer(
      model,
      optimizer,
      layout,
      { params, grads, mu, nu },
      new Int32Array(tokensBuffer),
      engine,
      threads,
      options.batch,
    );
  }

  /**
   * One optimizer update, as `trainStep` makes it: the loss and gradients averaged over `accum`
   * batches from `nextBatch`, clipped by global norm, then AdamW with rate `lr`; no update when
   * the loss or the norm is not finite.
   */
  async step(shape: StepShape, lr: number, nextBatch: () => Promise<Int32Array>) {
    const { batch, ctx, accum, clip } = shape;
    const optimizer = this.#optimizer;
    if (!optimizer) throw new Error("native trainer: made for evaluation only (no optimizer)");
    if (batch > this.#batch) {
      throw new RangeError(`native trainer: batch ${batch} > ${this.#batch}`);
    }
    const gradientScale = 1 / (batch * accum * ctx);
    let lossSum = 0;
    for (let a = 0; a < accum; a++) {
      const ids = await nextBatch();
      lossSum += await this.#passes(ids, batch, { gradientScale, zeroGradients: a === 0 });
    }
    const loss = lossSum / (batch * accum * ctx);
    const gradNorm = sumGradients(this.#grads, this.#threads.map((thread) => thread.grads));
    const applied = Number.isFinite(loss) && Number.isFinite(gradNorm);
    if (applied) {
      // optax's clip_by_global_norm: g · max/‖g‖ when ‖g‖ ≥ max.
      const clipScale = clip > 0 && !(gradNorm < clip) ? clip / gradNorm : 1;
      optimizer.count += 1; // AdamW's update count, kept on the optimizer: the schedule reads it
      await this.#update(optimizer, lr, clipScale);
    }
    return { loss, gradNorm, applied } satisfies StepOutcome;
  }

  /** AdamW over the parameters, each thread updating an equal share of them at once. */
  async #update(optimizer: AdamW, lr: number, gradientScale: number): Promise<void> {
    const total = this.#params.length, threads = this.threadCount;
    const share = Math.ceil(total / threads);
    const options = {
      b1: optimizer.b1,
      b2: optimizer.b2,
      eps: optimizer.eps,
      weightDecay: optimizer.weightDecay,
    };
    const replies = this.#threads.map((thread, i) => {
      const from = Math.min(total, (i + 1) * share), to = Math.min(total, (i + 2) * share);
      const message: StepWorkerUpdate = {
        update: { ...options, from, to, t: optimizer.count, lr, gradientScale },
      };
      return request(thread, message);
    });
    adamwUpdate(
      this.#params,
      this.#grads,
      this.#mu,
      this.#nu,
      options,
      optimizer.count,
      lr,
      gradientScale,
      0,
      Math.min(total, share),
    );
    for (const reply of await Promise.all(replies)) {
      if ("error" in reply) throw new Error(`native trainer Worker: ${reply.error}`);
    }
  }

  /** Σ token losses of `windows` windows in `ids` (ctx + 1 ids each), forward only, on every thread. */
  async lossSum(ids: Int32Array, windows: number): Promise<number> {
    return await this.#passes(ids, windows, { forwardOnly: true });
  }

  /** Copies the parameters and the moments back into the model's and the optimizer's tensors. */
  writeBack(): void {
    const optimizer = this.#optimizer;
    for (const entry of this.#layout.entries) {
      const range = [entry.offset, entry.offset + entry.size] as const;
      const targets = [[this.#model.params.get(entry.name), this.#params]] as const;
      const moments = optimizer
        ? [[optimizer.mu.get(entry.name), this.#mu], [
          optimizer.nu.get(entry.name),
          this.#nu,
        ]] as const
        : [];
      for (const [target, source] of [...targets, ...moments]) {
        if (!target) throw new Error(`native trainer: no variable for '${entry.name}'`);
        const values = tf.tensor(source.slice(...range), entry.shape, "float32");
        target.assign(values);
        values.dispose();
      }
    }
  }

  /** Stops the Workers. */
  dispose(): void {
    for (const thread of this.#threads) thread.worker.terminate();
  }

  /** Runs one batch's passes split across the threads; returns Σ token losses. */
  async #passes(
    ids: Int32Array,
    windows: number,
    options: { gradientScale?: number; zeroGradients?: boolean; forwardOnly?: boolean },
  ): Promise<number> {
    const ctx = this.#model.config.ctx;
    if (ids.length < windows * (ctx + 1)) {
      throw new RangeError(`native trainer: ${ids.length} ids for ${windows} windows`);
    }
    this.#tokens.set(ids.subarray(0, windows * (ctx + 1)));
    const threads = this.threadCount;
    const share = Math.ceil(windows / threads);
    const replies: Promise<StepWorkerReply>[] = [];
    for (let i = 1; i < threads; i++) {
      const first = i * share, count = Math.min(share, windows - first);
      const thread = this.#threads[i - 1];
      if (count <= 0) {
        if (options.zeroGradients) thread.grads.fill(0);
        continue;
      }
      const pass: StepWorkerPass = {
        first,
        windows: count,
        gradientScale: options.gradientScale ?? 0,
        zeroGradients: options.zeroGradients ?? false,
        forwardOnly: options.forwardOnly ?? false,
      };
      replies.push(request(thread, pass));
    }
    // The main thread's share runs while the Workers run theirs.
    const own = Math.min(share, windows);
    let loss: number;
    if (options.forwardOnly) loss = this.#engine.loss(this.#tokens, 0, own);
    else {
      if (options.zeroGradients) this.#grads.fill(0);
      loss = this.#engine.forwardBackward(this.#tokens, 0, own, options.gradientScale ?? 0);
    }
    for (const reply of await Promise.all(replies)) {
      if ("error" in reply) throw new Error(`native trainer Worker: ${reply.error}`);
      if ("loss" in reply) loss += reply.loss;
    }
    return loss;
  }
}

function startThread(init: StepWorkerInit, grads: Float32Array): Promise<StepThread> {
  const worker = new Worker(new URL("./_step_worker.ts", import.meta.url).href, { type: "module" });
  const thread: StepThread = { worker, grads, pending: null };
  worker.onmessage = (event: MessageEvent<StepWorkerReply>) => {
    const resolve = thread.pending;
    thread.pending = null;
    resolve?.(event.data);
  };
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    const resolve = thread.pending;
    thread.pending = null;
    resolve?.({ error: event.message });
  };
  return request(thread, init).then((reply) => {
    if ("error" in reply) {
      worker.terminate();
      throw new Error(`native trainer Worker failed to start: ${reply.error}`);
    }
    return thread;
  });
}

function request(thread: StepThread, message: StepWorkerInit | StepWorkerPass | StepWorkerUpdate) {
  return new Promise<StepWorkerReply>((resolve) => {
    thread.pending = resolve;
    thread.worker.postMessage(message);
  });
}
