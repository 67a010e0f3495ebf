import { openShards, type Shards } from "../pipeline/mod.ts";
import { UserError } from "../core/user_error.ts";
import {
  configFromJson,
  configToJson,
  listCheckpoints,
  loadOptimizer,
  loadParams,
  readCheckpointInfo,
  resolveCheckpoint,
  saveCheckpoint,
} from "./checkpoint.ts";
import { evaluate, type Evaluation } from "./evaluate.ts";
import { type GptModel, microGpt } from "./gpt.ts";
import { lossPlotSvg, MetricsLog, type MetricsRecord, readMetrics } from "./metrics.ts";
import { backendLimits, type MemoryLimits, microBatchFor } from "./memory_budget.ts";
import { AdamW } from "./optimizer.ts";
import { Random } from "./random.ts";
import { prepareRunFolder, type StoreTokenizer, storeTokenizer } from "./run.ts";
import { learningRate } from "./schedule.ts";
import { chooseModelForStore } from "./size_choice.ts";
import { type StepOutcome, trainStep } from "./train_step.ts";
import {
  planFromJson,
  planToJson,
  planTraining,
  resumePlan,
  type SizeChoice,
  type TrainPlan,
  type TrainRequest,
} from "./train_plan.ts";
import { writeFileAtomic } from "../core/atomic_file.ts";
import { lockFolder } from "../core/writer_lock.ts";

/** How to run `train`: the request (flags), where to write, and hooks for the task and the tests. */
export interface TrainOptions extends TrainRequest {
  /** Run folder (default `runs/<timestamp>`); must be new or empty unless resuming. */
  out?: string;
  /** A run folder to continue from its newest checkpoint. */
  resume?: string;
  /** Stops the run after the current step, with a checkpoint (the task wires Ctrl-C to it). */
  signal?: AbortSignal;
  /** Lines for the user (the model choice, evals, where things went); default: stderr. */
  log?: (line: string) => void;
  /** Makes the display of the steps' progress for `total` steps (the task draws a bar on stderr);
   *  default: none. */
  progress?: (total: number) => StepProgress;
  /** Called after every step with its record (and the model, for tests that look inside). */
  onStep?: (record: MetricsRecord, model: GptModel) => void;
  /** The token store, when already open (tests); otherwise `openStore(data)`. */
  shards?: Shards;
  /** Opens a token store (default: the pipeline's `openShards`). */
  openStore?: (path: string) => Promise<Shards>;
  /** The backend's memory limits (default: `backendLimits()`), which set the windows per forward pass. */
  memoryLimits?: MemoryLimits;
  /** Proposes a model size when no size flags are given (default: the scaling module's `chooseModel`). */
  chooseSize?: (
    facts: { trainTokens: number; epochs: number; vocab: number; ctx: number },
  ) => SizeChoice;
}

/** Where the loop reports its steps: `done` of the total, and a note such as the loss. */
export interface StepProgress {
  update(done: number, note?: string): void;
  finish(done: number, note?: string): void;
}

/** What a finished (or interrupted) run reports. */
export interface TrainResult {
  /** The run folder. */
  runDir: string;
  /** Steps completed. */
  step: number;
  /** The settings the run used. */
  plan: TrainPlan;
  /** "done": all steps ran; "interrupted": stopped by `signal` (a checkpoint was saved). */
  status: "done" | "interrupted";
  /** The newest checkpoint's JSON. */
  checkpoint: string;
  /** Training loss of the last step. */
  loss: number;
  /** The last eval. */
  evaluation?: Evaluation;
  /** Training tokens per second over this call's steps (evals and saves excluded). */
  tokensPerSecond: number;
}

/** The default token store: what `deno task tokenize` writes with no flags. */
export const DEFAULT_DATA = "data/default";

