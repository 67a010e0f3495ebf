/**
 * `deno task sweep`: trains an IsoFLOP grid of micro_gpts on a store and fits the scaling law of
 * Approaches 2 and 3 to it. Flags only; the work is `runSweep()` in model/sweep/.
 */
import { numberFlag, parseFlags } from "./cli/flags.ts";
import { runTask } from "./cli/run_task.ts";
import { Progress } from "./cli/progress.ts";
import { abortOnSigint } from "./cli/interrupt.ts";
import { UserError } from "../core/user_error.ts";
import { parseBackend } from "../model/backend/mod.ts";
import { DEFAULT_DATA } from "../model/train/mod.ts";
import { formatSweep, runSweep, sweepToJson } from "../model/sweep/mod.ts";

const USAGE =
  `usage: deno task sweep --budgets C1,C2,... [--data DIR] [--sizes 5] [--out runs/sweep-NAME] [options]

Trains, for each compute budget C (FLOPs, C = 6·N·D with N all parameters), --sizes micro_gpts
spaced evenly in log N around the optimum the Chinchilla law expects (on the default store: the
optimum of its committed measured law; or --center), each for the tokens C buys with a cosine
that ends at its last step; then fits Approach 2 (a parabola per budget, power laws of N_opt and
D_opt) and Approach 3 (L(N, D) = E + A/N^α + B/D^β, Huber on log-loss, L-BFGS, bootstrap
intervals) to the final val losses. Writes law.json, isoflop.svg and frontier.svg
into the sweep folder; every run is an ordinary run folder under its runs/. Run the same command
again to continue an interrupted sweep: finished runs are skipped, interrupted ones resumed.`;

const FLAGS = {
  data: { type: "string", help: `PATH  token store (default ${DEFAULT_DATA})` },
  budgets: {
    type: "string",
    help: "C,C,...  compute budgets in FLOPs, at least 2 (e.g. 3e11,1e12,3e12)",
  },
  sizes: { type: "string", help: "N  models per budget, at least 3 (default 5)" },
  center: {
    type: "string",
    help:
      "R  centre each budget on R tokens per parameter (default: the optimum of the store's measured law on the default store, else the chinchilla law's)",
  },
  out: { type: "string", help: "DIR  sweep folder (default runs/sweep-<timestamp>)" },
  jobs: {
    type: "string",
    help:
      "N  runs trained at once, each on cores / N threads, longest first (default: one per core)",
  },
  backend: { type: "string", help: "NAME  backend of every run (default auto)" },
  resamples: { type: "string", help: "N  bootstrap resamples of the fits (default 1000)" },
  starts: {
    type: "string",
    help: "full|coarse  Approach 3's L-BFGS starts: Hoffmann's 4,500 (default) or 243",
  },
  json: { type: "boolean", help: "print the result as one JSON object" },
} as const;

await runTask(async () => {
  const flags = parseFlags(Deno.args, USAGE, FLAGS);
  if (flags.budgets === undefined) {
    throw new UserError("--budgets: give at least 2, e.g. --budgets 5e11,1.5e12,5e12");
  }
  const budgets = String(flags.budgets).split(",").map((text) =>
    numberFlag("budgets", text, { min: 1, max: 1e30 })
  );
  const whole = (name: "sizes" | "jobs" | "resamples", min: number) =>
    flags[name] === undefined ? undefined : numberFlag(name, flags[name], { min, integer: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
  const interrupt = abortOnSigint(
    "interrupt: the running runs save a checkpoint; run the same command to continue (Ctrl-C again to quit)",
  );
  let progress: Progress | undefined;
  try {
    const result = await runSweep({
      data: String(flags.data ?? DEFAULT_DATA),
      budgets,
      sizes: whole("sizes", 1),
      centerTokensPerParam: flags.center === undefined
        ? undefined
        : numberFlag("center", flags.center, { min: 1e-6, max: 1e9 }),
      out: String(flags.out ?? `runs/sweep-${stamp}`),
      jobs: whole("jobs", 1),
      backend: parseBackend(flags.backend ?? "auto"),
      resamples: whole("resamples", 0),
      starts: parseStarts(flags.starts),
      command: ["deno task sweep", ...Deno.args].join(" "),
      signal: interrupt.signal,
      onProgress: (state) => {
        progress ??= new Progress("sweep", { total: state.flopsTotal, unit: "FLOP" });
        progress.update(
          state.flopsDone,
          `${state.runsDone}/${state.runsTotal} runs; training ${state.current.join(", ") || "-"}`,
        );
      },
    });
    progress?.finish(
      result.plan.runs.reduce((sum, run) => sum + run.flops, 0),
      `${result.plan.runs.length} runs`,
    );
    console.log(flags.json ? JSON.stringify(sweepToJson(result)) : formatSweep(result));
    if (result.status === "interrupted") Deno.exitCode = 130;
  } finally {
    interrupt.dispose();
  }
});

function parseStarts(value: unknown): "full" | "coarse" {
  if (value === undefined || value === "full" || value === "coarse") return value ?? "full";
  throw new UserError(`--starts: expected full or coarse, got '${value}'`);
}
