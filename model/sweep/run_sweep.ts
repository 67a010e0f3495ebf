import { UserError } from "../../core/user_error.ts";
import { lockFolder } from "../../core/writer_lock.ts";
import { openStore } from "../../pipeline/mod.ts";
import type { BackendChoice } from "../backend/mod.ts";
import { listCheckpoints } from "../run/mod.ts";
import { planSweep, type SweepCenterLaw, type SweepPlan, type SweepRunPlan } from "./plan.ts";
import { sweepTrainRequest } from "./run_request.ts";
import { longestFirst } from "./run_order.ts";
import { readOutcome, type RunOutcome } from "./run_outcome.ts";
import { recordSweep } from "./_sweep_record.ts";
import { type PoolRun, runPool } from "./run_pool.ts";
import { fitSweep, FRONTIER_CHART, ISOFLOP_CHART, LAW_FILE, type SweepFit } from "./fit_sweep.ts";
import { type LawStore, lawStoreOf, readLaw } from "./law_file.ts";
import { DEFAULT_LAW_SOURCE, defaultLawFor } from "./default_law.ts";
import { approach3LossFit, COARSE_GRID, HOFFMANN_GRID } from "../../scaling/fit/mod.ts";
import { parametricFrontier } from "../../scaling/mod.ts";

/** What `runSweep` needs (the flags of `deno task sweep`). */
export interface SweepOptions {
  /** The token store. */
  data: string;
  /** Compute budgets in FLOPs (C = 6ND). */
  budgets: number[];
  /** Models per budget (default 5). */
  sizes?: number;
  /** Tokens per parameter to centre on instead of the Chinchilla law's optimum. */
  centerTokensPerParam?: number;
  /** The sweep folder. */
  out: string;
  /** Runs trained at once (default `defaultJobs()`). */
  jobs?: number;
  /** The backend of every run (default auto). */
  backend?: BackendChoice;
  /** Bootstrap resamples of the fits (default 1000). */
  resamples?: number;
  /** Approach 3's starts: Hoffmann et al.'s grid of 4,500 (default) or the coarse one of 243. */
  starts?: "full" | "coarse";
  /** The command line, recorded in law.json. */
  command: string;
  /** Stops the sweep: the running runs save a checkpoint; a re-run resumes them. */
  signal?: AbortSignal;
  /** Progress across the whole sweep, after every step of any run. */
  onProgress?: (progress: SweepProgress) => void;
  /** Lines for the user (default: stderr). */
  log?: (line: string) => void;
}

/** Where a sweep stands. */
export interface SweepProgress {
  /** FLOPs trained so far (6N per token), finished runs included; the bar's unit. */
  flopsDone: number;
  /** FLOPs of the whole grid. */
  flopsTotal: number;
  /** Runs finished. */
  runsDone: number;
  /** Runs in the grid. */
  runsTotal: number;
  /** The runs training now. */
  current: string[];
}

/** A finished (or interrupted) sweep. */
export interface SweepResult {
  /** "done": every run trained and the law fitted; "interrupted": stopped by `signal`. */
  status: "done" | "interrupted";
  /** The grid. */
  plan: SweepPlan;
  /** Runs found finished when the sweep started (skipped). */
  skipped: number;
  /** Runs continued from a checkpoint. */
  resumed: number;
  /** Runs trained at once. */
  jobs: number;
  /** Seconds this call spent training. */
  seconds: number;
  /** The fits, law.json and the charts; absent when interrupted. */
  fit?: SweepFit;
}

/**
 * Runs at once that make a sweep fastest: one per core, each on one thread, started longest first
 * (`longestFirst`). Measured on 2 cores (`deno task bench sweep --parts jobs`, docs/benchmarks.md):
 * a run on 2 threads steps 1.4–2.3× as fast as a run on one thread beside another, so two runs side
 * by side train a little more per second than one run on both cores; what lost them the race was
 * the tail, a long run left to train alone on one core, which the longest-first order removes (6
 * runs: 163.3 s against 190.1 s for one run at a time on 2 threads, 1.16× sooner).
 */
export function defaultJobs(): number {
  return Math.max(1, navigator.hardwareConcurrency);
}

/**
 * `deno task sweep`: plans the IsoFLOP grid for the store, trains every run (as an ordinary run
 * folder under `out/runs/`, `jobs` processes at a time; finished runs are skipped and interrupted
 * ones resumed, so re-running continues the sweep), then fits Approaches 2 and 3 and writes
 * `law.json`, `isoflop.svg` and `frontier.svg` into `out`.
 */