/**
 * Trains a GPT on a token store: random windows from `train` (`Shards.batch`), gradients averaged over `accum`
 * micro-batches, clipped by global norm, AdamW with the warmup-cosine schedule; evals on a fixed prefix of
 * `val`; checkpoints, `metrics.jsonl` and `loss.svg` in the run folder. A non-finite loss or gradient norm
 * stops the run before the update (the parameters stay those of the last good step, which is saved) with a
 * `UserError` giving the step and the norm.
 *
 * @example
 * ```ts
 * await initBackend("wasm");
 * const result = await train({ data: "data/default", steps: 100, modelD: 64, layers: 2, heads: 2 });
 * ```
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const open = options.openStore ?? openShards;
  let plan: TrainPlan;
  let shards: Shards;
  let runDir: string;
  let resumeFrom: string | undefined;
  // One writer per run folder (core/writer_lock.ts), released when train() returns or throws.
  using writerLock = new DisposableStack();
  if (options.resume !== undefined) {
    runDir = options.resume;
    writerLock.use(await lockFolder(runDir, { create: false })); // before the checkpoint is read
    resumeFrom = await resolveCheckpoint(runDir);
    const info = await readCheckpointInfo(resumeFrom);
    const stored = planFromJson(info.training, configFromJson(info.config), {
      initValue: info.schedule.init_value,
      peakValue: info.schedule.peak_value,
      warmupSteps: info.schedule.warmup_steps,
      decaySteps: info.schedule.decay_steps,
      endValue: info.schedule.end_value,
      exponent: info.schedule.exponent,
    });
    shards = options.shards ?? await open(options.data ?? stored.data);
    const resumed = resumePlan(stored, options, shards.tokens("train"), resumeFrom);
    plan = resumed.plan;
    for (const change of resumed.changes) log(`resume: ${change}`);
    if (options.out !== undefined && options.out !== options.resume) {
      throw new UserError(
        `--out ${options.out}: a resumed run writes into its own folder (${runDir})`,
      );
    }
  } else {
    shards = options.shards ?? await open(options.data ?? DEFAULT_DATA);
    const chooseSize = options.chooseSize ?? chooseModelForStore;
    plan = planTraining(
      { ...options, data: options.data ?? shards.path },
      {
        path: shards.path,
        vocabSize: shards.vocabSize,
        trainTokens: shards.tokens("train"),
      },
      chooseSize,
      log,
    );
    runDir = options.out ?? `runs/${new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19)}`;
  }
  if (plan.config.vocab !== shards.vocabSize) {
    throw new UserError(
      `${shards.path}: its vocabulary (${shards.vocabSize}) differs from the model's (${plan.config.vocab})`,
    );
  }
  if (resumeFrom === undefined) writerLock.use(await lockFolder(runDir)); // a new run, once planned
  const tokenizer = await storeTokenizer(shards);
  await prepareRunFolder(runDir, tokenizer, resumeFrom !== undefined);
  return await runLoop({ options, plan, shards, runDir, resumeFrom, tokenizer, log });
}

interface LoopContext {
  options: TrainOptions;
  /** The settings the run used. */
  plan: TrainPlan;
  shards: Shards;
  /** The run folder. */
  runDir: string;
  resumeFrom?: string;
  tokenizer: StoreTokenizer;
  log: (line: string) => void;
}

