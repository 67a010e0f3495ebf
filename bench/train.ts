/**
 * `deno task bench train [--parts pytorch,machine,cores,eval,choice] [--steps N] [--data DIR]`: the speed of
 * training, each figure next to an anchor measured in the same run.
 *
 * 1. pytorch — the job of issue 11 (2 layers, model_d 128, 4 heads, ctx 64, batch 16, 300 steps, peak
 *    lr 1e-3, warmup 30, cosine to 1e-5, weight decay 0.01, clip 1.0) on a store of the default corpus with
 *    a 2,000-token vocabulary: `deno task train` (its own process, the default backend) against the
 *    PyTorch reference of the same model and optimizer (bench/pytorch/, 1 and 2 threads, the faster);
 *    training-loop seconds of both, and the final val loss of both.
 * 2. machine — micro_gpt_4 (model_d 384, vocabulary 8,000, ctx 128, batch 32): the step's GFLOP/s
 *    (Appendix F FLOPs) against `cblas_sgemm` at the step's largest product (the tied logits).
 * 3. cores — tokens/s on every core against one thread, for both models.
 * 4. eval — forward-only tokens/s of the native passes against the wasm backend's (micro_gpt_4).
 * 5. choice — why the native path has passes of its own: ms per update of tfjs's autodiff on wasm,
 *    the same with the matrix kernels on BLAS, and the native passes on 1 thread and every core.
 * Where a target is missed, the profile of a step says what bounds it (the share of the time in BLAS).
 * Generation's figures are `deno task bench generate`.
 */
import { parseArgs } from "node:util";
import { initBackend } from "../model/backend/mod.ts";
import type { GptConfig } from "../model/gpt/config.ts";
import { pytorchAnchor, type PytorchJob } from "./train_pytorch.ts";
import {
  benchBlas,
  evalTokensPerSecond,
  type MachineFigures,
  measureMachine,
  pathChoice,
  type Workload,
} from "./train_machine.ts";

const JOB: PytorchJob = {
  layers: 2,
  modelD: 128,
  heads: 4,
  ctx: 64,
  batch: 16,
  steps: 300,
  lr: 1e-3,
  endLr: 1e-5,
  warmup: 30,
  weightDecay: 0.01,
  clip: 1.0,
  seed: 0,
};
const JOB_VOCAB = 2000;

const MICRO_GPT_4: Workload = {
  name: "micro_gpt_4 d384 V8000 ctx128 batch32",
  config: { layers: 4, modelD: 384, heads: 12, vocab: 8000, ctx: 128, block: "original" },
  batch: 32,
};
const JOB_WORKLOAD: Workload = {
  name: "2 layers d128 V2000 ctx64 batch16",
  config: { ...JOB, vocab: JOB_VOCAB, block: "original" } as GptConfig,
  batch: JOB.batch,
};

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      parts: { type: "string", default: "pytorch,machine,cores,eval,choice" },
      steps: { type: "string", default: "6" },
      data: { type: "string" },
    },
  });
  const parts = new Set(values.parts.split(","));
  const steps = Number(values.steps);
  const blas = benchBlas();
  if (typeof blas === "string") console.log(`native path: ${blas}`);
  const lines: string[] = [];
  if (parts.has("pytorch")) lines.push(...await pytorchPart(values.data));
  if (typeof blas !== "string") {
    console.error(`backend: ${await initBackend("native")}`);
    const figures: MachineFigures[] = [];
    if (parts.has("machine") || parts.has("cores")) {
      for (const workload of parts.has("cores") ? [MICRO_GPT_4, JOB_WORKLOAD] : [MICRO_GPT_4]) {
        console.error(`measuring ${workload.name} …`);
        figures.push(await measureMachine(workload, blas, steps));
      }
    }
    if (parts.has("machine")) lines.push(machineLine(figures[0]));
    if (parts.has("cores")) lines.push(...figures.map(coresLine));
    if (parts.has("eval")) {
      const { native, wasm } = await evalTokensPerSecond(MICRO_GPT_4, blas, steps);
      lines.push(
        `eval (forward), ${MICRO_GPT_4.name}: native ${fmt(native)} tokens/s vs wasm ${
          fmt(wasm)
        } tokens/s: ${(native / wasm).toFixed(2)}×`,
      );
    }
    if (parts.has("choice")) {
      const choice = await pathChoice(JOB_WORKLOAD, blas, steps);
      const ms = (seconds: number) => `${(seconds * 1000).toFixed(1)} ms`;
      lines.push(
        `the native path's choice, ${JOB_WORKLOAD.name}, ms per update: tfjs autodiff on wasm ${
          ms(choice.wasm)
        }; with the matrix kernels on BLAS ${ms(choice.blasKernels)} (${
          (choice.wasm / choice.blasKernels).toFixed(1)
        }×); the native passes on 1 thread ${ms(choice.nativeOneThread)} (${
          (choice.wasm / choice.nativeOneThread).toFixed(1)
        }×), on ${choice.cores} ${ms(choice.nativeAllCores)} (${
          (choice.wasm / choice.nativeAllCores).toFixed(1)
        }×)`,
      );
    }
  }
  console.log(lines.join("\n"));
}

