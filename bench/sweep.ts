/**
 * `deno task bench sweep [--parts lr,jobs,accuracy] [--data DIR] [--budgets C,C,C] [--center R] [--out DIR]`: the
 * measured scaling law's benchmarks, each figure next to an anchor measured in the same run.
 *
 * 1. lr — the check of the sweep's learning-rate rule (model/sweep/hyperparameters.ts): the
 *    smallest and the largest model of the middle budget, each at 0.25, 0.5, 1, 2 and 4 × the rule's
 *    peak rate; the final val loss of each against the rule's own.
 * 2. jobs — a small grid (the two smallest budgets × 3 sizes) trained 1 run at a time on every
 *    core against one run per core on one thread each: wall seconds, and their ratio (the default
 *    of `--jobs`).
 * 3. accuracy — `deno task sweep` over budgets spanning 10× (default 3e11, 1e12, 3e12, centred on
 *    `--center` 50 tokens per parameter: the default store's measured optimum, docs/sizing.md), then
 *    `deno task train --law law.json --flops C` at 10× the largest budget: the law's predicted val
 *    loss against the measured one (target: within 2%), the sweep's wall time, runs per hour, jobs.
 */
import { parseArgs } from "node:util";
import { openStore } from "../pipeline/mod.ts";
import {
  planSweep,
  type PoolRun,
  readOutcome,
  runPool,
  type SweepRunPlan,
  sweepTrainRequest,
} from "../model/sweep/mod.ts";
import { DEFAULT_DATA } from "../model/train/mod.ts";

const LR_FACTORS = [0.25, 0.5, 1, 2, 4];

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      parts: { type: "string", default: "lr,jobs,accuracy" },
      data: { type: "string", default: DEFAULT_DATA },
      budgets: { type: "string", default: "3e11,1e12,3e12" },
      center: { type: "string", default: "50" },
      out: { type: "string" },
    },
  });
  const parts = new Set(values.parts.split(","));
  const budgets = values.budgets.split(",").map(Number);
  const center = Number(values.center);
  const scratch = values.out ?? await Deno.makeTempDir({ prefix: "bench-sweep-" });
  const lines: string[] = [];
  if (parts.has("lr")) lines.push(...await learningRatePart(values.data, budgets, center, scratch));
  if (parts.has("jobs")) lines.push(...await jobsPart(values.data, budgets, center, scratch));
  if (parts.has("accuracy")) {
    lines.push(...await accuracyPart(values.data, budgets, center, scratch));
  }
  console.log(lines.join("\n"));
}

async function learningRatePart(
  data: string,
  budgets: number[],
  center: number,
  scratch: string,
) {
  const store = await openStore(data);
  const plan = planSweep({
    budgets,
    centerTokensPerParam: center,
    vocab: store.vocabSize,
    trainTokens: store.tokens("train"),
  });
  const middle = budgets.toSorted((a, b) => a - b)[Math.floor(budgets.length / 2)];
  const grid = plan.runs.filter((run) => run.budget === middle);
  const lines = [`lr: the rule's peak rate against 0.25–4× it, budget ${middle.toExponential(1)}:`];
  for (const run of [grid[0], grid.at(-1)!]) {
    const runs: PoolRun[] = LR_FACTORS.map((factor) => lrRun(run, factor, data, scratch));
    console.error(`lr: ${run.name} at ${LR_FACTORS.join(", ")} × ${run.hyperparameters.lr} …`);
    // A rate too high diverges (the run stops at a non-finite loss): it counts as the worst.
    await runPool(runs, navigator.hardwareConcurrency, undefined, { keepGoing: true });
    const losses = await Promise.all(
      runs.map(async (r) => (await readOutcome(r.job.runDir))?.val_loss ?? Infinity),
    );
    const rule = losses[LR_FACTORS.indexOf(1)];
    const best = Math.min(...losses);
    lines.push(
      `  ${run.name} (${run.model.params} parameters, ${run.steps} steps): ` +
        LR_FACTORS.map((f, i) => `${f}× ${isFinite(losses[i]) ? losses[i].toFixed(4) : "diverged"}`)
          .join(", ") +
        `; the rule's loss is ${((rule / best - 1) * 100).toFixed(2)}% above the best (at ${
          LR_FACTORS[losses.indexOf(best)]
        }×)`,
    );
  }
  return lines;
}

