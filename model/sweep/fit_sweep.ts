import { writeFileAtomic } from "../../core/atomic_file.ts";
import { scalingLaw } from "../../scaling/mod.ts";
import { UserError } from "../../core/user_error.ts";
import {
  type Approach2Fit,
  type Approach3Grid,
  fitApproach2,
  fitApproach3,
  HOFFMANN_GRID,
  type SweepRun,
} from "../../scaling/fit/mod.ts";
import { frontierChartSvg, isoflopChartSvg } from "./charts.ts";
import type { RunOutcome } from "./run_outcome.ts";
import type { SweepPlan, SweepRunPlan } from "./plan.ts";
import { type LawRun, type LawStore, type MeasuredLaw, writeLaw } from "./law_file.ts";

/** The files a fitted sweep writes into its folder. */
export const LAW_FILE = "law.json";
export const ISOFLOP_CHART = "isoflop.svg";
export const FRONTIER_CHART = "frontier.svg";

/** What `fitSweep` fits. */
export interface FitSweepInput {
  /** The sweep folder. */
  out: string;
  /** The grid. */
  plan: SweepPlan;
  /** Every run's outcome, by name. */
  outcomes: Map<string, RunOutcome>;
  /** The store. */
  store: LawStore;
  /** The command line, recorded in the law. */
  command: string;
  /** Bootstrap resamples (default 1000). */
  resamples?: number;
  /** Approach 3's starts (default Hoffmann et al.'s grid of 4,500). */
  grid?: Approach3Grid;
}

/** A fitted sweep: the law and where its files are. */
export interface SweepFit {
  law: MeasuredLaw;
  lawPath: string;
  /** The charts; null when Approach 2 could not be fitted (they draw its parabolas). */
  isoflopPath: string | null;
  frontierPath: string | null;
}

/** A run of the grid with its final val loss, as the law records it. */
export function lawRunOf(run: SweepRunPlan, valLoss: number): LawRun {
  return {
    name: run.name,
    budget: run.budget,
    layers: run.model.layers,
    modelD: run.model.modelD,
    heads: run.model.heads,
    params: run.model.params,
    nonEmbeddingParams: run.model.nonEmbeddingParams,
    tokens: run.tokens,
    flops: run.flops,
    valLoss,
  };
}

/** What `fitLaw` fits: the runs with their losses, the store, and the fits' settings. */
export interface FitLawInput {
  runs: LawRun[];
  store: LawStore;
  command: string;
  /** Bootstrap resamples (default 1000). */
  resamples?: number;
  /** Approach 3's starts (default Hoffmann et al.'s grid of 4,500). */
  grid?: Approach3Grid;
}

/**
 * The law of `runs`: Approach 3 (Huber on log-loss, L-BFGS from the grid, bootstrap) and Approach 2
 * (IsoFLOP parabolas and power laws), each with N = all parameters and N = non-embedding ones.
 * When fewer than 2 budgets have a minimum, Approach 2 is null and `approach2Failure` says why.
 */
export function fitLaw(input: FitLawInput): MeasuredLaw {
  const points = fitPoints(input.runs);
  const resamples = input.resamples ?? 1000;
  const grid = input.grid ?? HOFFMANN_GRID;
  let approach2: Approach2Fit | null = null, approach2NonEmbedding: Approach2Fit | null = null;
  let approach2Failure: string | null = null;
  try {
    approach2 = fitApproach2(points, { resamples });
    approach2NonEmbedding = fitApproach2(points, { resamples, paramsCount: "nonEmbedding" });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    approach2Failure = error.message;
  }
  return {
    command: input.command,
    created: new Date().toISOString(),
    flopCount: "C = 6·N·D, N all parameters (embedding included), D training tokens",
    store: input.store,
    runs: input.runs,
    approach3: fitApproach3(points, { resamples, grid }),
    approach3NonEmbedding: fitApproach3(points, { resamples, grid, paramsCount: "nonEmbedding" }),
    approach2,
    approach2NonEmbedding,
    approach2Failure,
  };
}

/** The sweep's law (`fitLaw`) of its runs' outcomes, written with its two charts into `out`. */
export async function fitSweep(input: FitSweepInput): Promise<SweepFit> {
  const law = fitLaw({
    ...input,
    runs: input.plan.runs.map((run) => lawRunOf(run, input.outcomes.get(run.name)!.val_loss)),
  });
  const { approach2 } = law;
  const points = fitPoints(law.runs);
  const paths = {
    lawPath: `${input.out}/${LAW_FILE}`,
    isoflopPath: `${input.out}/${ISOFLOP_CHART}`,
    frontierPath: `${input.out}/${FRONTIER_CHART}`,
  };
  const encoder = new TextEncoder();
  if (approach2) {
    await writeFileAtomic(paths.isoflopPath, encoder.encode(isoflopChartSvg(points, approach2)));
    await writeFileAtomic(
      paths.frontierPath,
      encoder.encode(
        frontierChartSvg(
          approach2,
          law.approach3,
          scalingLaw("chinchilla").frontier.paramsForCompute,
        ),
      ),
    );
  }
  await writeLaw(paths.lawPath, law);
  return approach2
    ? { law, ...paths }
    : { law, lawPath: paths.lawPath, isoflopPath: null, frontierPath: null };
}

/** The runs as the fits read them. */
function fitPoints(runs: LawRun[]): SweepRun[] {
  return runs.map((run) => ({
    budget: run.budget,
    params: run.params,
    nonEmbeddingParams: run.nonEmbeddingParams,
    tokens: run.tokens,
    loss: run.valLoss,
  }));
}