export async function runSweep(options: SweepOptions): Promise<SweepResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const store = await openStore(options.data);
  const lawStore = lawStoreOf(store);
  const plan = planSweep({
    budgets: options.budgets,
    sizes: options.sizes,
    vocab: store.vocabSize,
    trainTokens: lawStore.trainTokens,
    centerTokensPerParam: options.centerTokensPerParam,
    centerLaw: options.centerTokensPerParam === undefined
      ? await measuredCenter(lawStore)
      : undefined,
  });
  const jobs = options.jobs ?? defaultJobs();
  if (!Number.isInteger(jobs) || jobs < 1) throw new UserError(`--jobs ${jobs}: expected ≥ 1`);
  using _lock = await lockFolder(options.out);
  await recordSweep(options.out, plan, lawStore);
  const runDir = (run: SweepRunPlan) => `${options.out}/runs/${run.name}`;

  const outcomes = new Map<string, RunOutcome>();
  const todo: SweepRunPlan[] = [];
  let resumed = 0;
  for (const run of plan.runs) {
    const outcome = await readOutcome(runDir(run));
    if (outcome) outcomes.set(run.name, outcome);
    else todo.push(run);
  }
  const skipped = outcomes.size;
  const flopsOf = (run: SweepRunPlan, step: number) => run.flops * step / run.steps;
  const flopsTotal = plan.runs.reduce((sum, run) => sum + run.flops, 0);
  const stepsDone = new Map<string, number>(plan.runs.map((run) => [run.name, 0]));
  for (const run of plan.runs) if (outcomes.has(run.name)) stepsDone.set(run.name, run.steps);
  const current = new Set<string>();
  const report = () =>
    options.onProgress?.({
      flopsDone: plan.runs.reduce((sum, run) => sum + flopsOf(run, stepsDone.get(run.name)!), 0),
      flopsTotal,
      runsDone: plan.runs.filter((run) => stepsDone.get(run.name) === run.steps).length,
      runsTotal: plan.runs.length,
      current: [...current],
    });
  const threads = Math.max(1, Math.floor(navigator.hardwareConcurrency / jobs));
  const pool: PoolRun[] = [];
  for (const run of longestFirst(todo)) {
    const resume = (await listCheckpoints(runDir(run)).catch(() => [])).length > 0;
    if (resume) resumed++;
    pool.push({
      name: run.name,
      job: {
        data: options.data,
        runDir: runDir(run),
        resume,
        request: sweepTrainRequest(run.model, run.hyperparameters),
        backend: options.backend ?? "auto",
        threads,
      },
      onStep: (step) => {
        current.add(run.name);
        stepsDone.set(run.name, step);
        report();
      },
      onEnd: () => current.delete(run.name),
    });
  }
  log(
    `sweep: ${plan.runs.length} runs (${plan.budgets.length} budgets × ${plan.sizes} sizes)` +
      (skipped ? `, ${skipped} already done` : "") + (resumed ? `, ${resumed} to resume` : "") +
      `; ${jobs} at a time, ${threads} thread${threads === 1 ? "" : "s"} each`,
  );
  report();
  const started = performance.now();
  const status = await runPool(pool, jobs, options.signal).finally(async () => {
    for (const run of todo) {
      const outcome = await readOutcome(runDir(run));
      if (outcome) outcomes.set(run.name, outcome);
    }
  });
  const seconds = (performance.now() - started) / 1000;
  const base = { plan, skipped, resumed, jobs, seconds };
  if (status === "interrupted") return { status, ...base };
  // Nothing trained and a law of these runs already there: it stands (the fits are seeded).
  const fit = (todo.length === 0 ? await existingFit(options.out, plan) : null) ??
    await fitSweep({
      out: options.out,
      plan,
      outcomes,
      store: lawStore,
      command: options.command,
      resamples: options.resamples,
      grid: options.starts === "coarse" ? COARSE_GRID : HOFFMANN_GRID,
    });
  return { status, ...base, fit };
}

async function existingFit(out: string, plan: SweepPlan): Promise<SweepFit | null> {
  const lawPath = `${out}/${LAW_FILE}`;
  const law = await readLaw(lawPath).catch(() => null);
  const names = (runs: { name: string }[]) => runs.map((run) => run.name).join(",");
  if (!law || names(law.runs) !== names(plan.runs)) return null;
  const charts = law.approach2 !== null;
  return {
    law,
    lawPath,
    isoflopPath: charts ? `${out}/${ISOFLOP_CHART}` : null,
    frontierPath: charts ? `${out}/${FRONTIER_CHART}` : null,
  };
}

/**
 * The frontier a sweep of `store` centres on when `--center` is not given: the committed measured
 * law's (Approach 3) on the store it was measured on, else none (the Chinchilla law's, in `planSweep`).
 */
export async function measuredCenter(store: LawStore): Promise<SweepCenterLaw | undefined> {
  const law = await defaultLawFor(store);
  if (law === null) return undefined;
  return {
    frontier: parametricFrontier(approach3LossFit(law.approach3, DEFAULT_LAW_SOURCE)),
    name: `the optimum of ${DEFAULT_LAW_SOURCE}`,
  };
}