function lrRun(run: SweepRunPlan, factor: number, data: string, scratch: string): PoolRun {
  const request = sweepTrainRequest(run.model, run.hyperparameters);
  return {
    name: `${run.name}-lr${factor}`,
    job: {
      data,
      runDir: `${scratch}/lr/${run.name}-lr${factor}`,
      resume: false,
      request: { ...request, lr: request.lr! * factor, endLr: request.endLr! * factor },
      backend: "auto",
      threads: 1,
    },
    onStep: () => {},
    onFailure: (error) => console.error(`lr: ${run.name} at ${factor}×: ${error}`),
  };
}

async function jobsPart(data: string, budgets: number[], center: number, scratch: string) {
  // The accuracy sweep's two smallest budgets, 3 sizes each: the models a sweep of this store trains.
  const grid = budgets.toSorted((a, b) => a - b).slice(0, 2);
  const seconds: number[] = [];
  for (const jobs of [1, navigator.hardwareConcurrency]) {
    const started = performance.now();
    await sweep(data, grid, center, `${scratch}/jobs-${jobs}`, [
      ...["--sizes", "3", "--jobs", String(jobs), "--resamples", "100"],
    ]);
    seconds.push((performance.now() - started) / 1000);
  }
  return [
    `jobs: a 2 × 3 grid, 1 run at a time on ${navigator.hardwareConcurrency} threads ${
      seconds[0].toFixed(1)
    } s vs ${navigator.hardwareConcurrency} at a time on 1 thread each ${
      seconds[1].toFixed(1)
    } s: ${navigator.hardwareConcurrency} at a time ${
      (seconds[0] / seconds[1]).toFixed(2)
    }× sooner`,
  ];
}

async function accuracyPart(data: string, budgets: number[], center: number, scratch: string) {
  // An existing sweep folder there is continued (finished runs are skipped, and not timed).
  const out = `${scratch}/sweep`;
  const result = JSON.parse(await sweep(data, budgets, center, out, ["--json"]));
  const trained = result.runs - result.skipped;
  const check = 10 * Math.max(...budgets);
  console.error(`accuracy: training the law's model for ${check.toExponential(1)} FLOPs …`);
  const checkRun = JSON.parse(
    await deno([
      "task",
      "train",
      "--data",
      data,
      "--law",
      `${out}/law.json`,
      "--flops",
      String(check),
      "--out",
      `${scratch}/check-${check.toExponential(1)}`,
      "--json",
    ]),
  );
  const error = checkRun.predicted_val_loss / checkRun.val_loss - 1;
  return [
    `accuracy: sweep at ${
      budgets.map((budget) => budget.toExponential(1)).join(", ")
    } (${result.runs} runs, ${result.jobs} at a time): ` +
    (trained
      ? `${trained} trained in ${(result.seconds / 60).toFixed(1)} min, ${
        (trained / (result.seconds / 3600)).toFixed(1)
      } runs/hour`
      : `all ${result.runs} runs already in ${out} (not timed)`),
    `  law: N_opt ∝ C^${result.approach3.params_exponent.value.toFixed(3)} (Approach 3), ${
      result.approach2
        ? `C^${result.approach2.params_exponent.value.toFixed(3)} (Approach 2${
          result.approach2.warnings.length ? `; ${result.approach2.warnings.join("; ")}` : ""
        })`
        : `no Approach 2 fit (${result.approach2_failure})`
    }`,
    `  at ${check.toExponential(1)} FLOPs (10× the largest budget): predicted val loss ${
      checkRun.predicted_val_loss.toFixed(4)
    } [${
      checkRun.predicted_val_loss_interval.map((x: number) => x.toFixed(4)).join(", ")
    }] vs measured ${checkRun.val_loss.toFixed(4)}: ${
      (error * 100).toFixed(2)
    }% (target: within 2%)`,
  ];
}

/** `deno task sweep` of `budgets` centred on `center` tokens per parameter into `out`; its stdout. */
function sweep(data: string, budgets: number[], center: number, out: string, extra: string[]) {
  return deno([
    ...["task", "sweep", "--data", data, "--budgets", budgets.join(",")],
    ...["--center", String(center), "--out", out, ...extra],
  ]);
}

/** Runs `deno ARGS` and returns its stdout; its stderr passes through (progress, lines). */
async function deno(args: string[]): Promise<string> {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!output.success) throw new Error(`deno ${args.join(" ")} failed`);
  return new TextDecoder().decode(output.stdout).trim().split("\n").at(-1)!;
}
