import { seededUniform } from "../scaling/fit/_random.ts";
import type { SweepRun } from "../scaling/fit/mod.ts";

/** The constants of L(N, D) = E + A/N^α + B/D^β. */
export interface Law {
  E: number;
  A: number;
  B: number;
  alpha: number;
  beta: number;
}

/** L(N, D) of `law`. */
export function lawLoss(law: Law, params: number, tokens: number): number {
  return law.E + law.A / params ** law.alpha + law.B / tokens ** law.beta;
}

/** N_opt(C) of `law` under C = 6ND (Hoffmann et al. 2022, Eq. 4). */
export function lawOptimalParams(law: Law, flops: number): number {
  const g = ((law.alpha * law.A) / (law.beta * law.B)) ** (1 / (law.alpha + law.beta));
  return g * (flops / 6) ** (law.beta / (law.alpha + law.beta));
}

/** An IsoFLOP grid: for each budget, models at these multiples of the law's N_opt. */
export interface IsoflopGrid {
  budgets: number[];
  /** Multiples of N_opt(C), e.g. [1/4, 1/2, 1, 2, 4]. */
  sizeFactors: number[];
}

/**
 * Runs simulated from `law` on `grid`, D = C/(6N), each loss multiplied by (1 + noise·z) with z a
 * standard normal draw (Box–Muller on the fits' seeded mulberry32): `noise` 0.01 is 1% noise.
 */
export function simulateRuns(law: Law, grid: IsoflopGrid, noise: number, seed: number): SweepRun[] {
  const uniform = seededUniform(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return grid.budgets.flatMap((budget) =>
    grid.sizeFactors.map((factor) => {
      const params = Math.round(factor * lawOptimalParams(law, budget));
      const tokens = budget / (6 * params);
      const loss = lawLoss(law, params, tokens) * (1 + noise * normal());
      return { budget, params, nonEmbeddingParams: Math.round(params * 0.6), tokens, loss };
    })
  );
}

/**
 * Chinchilla's Figure 4 as Besiroglu et al. 2024 extracted it (tests/fixtures/, with its source),
 * prepared as their notebook does: D = C/(6N), and the five runs of highest loss left out
 * (`losses < sorted(losses)[-5]`, data_analysis.ipynb): 240 of 245 points.
 */
export async function epochFigure4Runs(): Promise<SweepRun[]> {
  const text = await Deno.readTextFile(
    new URL("./fixtures/epoch_chinchilla_figure4.csv", import.meta.url),
  );
  const rows = text.split("\n").filter((line) => line && !line.startsWith("#")).slice(1)
    .map((line) => line.split(",").map(Number));
  const cutoff = rows.map((row) => row[2]).sort((x, y) => x - y)[rows.length - 5];
  return rows.filter((row) => row[2] < cutoff).map(([params, flops, loss]) => ({
    budget: flops,
    params,
    tokens: flops / (6 * params),
    loss,
  }));
}