async function pytorchPart(data: string | undefined): Promise<string[]> {
  const temporary = data ? null : await Deno.makeTempDir({ prefix: "bench-train-" });
  const store = data ?? `${temporary}/store`;
  try {
    if (!data) {
      console.error(`tokenizing the default corpus (vocabulary ${JOB_VOCAB}) into ${store} …`);
      await deno(["task", "tokenize", "--vocab", `${JOB_VOCAB}`, "--out", store]);
    }
    const ours = await ourTraining(store, `${temporary ?? await Deno.makeTempDir()}/run`);
    const anchor = await pytorchAnchor({ ...JOB, data: store });
    const oursLine =
      `deno task train (${ours.backend}): training loop ${ours.loopSeconds.toFixed(1)} s ` +
      `(process ${ours.processSeconds.toFixed(1)} s), val loss ${ours.valLoss.toFixed(4)}`;
    if (!anchor) return [`end to end: ${oursLine}; no PyTorch anchor (see above)`];
    const speed = anchor.seconds / ours.loopSeconds;
    const lossGap = (ours.valLoss - anchor.valLoss) / anchor.valLoss;
    return [
      `end to end, the issue's job: ${oursLine}`,
      `  PyTorch (${anchor.threads} thread${anchor.threads === 1 ? "" : "s"}, ${anchor.blas}): ` +
      `training loop ${anchor.seconds.toFixed(1)} s, val loss ${anchor.valLoss.toFixed(4)} ` +
      `(runs: ${anchor.runs.map((r) => `${r.threads}t ${r.seconds.toFixed(1)} s`).join(", ")})`,
      `  speed ${speed.toFixed(2)}× PyTorch's (target ≥ 1.0); val loss ${
        (100 * lossGap).toFixed(2)
      }% from PyTorch's (target within 1%)`,
    ];
  } finally {
    if (temporary) await Deno.remove(temporary, { recursive: true });
  }
}

/** `deno task train` on the job in its own process: its training-loop and process seconds, val loss. */
async function ourTraining(store: string, out: string) {
  const flags = {
    data: store,
    layers: JOB.layers,
    "model-d": JOB.modelD,
    heads: JOB.heads,
    ctx: JOB.ctx,
    batch: JOB.batch,
    steps: JOB.steps,
    lr: JOB.lr,
    "end-lr": JOB.endLr,
    warmup: JOB.warmup,
    "weight-decay": JOB.weightDecay,
    clip: JOB.clip,
    seed: JOB.seed,
    "eval-every": JOB.steps, // one evaluation, at the end, of the whole val split (as the reference)
    "eval-tokens": 0,
    out,
  };
  const started = performance.now();
  const { stdout, stderr } = await deno([
    "task",
    "train",
    ...Object.entries(flags).flatMap(([flag, value]) => [`--${flag}`, `${value}`]),
    "--json",
  ]);
  const processSeconds = (performance.now() - started) / 1000;
  const result = JSON.parse(stdout.trim().split("\n").at(-1)!);
  const backend = stderr.match(/^backend: (\S+)/m)?.[1] ?? "?";
  const tokens = JOB.steps * JOB.batch * JOB.ctx;
  return {
    backend,
    loopSeconds: tokens / result.tokens_per_second,
    processSeconds,
    valLoss: result.val_loss as number,
  };
}

async function deno(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), { args, stdout: "piped", stderr: "piped" })
    .output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  if (!output.success) throw new Error(`deno ${args.join(" ")} failed:\n${stderr}`);
  return { stdout, stderr };
}

function machineLine(figures: MachineFigures): string {
  const fraction = figures.stepGflops / figures.sgemmGflops;
  return `fraction of the machine, ${figures.workload.name}: step ${
    figures.stepGflops.toFixed(1)
  } GFLOP/s (Appendix F) vs cblas_sgemm at the logits' shape ${
    figures.sgemmGflops.toFixed(1)
  } GFLOP/s: ${fraction.toFixed(2)} (target ≥ 0.5)${boundNote(figures, fraction < 0.5)}`;
}

function coresLine(figures: MachineFigures): string {
  const rates = [...figures.tokensPerSecond.entries()].sort((a, b) => a[0] - b[0]);
  const [one, all] = [rates[0], rates.at(-1)!];
  const ratio = all[1] / one[1];
  return `cores, ${figures.workload.name}: ${all[0]} threads ${fmt(all[1])} tokens/s vs 1 thread ${
    fmt(one[1])
  } tokens/s: ${ratio.toFixed(2)}× (target ≥ 1.7)${boundNote(figures, ratio < 1.7)}`;
}

/** The profile, printed where a target is missed: how the step's time divides. */
function boundNote(figures: MachineFigures, missed: boolean): string {
  if (!missed) return "";
  const share = figures.matmulShare;
  return `; profile of a step (${figures.stepMs.toFixed(0)} ms): ${(100 * share).toFixed(0)}% in ` +
    `BLAS products, ${
      (100 * (1 - share)).toFixed(0)
    }% in the element-wise passes and the optimizer`;
}

function fmt(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(1)}k` : value.toFixed(0);
}
