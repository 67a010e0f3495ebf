/**
 * `deno task train`: trains a GPT on a token store. Flags only; the work is `train()` in model/.
 */
import { numberFlag, parseFlags } from "./cli/flags.ts";
import { runTask } from "./cli/run_task.ts";
import { Progress } from "./cli/progress.ts";
import { BACKEND_FLAGS, startBackendFromFlags } from "./cli/backend_flags.ts";
import { abortOnSigint } from "./cli/interrupt.ts";
import { DEFAULT_DATA, train, type TrainRequest } from "../model/train/mod.ts";
import { UserError } from "../core/user_error.ts";
import { parseBlockKind } from "../core/block_kind.ts";
import { formatLawPlan, lawTrainRequest } from "../model/sweep/mod.ts";

const usage =
  "usage: deno task train [--preset exp1|exp2] [--data DIR] [--out runs/NAME] [flags]\n" +
  "       deno task train --resume runs/NAME [--steps N]\n\n" +
  "Trains a GPT on a token store (from deno task tokenize). Without a preset or size flags the scaling laws\n" +
  "size the model from the store's train tokens: on the default corpus's store its committed measured law\n" +
  "(model/sweep/default_law.json; it also sets the run's length unless --steps/--epochs/--batch/--ctx are\n" +
  "given), on other stores the published laws. Ctrl-C saves a checkpoint and stops.";

const flagSpecs = {
  data: {
    type: "string",
    help:
      `PATH  token store from deno task tokenize, or several: a list, glob or --merge manifest ` +
      `(default ${DEFAULT_DATA})`,
  },
  out: { type: "string", help: "DIR  run folder (default runs/<timestamp>)" },
  preset: {
    type: "string",
    help: "NAME  exp1 or exp2: the microGPT study's two runs (flags override)",
  },
  layers: { type: "string", help: "N  blocks (preset: 4; else from the scaling laws)" },
  "model-d": {
    type: "string",
    help: "N  model width (preset: 512 / 384; else from the scaling laws)",
  },
  heads: {
    type: "string",
    help: "N  attention heads (preset: 8 / 12; else from the scaling laws)",
  },
  vocab: { type: "string", help: "N  vocabulary; must equal the store's (default: the store's)" },
  ctx: { type: "string", help: "N  context length (default 128)" },
  block: {
    type: "string",
    help: "original|preln  block wiring (default original, the study's; seed = original)",
  },
  batch: { type: "string", help: "N  windows per batch (preset: 128 / 64; default 32)" },
  accum: { type: "string", help: "N  batches per update, gradients averaged (default 1)" },
  lr: { type: "string", help: "X  peak learning rate (default 5e-4)" },
  warmup: {
    type: "string",
    help: "N  linear warmup steps from 0 (default 100, at most steps/10 without preset)",
  },
  "decay-steps": {
    type: "string",
    help: "N  step where the cosine reaches --end-lr (default: the last step)",
  },
  "end-lr": { type: "string", help: "X  final learning rate (default 1e-5)" },
  "weight-decay": { type: "string", help: "X  AdamW decoupled weight decay (default 0.01)" },
  clip: { type: "string", help: "X  global gradient-norm clip, 0 = none (default 1)" },
  seed: { type: "string", help: "N  seeds the initial weights and the batch sampler (default 0)" },
  steps: { type: "string", help: "N  optimizer updates (or --epochs)" },
  epochs: { type: "string", help: "X  passes over the train tokens (preset: 60 / 100; default 1)" },
  "eval-every": {
    type: "string",
    help: "N  eval + checkpoint every N steps (default min(500, steps/10))",
  },
  "eval-tokens": { type: "string", help: "N  val tokens per eval, 0 = all (default 1M)" },
  keep: { type: "string", help: "N  checkpoints kept, 0 = all (default 3)" },
  resume: { type: "string", help: "DIR  continue a run from its newest checkpoint" },
  law: {
    type: "string",
    help: "FILE  size and train the model by a measured law (law.json of deno task sweep)",
  },
  flops: {
    type: "string",
    help: "C  compute budget (C = 6ND) for the law's model (default: the store's tokens, once)",
  },
  ...BACKEND_FLAGS,
  json: { type: "boolean", help: "print the result as one JSON object" },
} as const;

