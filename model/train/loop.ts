import { UserError } from "../../core/user_error.ts";
import { writeFileAtomic } from "../../core/atomic_file.ts";
import { plural } from "../../core/plural.ts";
import { type GptModel, microGpt } from "../gpt/gpt.ts";
import { Random } from "../gpt/random.ts";
import { evaluate, type Evaluation } from "../inference/evaluate.ts";
import { listCheckpoints, loadOptimizer, loadParams, saveCheckpoint } from "../run/checkpoint.ts";
import { lossPlotSvg, MetricsLog, type MetricsRecord, readMetrics } from "../run/metrics.ts";
import { trainPlanToJson } from "../run/run_json.ts";
import { backendLimits, type MemoryLimits, microBatchFor } from "./memory_budget.ts";
import { AdamW } from "./optimizer.ts";
import { outOfMemory } from "./_out_of_memory.ts";
import type { TrainPlan } from "./plan.ts";
import { learningRate } from "./schedule.ts";
import { type RunStart, type StartRequest, startRun } from "./_start.ts";
import type { StepOutcome } from "./step.ts";
import { createStepper, type Stepper } from "./_stepper.ts";

export { DEFAULT_DATA } from "./_start.ts";

/**
 * How to run `train`: the request (flags), the run folder (`out`, new or empty; or `resume`), the store
 * (`data`, or `shards` when already open), and hooks for the task and the tests.
 */
export interface TrainOptions extends StartRequest {
  /** Stops the run after the current step, with a checkpoint (the task wires Ctrl-C to it). */
  signal?: AbortSignal;
  /** Lines for the user (the model choice, evals, where things went); default: stderr. */
  log?: (line: string) => void;
  /** Makes the display of the steps' progress for `total` steps (the task draws a bar on stderr);
   *  default: none. */
  progress?: (total: number) => StepProgress;
  /** Called after every step with its record (and the model, for tests that look inside). */
  onStep?: (record: MetricsRecord, model: GptModel) => void;
  /** The backend's memory limits (default: `backendLimits()`), which set the windows per forward pass. */
  memoryLimits?: MemoryLimits;
  /**
   * Threads the native backend splits each batch across (default: the machine's cores); the
   * losses do not depend on it beyond the order of float sums. Ignored by the other backends.
   */
  threads?: number;
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

/**
 * Trains a GPT on a token store: random windows from `train` (`TokenStore.batch`), gradients averaged over `accum`
 * micro-batches, clipped by global norm, AdamW with the warmup-cosine schedule; evals on a fixed prefix of
 * `val`; checkpoints, `metrics.jsonl` and `loss.svg` in the run folder. A non-finite loss or gradient norm
 * stops the run before the update (the parameters stay those of the last good step, which is saved) with a
 * `UserError` giving the step and the norm.
 *
 * @example
 * ```ts
 * import { tokenizeCorpus } from "../../pipeline/mod.ts";
 * import { initBackend } from "../backend/mod.ts";
 * await initBackend("cpu");
 * const dir = await Deno.makeTempDir();
 * // A store of a small text (`deno task tokenize` makes one of a real corpus).
 * const lines = Array.from({ length: 80 }, (_, i) => `${i}: the cat sat on the mat ${i % 7} times.`);
 * await Deno.writeTextFile(`${dir}/cat.txt`, lines.join("\n"));
 * const text = { inputs: [`${dir}/cat.txt`], splitLines: true, vocabSize: 260, valFraction: 0.2 };
 * await tokenizeCorpus({ ...text, outDir: `${dir}/data` });
 * // A tiny model for two steps (`data` defaults to data/default, `out` to runs/<timestamp>).
 * const result = await train({
 *   data: `${dir}/data`,
 *   out: `${dir}/run`,
 *   ...{ layers: 1, modelD: 16, heads: 2, ctx: 8, batch: 2, steps: 2 },
 *   log: () => {},
 * });
 * console.log(result.status, result.evaluation?.valLoss); // "done", about ln 260 = 5.56 nats
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const start = await startRun(options, log);
  using _lock = start.lock;
  const model = microGpt(start.plan.config, start.plan.seed);
  const optimizer = new AdamW(model.params, { weightDecay: start.plan.weightDecay });
  let stepper: Stepper | null = null;
  try {
    await restore(start, model, optimizer, log);
    stepper = await createStepper(model, optimizer, start.plan.batch, options.threads);
    return await runLoop(start, model, optimizer, stepper, options, log);
  } finally {
    stepper?.dispose();
    model.dispose();
    optimizer.dispose();
  }
}

/** The loop: restore (when resuming), then steps, evals and checkpoints until done or interrupted. */
/** On a resume, the checkpoint's parameters and optimizer state go into the model and optimizer. */
async function restore(
  { plan, runDir, resumeFrom }: RunStart,
  model: GptModel,
  optimizer: AdamW,
  log: (line: string) => void,
): Promise<void> {
  if (!resumeFrom) return;
  await loadParams(resumeFrom.path, resumeFrom.info, model);
  await loadOptimizer(resumeFrom.path, resumeFrom.info, optimizer);
  log(`resuming ${runDir} at step ${resumeFrom.info.step} of ${plan.steps}`);
}

async function runLoop(
  { plan, shards, runDir, tokenizer, resumeFrom }: RunStart,
  model: GptModel,
  optimizer: AdamW,
  stepper: Stepper,
  options: TrainOptions,
  log: (line: string) => void,
): Promise<TrainResult> {
  const { config } = plan;
  // Batches come from their own generator, so the sampler's stream does not depend on the model's size.
  let random = resumeFrom
    ? Random.fromState(resumeFrom.info.random_state)
    : new Random(plan.seed + 1);
  const startStep = resumeFrom?.info.step ?? 0;
  let tokensSeen = resumeFrom?.info.tokens_seen ?? 0;
  const metrics = await MetricsLog.open(`${runDir}/metrics.jsonl`, startStep);
  log(describeRun(plan, runDir));
  if (stepper.native) log(stepper.description);
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
    stepper.sync();
    lastCheckpoint = await saveCheckpoint(runDir, {
      model,
      optimizer,
      info: {
        step,
        ...trainPlanToJson(plan),
        random_state: random.state(),
        tokens_seen: tokensSeen,
        tokenizer_sha256: tokenizer.sha256,
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
      outcome = await stepper.step(
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
        native: stepper.native,
      });
      record.val_loss = evaluation.valLoss;
      record.val_ppl = evaluation.valPpl;
      record.val_bits_per_byte = evaluation.bitsPerByte;
    }
    await metrics.append(record);
    if (options.onStep) {
      stepper.sync(); // the hook reads the model's tensors
      options.onStep(record, model);
    }
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
}

/** The line that says what is trained: the model, the steps and batches, the run folder. */
function describeRun(plan: TrainPlan, runDir: string): string {
  const { config } = plan;
  return `model: ${plural(config.layers, "layer")}, model_d ${config.modelD}, ${
    plural(config.heads, "head")
  }, ` +
    `vocab ${config.vocab}, ctx ${config.ctx}, block ${config.block}; ${plan.steps} steps of ` +
    `${plan.batch}×${plan.accum} windows; run folder ${runDir}`;
}

function formatRate(tokensPerSecond: number): string {
  return tokensPerSecond >= 1000
    ? `${(tokensPerSecond / 1000).toFixed(1)}k tok/s`
    : `${tokensPerSecond.toFixed(0)} tok/s`;
}