async function runLoop(context: LoopContext): Promise<TrainResult> {
  const { options, plan, shards, runDir, log } = context;
  const { config } = plan;
  const model = microGpt(config, plan.seed);
  const optimizer = new AdamW(model.params, { weightDecay: plan.weightDecay });
  try {
    // Batches come from their own generator, so the sampler's stream does not depend on the model's size.
    let random = new Random(plan.seed + 1);
    let startStep = 0, tokensSeen = 0;
    if (context.resumeFrom) {
      const info = await readCheckpointInfo(context.resumeFrom);
      if (info.tokenizer_sha256 !== context.tokenizer.sha256) {
        throw new UserError(
          `${shards.path}: its tokenizer (sha256 ${
            context.tokenizer.sha256.slice(0, 12)
          }) is not the one ` +
            `${context.resumeFrom} was trained with (${info.tokenizer_sha256.slice(0, 12)})`,
        );
      }
      await loadParams(context.resumeFrom, info, model);
      await loadOptimizer(context.resumeFrom, info, optimizer);
      random = Random.fromState(info.random_state);
      startStep = info.step;
      tokensSeen = info.tokens_seen;
      log(`resuming ${runDir} at step ${startStep} of ${plan.steps}`);
    }
    const metrics = await MetricsLog.open(`${runDir}/metrics.jsonl`, startStep);
    const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;
    log(
      `model: ${plural(config.layers, "layer")}, model_d ${config.modelD}, ${
        plural(config.heads, "head")
      }, ` +
        `vocab ${config.vocab}, ctx ${config.ctx}, block ${config.block}; ${plan.steps} steps of ` +
        `${plan.batch}×${plan.accum} windows; run folder ${runDir}`,
    );
    const limits = options.memoryLimits ?? backendLimits();
    const microBatch = microBatchFor(config, plan.batch, limits);
    if (microBatch < plan.batch) {
      log(
        `memory: each batch of ${plan.batch} runs as ${
          plan.batch / microBatch
        } passes of ${microBatch} ` +
          `windows (${limits.source}); the update is the same`,
      );
    }

    let step = startStep, lastLoss = NaN, evaluation: Evaluation | undefined;
    let lastCheckpoint = (await listCheckpoints(runDir)).at(-1)?.path ?? "";
    const save = async () => {
      lastCheckpoint = await saveCheckpoint(runDir, {
        model,
        optimizer,
        info: {
          step,
          config: configToJson(config),
          training: planToJson(plan),
          schedule: {
            init_value: plan.schedule.initValue,
            peak_value: plan.schedule.peakValue,
            warmup_steps: plan.schedule.warmupSteps,
            decay_steps: plan.schedule.decaySteps,
            end_value: plan.schedule.endValue,
            exponent: plan.schedule.exponent ?? 1,
          },
          optimizer: {
            name: "adamw",
            count: optimizer.count,
            b1: optimizer.b1,
            b2: optimizer.b2,
            eps: optimizer.eps,
            weight_decay: optimizer.weightDecay,
          },
          random_state: random.state(),
          tokens_seen: tokensSeen,
          tokenizer_sha256: context.tokenizer.sha256,
        },
      }, plan.keep);
      await writeFileAtomic(
        `${runDir}/loss.svg`,
        lossPlotSvg(await readMetrics(metrics.path), runDir),
      );
    };

    const progress = options.progress?.(plan.steps - startStep);
    const tokensPerStep = plan.batch * plan.accum * config.ctx;
    let elapsed = 0;
    let status: TrainResult["status"] = "done";
    if (step === 0) await save(); // step 0: the initial model, so even a first-step failure leaves a run
    while (step < plan.steps) {
      if (options.signal?.aborted) {
        status = "interrupted";
        break;
      }
      const started = performance.now();
      const lr = learningRate(plan.schedule, optimizer.count);
      const randomBefore = random.state();
      let outcome: StepOutcome;
      try {
        outcome = await trainStep(
          model,
          optimizer,
          { batch: plan.batch, ctx: config.ctx, accum: plan.accum, clip: plan.clip, microBatch },
          lr,
          () => shards.batch("train", plan.batch, config.ctx, () => random.next()),
        );
      } catch (error) {
        throw outOfMemory(error, plan, step) ?? error;
      }
      const { loss: lossValue, gradNorm: normValue } = outcome;
      if (!outcome.applied) {
        // Rewind the sampler too: a resume then redraws this step's batch and continues exactly.
        random = Random.fromState(randomBefore);
        if ((await listCheckpoints(runDir)).at(-1)?.step !== step) await save();
        progress?.finish(step - startStep);
        throw new UserError(
          `training stopped at step ${
            step + 1
          }: the loss is ${lossValue} and the gradient norm ${normValue}; ` +
            `the parameters of step ${step} (the last good one) are saved in ${lastCheckpoint}; ` +
            `lower --lr (or --clip) and continue with --resume ${runDir}`,
        );
      }
      step++;
      tokensSeen += tokensPerStep;
      lastLoss = lossValue;
      const seconds = (performance.now() - started) / 1000;
      elapsed += seconds;
      const record: MetricsRecord = {
        step,
        loss: lossValue,
        lr,
        grad_norm: normValue,
        tokens_per_second: tokensPerStep / seconds,
      };
      const evalNow = step % plan.evalEvery === 0 || step === plan.steps;
      if (evalNow) {
        evaluation = await evaluate(model, shards, {
          batchSize: microBatch,
          memoryLimits: limits,
          maxTokens: plan.evalTokens || undefined,
          step,
        });
        record.val_loss = evaluation.valLoss;
        record.val_ppl = evaluation.valPpl;
        record.val_bits_per_byte = evaluation.bitsPerByte;
      }
      await metrics.append(record);
      options.onStep?.(record, model);
      progress?.update(
        step - startStep,
        `step ${step}/${plan.steps}  loss ${lossValue.toFixed(4)}  ${
          formatRate(record.tokens_per_second)
        }`,
      );
      if (evalNow) {
        log(
          `step ${step}: val loss ${evaluation!.valLoss.toFixed(4)}, perplexity ${
            evaluation!.valPpl.toFixed(2)
          }, ` +
            `${evaluation!.bitsPerByte.toFixed(3)} bits/byte`,
        );
        await save();
      }
    }
    if (status === "interrupted" || (await listCheckpoints(runDir)).at(-1)?.step !== step) {
      await save();
    }
    progress?.finish(step - startStep, `loss ${lastLoss.toFixed(4)}`);
    if (status === "interrupted") log(`interrupted at step ${step}: saved ${lastCheckpoint}`);
    return {
      runDir,
      step,
      plan,
      status,
      checkpoint: lastCheckpoint,
      loss: lastLoss,
      evaluation,
      tokensPerSecond: elapsed > 0 ? (step - startStep) * tokensPerStep / elapsed : 0,
    };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

/** A `UserError` for an allocation failure (the batch does not fit), or undefined for any other error. */
function outOfMemory(error: unknown, plan: TrainPlan, step: number): UserError | undefined {
  const message = (error as Error)?.message ?? String(error);
  if (
    !/out of memory|allocation failed|could not allocate|Array buffer allocation|OOM/i.test(message)
  ) {
    return undefined;
  }
  return new UserError(
    `step ${
      step + 1
    }: a batch of --batch ${plan.batch} × --ctx ${plan.config.ctx} does not fit in memory ` +
      `(${
        message.split("\n")[0]
      }); lower --batch and raise --accum to keep the tokens per step, then ` +
      `--resume (the last checkpoint is intact)`,
  );
}

function formatRate(tokensPerSecond: number): string {
  return tokensPerSecond >= 1000
    ? `${(tokensPerSecond / 1000).toFixed(1)}k tok/s`
    : `${tokensPerSecond.toFixed(0)} tok/s`;
}