await runTask(async () => {
  const flags = parseFlags(Deno.args, usage, flagSpecs);
  const whole = (name: string, min = 1) =>
    flags[name] === undefined ? undefined : numberFlag(name, flags[name], { min, integer: true });
  const real = (name: string, min = 0) =>
    flags[name] === undefined ? undefined : numberFlag(name, flags[name], { min });
  let request: TrainRequest = {
    data: flags.data as string | undefined,
    preset: flags.preset as string | undefined,
    layers: whole("layers"),
    modelD: whole("model-d"),
    heads: whole("heads"),
    vocab: whole("vocab"),
    ctx: whole("ctx"),
    block: flags.block === undefined ? undefined : parseBlockKind(flags.block, "--block"),
    batch: whole("batch"),
    accum: whole("accum"),
    lr: real("lr"),
    warmup: whole("warmup", 0),
    decaySteps: whole("decay-steps"),
    endLr: real("end-lr"),
    weightDecay: real("weight-decay"),
    clip: real("clip"),
    seed: whole("seed", 0),
    steps: whole("steps"),
    epochs: real("epochs"),
    evalEvery: whole("eval-every"),
    evalTokens: whole("eval-tokens", 0),
    keep: whole("keep", 0),
  };
  // A measured law (--law, or the default corpus's committed one) picks the model and its run.
  const sized = flags.resume === undefined
    ? await lawTrainRequest(request, {
      lawPath: flags.law as string | undefined,
      flops: flags.flops === undefined
        ? undefined
        : numberFlag("flops", flags.flops, { min: 1, max: 1e30 }),
    })
    : null;
  if (flags.resume !== undefined && (flags.law !== undefined || flags.flops !== undefined)) {
    throw new UserError("--resume continues a run as planned: drop --law/--flops");
  }
  if (sized) {
    request = sized.request;
    console.error(formatLawPlan(sized.plan).replace(/^/gm, "size: "));
  }
  const predicted = sized?.plan.predictedLoss ?? null;
  const { threads } = await startBackendFromFlags(flags);
  const interrupt = abortOnSigint(
    "interrupt: saving a checkpoint after this step (Ctrl-C again to quit without saving)",
  );
  try {
    const result = await train({
      ...request,
      shards: sized?.shards,
      out: flags.out as string | undefined,
      resume: flags.resume as string | undefined,
      threads,
      signal: interrupt.signal,
      progress: (total) => new Progress("train", { total, unit: "steps" }),
    });
    const e = result.evaluation;
    if (flags.json) {
      console.log(JSON.stringify({
        run: result.runDir,
        status: result.status,
        step: result.step,
        loss: result.loss,
        val_loss: e?.valLoss ?? null,
        predicted_val_loss: predicted?.value ?? null,
        predicted_val_loss_interval: predicted?.interval ?? null,
        val_ppl: e?.valPpl ?? null,
        bits_per_byte: e?.bitsPerByte ?? null,
        tokens_per_second: result.tokensPerSecond,
        checkpoint: result.checkpoint,
      }));
    } else {
      console.log(
        `${
          result.status === "done" ? "finished" : "interrupted"
        } ${result.runDir} at step ${result.step}: ` +
          `train loss ${result.loss.toFixed(4)}` +
          (e
            ? `, val loss ${e.valLoss.toFixed(4)}, perplexity ${e.valPpl.toFixed(2)}, ` +
              `${e.bitsPerByte.toFixed(3)} bits/byte`
            : "") +
          (predicted
            ? ` (the law predicted ${predicted.value.toFixed(4)} [${
              predicted.interval[0].toFixed(4)
            }, ${predicted.interval[1].toFixed(4)}])`
            : "") +
          `, ${Math.round(result.tokensPerSecond)} tokens/s; checkpoint ${result.checkpoint}`,
      );
    }
  } finally {
    interrupt.dispose();
  }
});
